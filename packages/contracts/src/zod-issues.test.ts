import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { zigongRevision } from './corpus-revision.fixture.js';
import { DocumentRevision } from './document-revision.js';
import { describeZodIssues, formatIssuePath } from './zod-issues.js';

describe('formatIssuePath', () => {
  it('writes dotted names and bracketed indexes, quoting names that are not identifiers', () => {
    expect(formatIssuePath(['body', 3, 'rows', 0, 1])).toBe('body[3].rows[0][1]');
    expect(formatIssuePath(['content-type'])).toBe('["content-type"]');
    expect(formatIssuePath(['headers', 'ce_id'])).toBe('headers.ce_id');
    expect(formatIssuePath([])).toBe('');
  });
});

describe('describeZodIssues', () => {
  it('points into a table cell of the body', () => {
    const revision = zigongRevision();
    const body = [...revision.body, { type: 'table', header: [], rows: [['a', 1]] }];
    const result = DocumentRevision.safeParse({ ...revision, body });
    expect(describeZodIssues(result.error ?? new z.ZodError([]))).toEqual([
      { field: `body[${revision.body.length}].rows[0][1]`, reason: 'Invalid input: expected string, received number' },
    ]);
  });

  it('names a block whose type is unknown at its type field', () => {
    const revision = zigongRevision();
    const result = DocumentRevision.safeParse({ ...revision, body: [{ type: 'html', html: '<p>x</p>' }] });
    const [problem] = describeZodIssues(result.error ?? new z.ZodError([]));
    expect(problem?.field).toBe('body[0].type');
    expect(problem?.reason).toContain('heading');
  });

  it('gives one entry per unknown key', () => {
    const result = z.strictObject({ a: z.string() }).safeParse({ a: 'x', b: 1, 'c-d': 2 });
    expect(describeZodIssues(result.error ?? new z.ZodError([]))).toEqual([
      { field: 'b', reason: 'unknown field: not part of the contract' },
      { field: '["c-d"]', reason: 'unknown field: not part of the contract' },
    ]);
  });

  it('follows the union branch that got furthest', () => {
    const schema = z.object({ v: z.union([z.string(), z.object({ n: z.number() })]) });
    const result = schema.safeParse({ v: { n: 'x' } });
    expect(describeZodIssues(result.error ?? new z.ZodError([]))).toEqual([
      { field: 'v.n', reason: 'Invalid input: expected number, received string' },
    ]);
  });
});
