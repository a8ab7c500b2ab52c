import { DocumentRevision } from '@tongyuan/contracts';
import { describe, expect, it } from 'vitest';
import { correctedRevision, generatedRevision } from './generated-revisions.js';

describe('generated revisions', () => {
  it('are valid canonical revisions, 2–5 KB of Chinese, the same for the same seed', () => {
    for (let n = 0; n < 50; n += 1) {
      const revision = generatedRevision(n);
      const parsed = DocumentRevision.safeParse(revision);
      expect(parsed.success, JSON.stringify(parsed.error?.issues.slice(0, 3))).toBe(true);
      const bytes = Buffer.byteLength(revision.body.map((block) => ('text' in block ? block.text : '')).join(''));
      expect(bytes).toBeGreaterThanOrEqual(1_800);
      expect(bytes).toBeLessThan(7_000);
    }
    expect(generatedRevision(7)).toEqual(generatedRevision(7));
    expect(generatedRevision(7).documentId).not.toBe(generatedRevision(8).documentId);
  });

  it('chain corrections to the previous fingerprint', () => {
    const first = generatedRevision(3);
    const second = correctedRevision(
      first,
      { reason: '更正', body: [{ type: 'paragraph', text: '更正后的正文。' }] },
      '2026-01-01T00:00:00.000Z',
    );
    expect(DocumentRevision.safeParse(second).success).toBe(true);
    expect(second.revision).toBe(2);
  });
});
