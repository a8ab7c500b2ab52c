import { describe, expect, it } from 'vitest';
import type { Block, HeadingBlock } from './blocks.js';
import { type CorpusName, revisionFromCorpus, zigongRevision } from './corpus-revision.fixture.js';
import { DocumentRevision } from './document-revision.js';
import { sourceFingerprint } from './fingerprint.js';
import { describeZodIssues } from './zod-issues.js';

/** The field problems of a candidate revision; [] when it is valid. */
const problems = (value: unknown) => {
  const result = DocumentRevision.safeParse(value);
  return result.success ? [] : describeZodIssues(result.error);
};
const fieldsOf = (value: unknown) => problems(value).map((p) => p.field);

const withBody = (body: Block[]) => ({ ...zigongRevision(), body });

describe('DocumentRevision accepts real documents', () => {
  it('自贡市2022年政务公开重点工作任务分工方案, with its numbering mapped to heading levels', () => {
    const revision = zigongRevision();
    expect(problems(revision)).toEqual([]);
    const headings = revision.body.filter((b): b is HeadingBlock => b.type === 'heading');
    expect(headings.filter((h) => h.level === 1).map((h) => h.numbering)).toEqual(['一、', '二、', '三、', '四、', '五、']);
    // The corpus writes (一) with half-width brackets; the record keeps the canonical full-width form.
    expect(headings.filter((h) => h.level === 2).every((h) => /^（[一二三四五六七八九十]+）$/.test(h.numbering ?? ''))).toBe(
      true,
    );
    expect(headings.find((h) => h.numbering === '（一）')).toMatchObject({ text: '加强稳增长信息公开。', runIn: true });
  });

  it.each<CorpusName>(['haishu-2019-work-plan', 'hongqiao-amr-2019-work-plan', 'laiyang-2024-work-plan'])('%s', (name) => {
    expect(problems(revisionFromCorpus(name))).toEqual([]);
  });

  it('returns the input unchanged, so producer and consumer fingerprints agree', () => {
    const revision = zigongRevision();
    const parsed = DocumentRevision.parse(revision);
    expect(parsed).toEqual(revision);
    expect(sourceFingerprint(parsed)).toBe(sourceFingerprint(revision));
  });
});

