// Test issues: the shared corpus as a month of documents, a rich document with every block type, and volume from
// generatedRevision. Not part of the public API.
import { type DocumentRevision, sourceFingerprint } from '@tongyuan/contracts';
import { revisionFromCorpus, zigongRevision } from '../../contracts/src/corpus-revision.fixture.js';
import { generatedRevision } from '../../testing/src/generated-revisions.js';
import type { ArchiveIssueSummary } from './html/archive-pages.renderer.js';
import type { GazetteDocument, GazetteIssue } from './issue.js';

export const frozen = (revision: DocumentRevision): GazetteDocument => ({ revision, fingerprint: sourceFingerprint(revision) });

/** A 规章 with a table (merged cells), a list, an image without bytes, an attachment block, and hostile text. */
export const richRevision = (): DocumentRevision => {
  const base = generatedRevision(5, 7);
  return {
    ...base,
    kind: '规章',
    title: '自贡市政务公开办法<script>alert(1)</script>',
    docNumber: '自贡市人民政府令第88号',
    validity: { status: '现行有效', effectiveFrom: '2026-01-01', expiresOn: null },
    body: [
      { id: 'h1', type: 'heading', level: 1, numbering: '一、', text: '总则' },
      {
        id: 'p1',
        type: 'paragraph',
        text: '为了规范政务公开工作，保障公民、法人和其他组织依法获取政府信息，制定本办法。<b>不是标签</b>',
      },
      { id: 'h2', type: 'heading', level: 2, numbering: '（一）', text: '适用范围。', runIn: true },
      { id: 'p2', type: 'paragraph', text: '本办法适用于本市各级行政机关的政务公开工作，法律、法规另有规定的除外。' },
      { id: 'h3', type: 'heading', level: 3, numbering: '1.', text: '公开的内容' },
      { id: 'l1', type: 'list', ordered: true, items: ['机构职能', '政策文件', '财政预决算'] },
      {
        id: 't1',
        type: 'table',
        caption: '2026年政务公开重点任务分工表',
        header: [['序号', '重点任务', '责任单位', '完成时限']],
        rows: [
          ['1', '推进政策文件库建设，集中公开现行有效的行政规范性文件', '市政府办公室', '2026年6月底前'],
          ['2', '做好政策解读工作，坚持政策文件与解读材料同步组织、同步审签、同步部署', '市司法局\n各区县政府', '长期坚持'],
          ['3', '完善依申请公开工作机制', '市政府办公室', ''],
        ],
        merges: [{ row: 2, col: 3, rowSpan: 2, colSpan: 1 }],
      },
      {
        id: 'i1',
        type: 'image',
        key: 'assets/images/flow.png',
        alt: '依申请公开办理流程图',
        caption: '图1 依申请公开办理流程',
        width: 1200,
        height: 800,
        mediaType: 'image/png',
        size: 20480,
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
      { id: 'a1', type: 'attachment', ref: 'att1' },
      { id: 'p3', type: 'paragraph', text: '自贡市人民政府', align: 'end' },
    ],
    attachments: [
      {
        id: 'att1',
        title: '政务公开事项目录',
        fileName: '政务公开事项目录.xlsx',
        key: 'attachments/catalogue.xlsx',
        sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
        mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        size: 9_216,
      },
    ],
  };
};

/** 2026年第5期: the four corpus documents, the rich 规章 and a few generated ones, in three sections, one erratum. */
export const corpusIssue = (): GazetteIssue => ({
  gazetteTitle: '自贡市人民政府公报',
  year: 2026,
  number: 5,
  total: 128,
  publishedOn: '2026-05-31',
  closedAt: '2026-05-30T17:30:00+08:00',
  portalBaseUrl: 'https://www.zg.gov.cn',
  sections: [
    { name: '规章', documents: [frozen(richRevision())] },
    { name: '规范性文件', documents: [frozen(zigongRevision())] },
    { name: '政策解读', documents: [] },
    {
      name: '其他',
      documents: [
        frozen(revisionFromCorpus('haishu-2019-work-plan')),
        frozen(revisionFromCorpus('hongqiao-amr-2019-work-plan')),
        frozen(revisionFromCorpus('laiyang-2024-work-plan')),
        frozen(generatedRevision(11)),
      ],
    },
  ],
  errata: [
    {
      id: 'erratum-2026-05-1',
      text: '本刊2026年第3期（总第126期）刊登的《关于政务公开工作的通知》第二段“2025年”应为“2026年”。特此更正。',
      documentId: generatedRevision(12).documentId,
      correctedRevision: 2,
      originalIssue: { year: 2026, number: 3, total: 126 },
      portalUrl: `https://www.zg.gov.cn/documents/${generatedRevision(12).documentId}/`,
    },
  ],
});

/** An issue of `count` generated documents, each lengthened to `repeat` times its body, for volume and the bench. */
export const generatedIssue = (count: number, repeat = 1): GazetteIssue => {
  const documents = Array.from({ length: count }, (_, n) => {
    const base = generatedRevision(n, 3);
    const body = Array.from({ length: repeat }, (_, r) => base.body.map((block, i) => ({ ...block, id: `r${r}b${i}` }))).flat();
    return frozen({ ...base, body });
  });
  const byKind = (kinds: readonly string[]) => documents.filter((d) => kinds.includes(d.revision.kind));
  return {
    gazetteTitle: '自贡市人民政府公报',
    year: 2026,
    number: 12,
    total: 135,
    publishedOn: '2026-12-31',
    closedAt: '2026-12-30T18:00:00+08:00',
    portalBaseUrl: 'https://www.zg.gov.cn',
    sections: [
      { name: '规章', documents: byKind(['规章']) },
      { name: '规范性文件', documents: byKind(['规范性文件']) },
      { name: '其他', documents: documents.filter((d) => !['规章', '规范性文件'].includes(d.revision.kind)) },
    ],
    errata: [],
  };
};

/** The archive: two new issues of 2026 (one with an erratum note), a historical one of 2025, one of 2019 without a PDF. */
export const archiveSummaries = (): ArchiveIssueSummary[] => [
  {
    year: 2026,
    number: 3,
    total: 126,
    publishedOn: '2026-03-31',
    title: '自贡市人民政府公报2026年第3期',
    documentCount: 5,
    pdfUrl: '../issues/2026-03/gazette.pdf',
    htmlUrl: '../issues/2026-03/index.html',
    historical: false,
    notes: [
      {
        kind: 'erratum',
        text: '第二段“2025年”应为“2026年”。',
        erratumUrl: '../issues/2026-05/index.html#errata-heading',
        correctedUrl: 'https://www.zg.gov.cn/documents/doc_01D0BKPY40ZMZP65Q6JF6NAR2D/',
        documentTitle: '关于政务公开工作的通知<script>',
      },
    ],
  },
  {
    year: 2026,
    number: 5,
    total: 128,
    publishedOn: '2026-05-31',
    title: '自贡市人民政府公报2026年第5期',
    documentCount: 6,
    pdfUrl: '../issues/2026-05/gazette.pdf',
    htmlUrl: '../issues/2026-05/index.html',
    historical: false,
    notes: [],
  },
  {
    year: 2025,
    number: 12,
    total: 123,
    publishedOn: '2025-12-31',
    title: '自贡市人民政府公报2025年第12期',
    documentCount: 9,
    pdfUrl: '../issues/2025-12/gazette.pdf',
    htmlUrl: '../issues/2025-12/index.html',
    historical: true,
    notes: [],
  },
  {
    year: 2019,
    number: 1,
    total: 40,
    publishedOn: '2019-01-31',
    title: '自贡市人民政府公报2019年第1期',
    documentCount: 3,
    pdfUrl: null,
    htmlUrl: '../issues/2019-01/index.html',
    historical: true,
    notes: [],
  },
];
