// Test data for the portal renderer: real corpus documents, plus one revision that exercises every block and notice.
import {
  type Block,
  type DocumentRevision,
  DocumentRevision as DocumentRevisionSchema,
  newDocumentId,
  sourceFingerprint,
} from '@tongyuan/contracts';
import { type CorpusName, revisionFromCorpus, zigongRevision } from '../../contracts/src/corpus-revision.fixture.js';
import type { DocumentPageInput, RevisionHistoryEntry } from './document-page.js';
import type { SiteConfig, SiteNav } from './site.js';
import { listingPath } from './site-paths.js';
import { type DocumentSummary, summaryOf } from './summary.js';

export const testConfig = (baseUrl = 'http://127.0.0.1:8082'): SiteConfig => ({
  siteId: 'zigong-portal',
  title: '自贡市人民政府信息公开',
  baseUrl,
  pageSize: 3,
});

export const testNav: SiteNav = {
  columns: [
    { title: '最新信息', href: listingPath('latest') },
    { title: '政府信息公开目录', href: listingPath('catalogue') },
    { title: '现行有效规范性文件', href: listingPath('normative-valid') },
    { title: '已废止规范性文件', href: listingPath('normative-repealed') },
    { title: '政务公开', href: listingPath('topic', '政务公开') },
  ],
};

export const corpusNames: CorpusName[] = [
  'zigong-2022-task-division',
  'haishu-2019-work-plan',
  'hongqiao-amr-2019-work-plan',
  'laiyang-2024-work-plan',
];

/** A revision as the service receives it: checked by the contract, so tests never render what could not be published. */
export const released = (revision: DocumentRevision): DocumentRevision => DocumentRevisionSchema.parse(revision);

export const pageInputOf = (revision: DocumentRevision): DocumentPageInput => ({
  revision,
  fingerprint: sourceFingerprint(revision),
  history: [
    {
      revision: revision.revision,
      fingerprint: sourceFingerprint(revision),
      status: revision.status,
      correction: revision.correction,
    },
  ],
  related: [],
});

export const corpusSummaries = (): DocumentSummary[] =>
  corpusNames.map((name) => {
    const revision = revisionFromCorpus(name);
    return summaryOf(revision, sourceFingerprint(revision));
  });

export const repealingDocumentId = newDocumentId(
  Date.parse('2023-06-20T09:00:00+08:00'),
  new TextEncoder().encode('zigong-2023'),
);
export const interpretationId = newDocumentId(Date.parse('2022-04-29T10:00:00+08:00'), new TextEncoder().encode('zigong-jd-1'));
export const pendingInterpretationId = newDocumentId(
  Date.parse('2022-04-30T10:00:00+08:00'),
  new TextEncoder().encode('zigong-jd-2'),
);

const richBlocks: Block[] = [
  {
    id: 'tbl1',
    type: 'table',
    caption: '2022年政务公开重点任务责任分工表',
    header: [
      ['序号', '任务', '责任单位', ''],
      ['', '', '牵头单位', '配合单位'],
    ],
    rows: [
      ['1', '加强稳增长信息公开', '市发展改革委', '市经济和信息化局\n市商务局'],
      ['2', '加强调结构信息公开', '市经济和信息化局', '市商务局'],
    ],
    merges: [
      { row: 0, col: 0, rowSpan: 2, colSpan: 1 },
      { row: 0, col: 1, rowSpan: 2, colSpan: 1 },
      { row: 0, col: 2, rowSpan: 1, colSpan: 2 },
    ],
  },
  {
    id: 'img1',
    type: 'image',
    key: 'uploads/2022/zigong-chart.png',
    alt: '2022年自贡市主动公开政府信息数量柱状图',
    caption: '图1 主动公开政府信息数量',
    width: 1600,
    height: 900,
    mediaType: 'image/png',
    size: 120_000,
    sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  },
  { id: 'lst1', type: 'list', ordered: true, items: ['公开目录动态更新', '政策文件全量入库'] },
  { id: 'att-here', type: 'attachment', ref: 'att1' },
  { id: 'sig1', type: 'paragraph', text: '自贡市人民政府办公室', align: 'end' },
  { id: 'sig2', type: 'paragraph', text: '2022年4月28日', align: 'end' },
];