describe('DocumentRevision rejects, naming the field', () => {
  it('a malformed 发文字号 or 索引号', () => {
    expect(fieldsOf({ ...zigongRevision(), docNumber: '自府办函[2022]21号' })).toEqual(['docNumber']);
    expect(fieldsOf({ ...zigongRevision(), indexNumber: '11510300008589567Q/2022-21' })).toEqual(['indexNumber']);
  });

  it('a 规范性文件 without 发文字号 or 有效性', () => {
    expect(fieldsOf({ ...zigongRevision(), docNumber: null, validity: null })).toEqual(['docNumber', 'validity']);
  });

  it('unknown fields, anywhere', () => {
    const revision = zigongRevision();
    expect(problems({ ...revision, html: '<p>' })).toEqual([
      { field: 'html', reason: 'unknown field: not part of the contract' },
    ]);
    const body = structuredClone(revision.body);
    Object.assign(body[1] ?? {}, { bold: true });
    expect(fieldsOf({ ...revision, body })).toEqual(['body[1].bold']);
  });

  it('reviews out of stage order, or dated after the release', () => {
    const revision = zigongRevision();
    const [self, check, approval] = revision.reviews;
    expect(fieldsOf({ ...revision, reviews: [check, self, approval] })).toEqual(['reviews[0].stage', 'reviews[1].stage']);
    expect(fieldsOf({ ...revision, reviews: [self, check, { ...approval, reviewedAt: '2022-04-29T10:00:00+08:00' }] })).toEqual([
      'reviews[2].reviewedAt',
    ]);
    expect(fieldsOf({ ...revision, reviews: [self, { ...check, reviewedAt: '2022-04-26T10:00:00+08:00' }, approval] })).toEqual([
      'reviews[1].reviewedAt',
    ]);
    expect(fieldsOf({ ...revision, reviews: [self, check] })).toEqual(['reviews']);
  });

  it('but not one person doing all three reviews: distinct reviewers are a gate of the review service', () => {
    const revision = zigongRevision();
    const same = { reviewerId: 'staff-0101', reviewerName: '王明' };
    const [self, check, approval] = revision.reviews;
    expect(problems({ ...revision, reviews: [self, { ...check, ...same }, { ...approval, ...same }] })).toEqual([]);
  });

  it('a later revision without a correction block, or with a gap', () => {
    const revision = zigongRevision();
    expect(fieldsOf({ ...revision, revision: 2 })).toEqual(['correction']);
    const correction = {
      kind: 'correction' as const,
      reason: '第四部分责任单位表述有误',
      changes: ['（一）责任单位“市政务服务和数字化管理局”更正为“市政府办公室”'],
      previousRevision: 1,
      previousFingerprint: sourceFingerprint(revision),
      changedAt: '2022-05-06T10:00:00+08:00',
    };
    // Reviews of revision 1 predate the correction, so they are in order for it too.
    expect(problems({ ...revision, revision: 2, correction })).toEqual([]);
    expect(fieldsOf({ ...revision, revision: 3, correction })).toEqual(['correction.previousRevision']);
    expect(fieldsOf({ ...revision, correction })).toEqual(['correction']);
  });

  it('a withdrawal that does not withdraw, and a withdrawn status without a withdrawal', () => {
    const revision = zigongRevision();
    const correction = {
      kind: 'withdrawal' as const,
      reason: '文件已被新方案替代',
      changes: ['撤回本文件'],
      previousRevision: 1,
      previousFingerprint: sourceFingerprint(revision),
      changedAt: '2022-06-01T09:00:00+08:00',
    };
    expect(problems({ ...revision, revision: 2, status: 'withdrawn', correction })).toEqual([]);
    expect(fieldsOf({ ...revision, revision: 2, status: 'published', correction })).toEqual(['correction.kind']);
    expect(fieldsOf({ ...revision, status: 'withdrawn' })).toEqual(['correction.kind']);
  });

  it('validity dates in the wrong order', () => {
    const validity = { status: '废止', effectiveFrom: '2022-04-28', repealedOn: '2021-01-01', repealedBy: null };
    expect(fieldsOf({ ...zigongRevision(), validity })).toEqual(['validity.repealedOn']);
  });

  it('headings whose 序号 is not canonical or does not fit the level, or sits in the text', () => {
    const heading = (h: Partial<HeadingBlock>): Block[] => [
      { type: 'heading', level: 2, text: '加强稳增长信息公开', ...h } as HeadingBlock,
    ];
    expect(fieldsOf(withBody(heading({ numbering: '(一)' })))).toEqual(['body[0].numbering']);
    expect(fieldsOf(withBody(heading({ numbering: '一、' })))).toEqual(['body[0].numbering']);
    expect(fieldsOf(withBody(heading({ text: '（一）加强稳增长信息公开' })))).toEqual(['body[0].text']);
    expect(fieldsOf(withBody(heading({ level: 5 as 1 })))).toEqual(['body[0].level']);
    expect(fieldsOf(withBody([...heading({ numbering: '（一）', runIn: true }), ...heading({})]))).toEqual(['body[0].runIn']);
  });

  it('blank or multi-line text, and an empty body', () => {
    expect(fieldsOf(withBody([{ type: 'paragraph', text: '  ' }]))).toEqual(['body[0].text']);
    expect(fieldsOf(withBody([{ type: 'paragraph', text: '第一段\n第二段' }]))).toEqual(['body[0].text']);
    expect(fieldsOf(withBody([]))).toEqual(['body']);
    expect(fieldsOf({ ...zigongRevision(), title: '' })).toEqual(['title']);
  });

  it('an image without alternative text', () => {
    const image = {
      type: 'image' as const,
      key: 'images/doc_01/chart.png',
      alt: '',
      width: 900,
      height: 383,
      mediaType: 'image/png' as const,
      size: 48_000,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    };
    expect(fieldsOf(withBody([image]))).toEqual(['body[0].alt']);
    expect(problems(withBody([{ ...image, alt: '2022年主动公开政府信息数量柱状图' }]))).toEqual([]);
  });

  it('an attachment block pointing at no attachment, and repeated ids', () => {
    const revision = zigongRevision();
    expect(fieldsOf({ ...revision, body: [...revision.body, { type: 'attachment', ref: 'att9' }] })).toEqual([
      `body[${revision.body.length}].ref`,
    ]);
    const body = revision.body.map((b) => ({ ...b, id: b.id === 'b2' ? 'b1' : b.id }));
    expect(fieldsOf({ ...revision, body })).toEqual(['body[1].id']);
  });

  it('ragged tables, merges that hide text, and merges outside the table', () => {
    const table = (t: object): Block[] => [
      {
        type: 'table',
        header: [['任务', '责任单位', '时限']],
        rows: [
          ['公开权责清单', '市司法局', '6月底前'],
          ['更新目录', '', ''],
        ],
        ...t,
      } as Block,
    ];
    expect(problems(withBody(table({ merges: [{ row: 2, col: 1, rowSpan: 1, colSpan: 2 }] })))).toEqual([]);
    expect(fieldsOf(withBody(table({ rows: [['公开权责清单', '市司法局']] })))).toEqual(['body[0].rows[0]']);
    expect(fieldsOf(withBody(table({ merges: [{ row: 1, col: 0, rowSpan: 2, colSpan: 1 }] })))).toEqual(['body[0].rows[1][0]']);
    expect(fieldsOf(withBody(table({ merges: [{ row: 2, col: 2, rowSpan: 1, colSpan: 2 }] })))).toEqual(['body[0].merges[0]']);
    expect(fieldsOf(withBody(table({ rows: [['公开权责清单', '市司法局', 7]] })))).toEqual(['body[0].rows[0][2]']);
  });

  it('a document related to itself, or a relation listed twice', () => {
    const revision = zigongRevision();
    const interpretation = {
      relation: 'interpretedBy' as const,
      documentId: 'doc_01G1SF0TE0F9MPEVVECWPK4C1K',
      title: '《自贡市2022年政务公开重点工作任务分工方案》政策解读',
    };
    expect(problems({ ...revision, related: [interpretation] })).toEqual([]);
    expect(fieldsOf({ ...revision, related: [interpretation, interpretation] })).toEqual(['related[1]']);
    expect(fieldsOf({ ...revision, related: [{ ...interpretation, documentId: revision.documentId }] })).toEqual([
      'related[0].documentId',
    ]);
  });

  it('repeated topics or targets', () => {
    const revision = zigongRevision();
    expect(fieldsOf({ ...revision, topics: ['政务公开', '政务公开'] })).toEqual(['topics']);
    expect(fieldsOf({ ...revision, targeting: { ...revision.targeting, regions: ['510300', '5103'] } })).toEqual([
      'targeting.regions[1]',
    ]);
  });
});
