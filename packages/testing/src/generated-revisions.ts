import { readFileSync } from 'node:fs';
import {
  type Block,
  blocksFromParagraphs,
  type DocumentKind,
  type DocumentRevision,
  formatIndexNumber,
  newDocumentId,
  sourceFingerprint,
} from '@tongyuan/contracts';

// Realistic bodies without a network: the paragraphs of the shared corpus, recombined deterministically.
const corpusFiles = [
  'zigong-2022-task-division',
  'haishu-2019-work-plan',
  'hongqiao-amr-2019-work-plan',
  'laiyang-2024-work-plan',
];
let corpusParagraphs: string[] | undefined;
const paragraphs = (): string[] => {
  corpusParagraphs ??= corpusFiles.flatMap(
    (name) =>
      (
        JSON.parse(readFileSync(new URL(`../../../../shared/corpus/${name}.json`, import.meta.url), 'utf8')) as {
          paragraphs: string[];
        }
      ).paragraphs,
  );
  return corpusParagraphs;
};

/** A small deterministic PRNG (mulberry32), so the same seed gives the same documents on every machine. */
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const kinds: DocumentKind[] = ['通知', '工作要点', '规范性文件', '工作动态', '公告', '规章', '年度报告'];
const topicsPool = ['政务公开', '市场监管', '营商环境', '社会保障', '生态环境', '教育', '卫生健康', '交通运输'];
const organs = ['自贡市人民政府办公室', '宁波市海曙区人民政府办公室', '天津市红桥区市场监督管理局', '莱阳市人民政府办公室'];

/** The n-th generated revision 1: a 2–5 KB Chinese body, plausible metadata, a valid 三审 record. */
export const generatedRevision = (n: number, seed = 1): DocumentRevision => {
  const next = random(seed * 1_000_003 + n);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const kind = pick(kinds);
  const publishedMs = Date.UTC(2019, 0, 1) + n * 3_600_000 * 7;
  const publishedAt = new Date(publishedMs).toISOString().replace('.000Z', '+00:00');
  const before = (hours: number) => new Date(publishedMs - hours * 3_600_000).toISOString();
  const year = new Date(publishedMs).getUTCFullYear();
  const lines: string[] = [];
  let size = 0;
  const target = 2_000 + Math.floor(next() * 3_000);
  while (size < target) {
    const line = pick(paragraphs());
    lines.push(line);
    size += Buffer.byteLength(line);
  }
  const normative = kind === '规章' || kind === '规范性文件';
  const body: Block[] = blocksFromParagraphs(lines);
  return {
    documentId: newDocumentId(
      publishedMs,
      Uint8Array.from({ length: 10 }, () => Math.floor(next() * 256)),
    ),
    revision: 1,
    status: 'published',
    kind,
    title: `关于${pick(topicsPool)}工作的${kind === '规章' ? '办法' : kind}（第${n + 1}号）`,
    issuingOrgans: [pick(organs)],
    docNumber: normative ? (kind === '规章' ? `自贡市人民政府令第${n + 1}号` : `自府办发〔${year}〕${n + 1}号`) : null,
    indexNumber: formatIndexNumber({ organisationCode: '11510300008589567Q', year, serial: (n % 99_999) + 1 }),
    topics: [...new Set([pick(topicsPool), pick(topicsPool)])],
    writtenDate: before(48).slice(0, 10),
    publishedAt,
    validity: normative ? { status: '现行有效', effectiveFrom: before(48).slice(0, 10), expiresOn: null } : null,
    openness: '主动公开',
    body,
    attachments: [],
    related: [],
    targeting: { channels: [], sites: [], accounts: [], regions: [] },
    reviews: [
      {
        stage: '自审',
        reviewerId: 'staff-1',
        reviewerName: '王科长',
        reviewerRole: '科室负责人',
        decision: 'approved',
        reviewedAt: before(30),
        comment: null,
      },
      {
        stage: '审核',
        reviewerId: 'staff-2',
        reviewerName: '李副主任',
        reviewerRole: '分管领导',
        decision: 'approved',
        reviewedAt: before(20),
        comment: null,
      },
      {
        stage: '批审',
        reviewerId: 'staff-3',
        reviewerName: '陈主任',
        reviewerRole: '主要负责人',
        decision: 'approved',
        reviewedAt: before(10),
        comment: null,
      },
    ],
    confidentialityReview: {
      reviewerId: 'staff-4',
      reviewerName: '刘保密员',
      reviewedAt: before(5),
      conclusion: '不涉密',
      comment: null,
    },
    correction: null,
  };
};

/** The next revision of a released one: its withdrawal (撤回), chained to the previous fingerprint. */
export const withdrawnRevision = (
  previous: DocumentRevision,
  changedAt: string,
  reason = '文件已被新文件替代',
): DocumentRevision => ({
  ...previous,
  revision: previous.revision + 1,
  status: 'withdrawn',
  correction: {
    kind: 'withdrawal',
    reason,
    changes: ['撤回'],
    previousRevision: previous.revision,
    previousFingerprint: sourceFingerprint(previous),
    changedAt,
  },
});

/** The next revision of a released one: a correction of its text, with the correction block chained to the previous fingerprint. */
export const correctedRevision = (
  previous: DocumentRevision,
  change: { reason: string; body: Block[] },
  changedAt: string,
): DocumentRevision => ({
  ...previous,
  revision: previous.revision + 1,
  body: change.body,
  correction: {
    kind: 'correction',
    reason: change.reason,
    changes: ['修改正文'],
    previousRevision: previous.revision,
    previousFingerprint: sourceFingerprint(previous),
    changedAt,
  },
});
