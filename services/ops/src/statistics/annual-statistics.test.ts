import { toContentPublished, topics } from '@tongyuan/contracts';
import { correctedRevision, integrationTest as test, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { latestRevisions } from '../ledger/ledger-store.js';
import { freshRevision, startOpsHarness } from '../ops.fixture.js';

describe('statistics for the annual report', () => {
  test('count releases, corrections and withdrawals per year, month, kind and organ, on the page and as CSV for Excel', async ({
    servers,
  }) => {
    const ops = await startOpsHarness(servers);
    try {
      // 2026-03-31 20:30 UTC is already 1 April in Beijing: the report counts it in April.
      const april = new Date('2026-03-31T20:30:00Z');
      const notice = freshRevision('haishu-2019-work-plan', april);
      const plan = freshRevision('laiyang-2024-work-plan', april);
      const corrected = correctedRevision(plan, { reason: '更正错字', body: plan.body }, '2026-05-02T02:00:00Z');
      const withdrawn = {
        ...correctedRevision(notice, { reason: '撤回', body: notice.body }, '2026-05-03T02:00:00Z'),
        status: 'withdrawn' as const,
      };
      withdrawn.correction = { ...withdrawn.correction!, kind: 'withdrawal' };
      for (const revision of [notice, plan, corrected, withdrawn]) {
        await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
      }
      await waitFor(async () => (await latestRevisions(ops.service.pool)).every((r) => r.revision === 2), {
        what: 'four revisions',
      });

      const auth = { authorization: `Bearer ${ops.tokens.ops}` };
      const csv = await fetch(`${ops.baseUrl}/statistics.csv?year=2026`, { headers: auth });
      expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      expect(csv.headers.get('content-disposition')).toContain('tongyuan-statistics-2026.csv');
      const bytes = Buffer.from(await csv.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
      expect(lines[0]).toBe('年份,月份,文件类别,发文机关,主动公开,纠错,撤回,有效性变更');
      expect(lines.slice(1).sort()).toEqual(
        [
          `2026,4,${notice.kind},${notice.issuingOrgans[0]},1,0,0,0`,
          `2026,4,${plan.kind},${plan.issuingOrgans[0]},1,0,0,0`,
          `2026,5,${notice.kind},${notice.issuingOrgans[0]},0,0,1,0`,
          `2026,5,${plan.kind},${plan.issuingOrgans[0]},0,1,0,0`,
        ].sort(),
      );
      const page = await (await fetch(`${ops.baseUrl}/statistics?year=2026`, { headers: auth })).text();
      expect(page).toContain(
        '<tfoot><tr><th scope="row" colspan="4">合计</th><td>2</td><td>1</td><td>1</td><td>0</td></tr></tfoot>',
      );
      // A year without releases is still a well-formed file: the byte-order mark and the heading row.
      const none = Buffer.from(await (await fetch(`${ops.baseUrl}/statistics.csv?year=2019`, { headers: auth })).arrayBuffer());
      expect(none.toString('utf8')).toBe('\uFEFF年份,月份,文件类别,发文机关,主动公开,纠错,撤回,有效性变更\r\n');
    } finally {
      await ops.stop();
    }
  });
});