/**
 * 自贡市2022年政务公开重点工作任务分工方案 as a third revision: corrected once, then repealed, with a merged-cell
 * table, an image, a list, an attachment, a right-aligned 落款 and links to its interpretations.
 */
export const richRevisionInput = (): DocumentPageInput => {
  const first = zigongRevision();
  const firstFingerprint = sourceFingerprint(first);
  const second: DocumentRevision = {
    ...first,
    revision: 2,
    body: [...first.body, ...richBlocks],
    attachments: [
      {
        id: 'att1',
        title: '2022年政务公开重点任务责任分工表',
        fileName: '责任分工表.pdf',
        key: 'attachments/zigong-2022-21/fengong.pdf',
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        mediaType: 'application/pdf',
        size: 245_760,
      },
    ],
    related: [
      { relation: 'interpretedBy', documentId: interpretationId, title: '《自贡市2022年政务公开重点工作任务分工方案》政策解读' },
      { relation: 'interpretedBy', documentId: pendingInterpretationId, title: '图解：自贡市2022年政务公开重点工作' },
    ],
    correction: {
      kind: 'correction',
      reason: '附件中责任单位名称有误',
      changes: ['更正附件《责任分工表》中的责任单位名称', '补充任务分工表'],
      previousRevision: 1,
      previousFingerprint: firstFingerprint,
      changedAt: '2022-05-06T10:00:00+08:00',
    },
  };
  const secondFingerprint = sourceFingerprint(second);
  const third: DocumentRevision = released({
    ...second,
    revision: 3,
    validity: { status: '废止', effectiveFrom: '2022-04-28', repealedOn: '2023-06-30', repealedBy: repealingDocumentId },
    correction: {
      kind: 'validityChange',
      reason: '已被《自贡市2023年政务公开重点工作任务分工方案》废止',
      changes: ['有效性由“现行有效”改为“废止”'],
      previousRevision: 2,
      previousFingerprint: secondFingerprint,
      changedAt: '2023-06-30T10:00:00+08:00',
    },
  });
  const history: RevisionHistoryEntry[] = [
    { revision: 1, fingerprint: firstFingerprint, status: 'published', correction: null },
    { revision: 2, fingerprint: secondFingerprint, status: 'published', correction: second.correction },
    { revision: 3, fingerprint: sourceFingerprint(third), status: 'published', correction: third.correction },
  ];
  return {
    revision: third,
    fingerprint: sourceFingerprint(third),
    history,
    related: [
      {
        documentId: interpretationId,
        relation: 'interpretedBy',
        title: '《自贡市2022年政务公开重点工作任务分工方案》政策解读',
        href: `documents/${interpretationId}/`,
      },
      { documentId: pendingInterpretationId, relation: 'interpretedBy', title: '图解：自贡市2022年政务公开重点工作', href: null },
    ],
    repealedBy: { title: '自贡市2023年政务公开重点工作任务分工方案', href: `documents/${repealingDocumentId}/` },
  };
};

/** n made-up summaries, one a day from 2022-01-01, oldest first. */
export const manySummaries = (n: number): DocumentSummary[] => {
  const base = corpusSummaries()[0]!;
  return Array.from({ length: n }, (_, i) => {
    const publishedAt = new Date(Date.UTC(2022, 0, 1 + i, 1, 0, 0)).toISOString().replace('.000Z', 'Z');
    return {
      ...base,
      documentId: newDocumentId(Date.parse(publishedAt), new TextEncoder().encode(`doc-${String(i).padStart(6, '0')}`)),
      title: `测试文件第${i + 1}号`,
      fingerprint: `sha256:${i.toString(16).padStart(64, '0')}`,
      indexNumber: `11510300008589567Q/2022-${String(i + 1).padStart(5, '0')}`,
      publishedAt,
      updatedAt: publishedAt,
    };
  });
};
