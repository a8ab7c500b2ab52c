// Test data for the new-media renderers: an account, real corpus documents, one revision that exercises every block
// (with hostile text), a 60 KB document, and parse5 helpers to read rendered HTML as a browser parses it.
import {
  type Block,
  type DocumentRevision,
  DocumentRevision as DocumentRevisionSchema,
  type ImageBlock,
  newDocumentId,
  normalizeText,
  sourceFingerprint,
} from '@tongyuan/contracts';
import { type DefaultTreeAdapterMap, parse, parseFragment } from 'parse5';
import { type CorpusName, revisionFromCorpus, zigongRevision } from '../../contracts/src/corpus-revision.fixture.js';
import { generatedRevision } from '../../testing/src/generated-revisions.js';
import type { AccountProfile } from './wechat-article.renderer.js';

export const account: AccountProfile = { id: 'zigong-fabu', name: '自贡发布', author: '自贡市人民政府办公室' };
export const portalUrl = (revision: DocumentRevision): string =>
  `https://www.zg.gov.cn/site/documents/${revision.documentId}/index.html`;

export const corpusNames: CorpusName[] = [
  'zigong-2022-task-division',
  'haishu-2019-work-plan',
  'hongqiao-amr-2019-work-plan',
  'laiyang-2024-work-plan',
];

/** Checked by the contract, so tests never render what could not be published. */
export const released = (revision: DocumentRevision): DocumentRevision => DocumentRevisionSchema.parse(revision);

export const corpusRevisions = (): DocumentRevision[] => corpusNames.map((name) => released(revisionFromCorpus(name)));

export const HOSTILE = {
  script: '<script>alert(1)</script>',
  breakout: '"><img src=x onerror=alert(1)>',
  link: 'javascript:alert(1)',
} as const;

const sha = (n: number): string => n.toString(16).padStart(2, '0').repeat(32);

export const photoBlock: ImageBlock = {
  id: 'img1',
  type: 'image',
  key: 'images/2022/zigong-forum.jpg',
  alt: `政务公开工作推进会现场 ${HOSTILE.breakout}`,
  caption: '图为2022年政务公开工作推进会现场',
  width: 1600,
  height: 900,
  mediaType: 'image/jpeg',
  size: 2_400_000,
  sha256: sha(1),
};

const chartBlock: ImageBlock = {
  id: 'img2',
  type: 'image',
  key: 'images/2022/zigong-chart.png',
  alt: '2022年主动公开政府信息数量柱状图',
  width: 1200,
  height: 800,
  mediaType: 'image/png',
  size: 300_000,
  sha256: sha(2),
};

const richBlocks: Block[] = [
  { id: 'p0', type: 'paragraph', text: '各区县人民政府，市政府各部门：' },
  { id: 'p1', type: 'paragraph', text: `为做好2022年政务公开工作，现将有关事项通知如下。${HOSTILE.script}请认真贯彻落实。` },
  photoBlock,
  { id: 'h1', type: 'heading', level: 1, numbering: '一、', text: '总体要求' },
  { id: 'h2', type: 'heading', level: 2, numbering: '（一）', text: '坚持以人民为中心。', runIn: true },
  { id: 'p2', type: 'paragraph', text: `围绕群众关切，${HOSTILE.breakout}及时回应社会关切。` },
  { id: 'h3', type: 'heading', level: 2, numbering: '（二）', text: '重点任务' },
  { id: 'h4', type: 'heading', level: 3, numbering: '1.', text: '深化重点领域信息公开' },
  { id: 'h5', type: 'heading', level: 4, numbering: '（1）', text: `链接测试 ${HOSTILE.link}` },
  { id: 'l1', type: 'list', ordered: true, items: ['财政预决算公开', `重大建设项目公开 ${HOSTILE.script}`] },
  { id: 'l2', type: 'list', ordered: false, items: ['公共资源配置', '社会公益事业'] },
  {
    id: 'tbl1',
    type: 'table',
    caption: '2022年政务公开重点任务责任分工表',
    header: [
      ['序号', '任务', '责任单位', ''],
      ['', '', '牵头单位', '配合单位'],
    ],
    rows: [
      ['1', `推进决策公开 ${HOSTILE.breakout}`, '市政府办公室', '各区县政府\n市级各部门'],
      ['2', '做好政策解读', '市发展改革委', '市司法局'],
    ],
    merges: [
      { row: 0, col: 0, rowSpan: 2, colSpan: 1 },
      { row: 0, col: 1, rowSpan: 2, colSpan: 1 },
      { row: 0, col: 2, rowSpan: 1, colSpan: 2 },
    ],
  },
  { id: 'tbl2', type: 'table', header: [['指标', '数量']], rows: [['主动公开政府信息', '719条']] },
  chartBlock,
  { id: 'att', type: 'attachment', ref: 'att1' },
  { id: 'sig', type: 'paragraph', text: '自贡市人民政府办公室', align: 'end' },
  { id: 'date', type: 'paragraph', text: '2022年4月28日', align: 'end' },
];

/** A 规范性文件 with every kind of block, a long official title, and hostile text in title, paragraph, table and alt. */
export const richRevision = (): DocumentRevision =>
  released({
    ...zigongRevision(),
    documentId: newDocumentId(Date.parse('2022-04-29T10:00:00+08:00'), new TextEncoder().encode('rich-block')),
    title: `自贡市人民政府办公室关于印发《自贡市2022年政务公开重点工作任务分工方案》的通知 ${HOSTILE.script}`,
    attachments: [
      {
        id: 'att1',
        title: `自贡市2022年政务公开重点工作任务分工表 ${HOSTILE.breakout}`,
        fileName: '任务分工表.xlsx',
        key: 'attachments/zigong-2022-tasks.xlsx',
        sha256: sha(3),
        mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
        size: 18_432,
      },
    ],
    body: richBlocks,
    related: [
      {
        relation: 'interpretedBy',
        documentId: newDocumentId(Date.parse('2022-04-29T10:00:00+08:00'), new TextEncoder().encode('rich-jd-01')),
        title: `《自贡市2022年政务公开重点工作任务分工方案》政策解读 ${HOSTILE.script}`,
      },
    ],
  });

/** The URLs media/uploadimg would have returned for the rich revision's images. */
export const uploadedUrls = (revision: DocumentRevision): Map<string, string> =>
  new Map(
    revision.body
      .filter((block): block is ImageBlock => block.type === 'image')
      .map((block, i) => [block.key, `https://mmbiz.qpic.cn/mmbiz_jpg/test${i + 1}/0?wx_fmt=jpeg`]),
  );

/** A document of about 60 KB of Chinese text: the corpus paragraphs of many generated documents, one after another. */
export const longRevision = (): DocumentRevision => {
  const base = generatedRevision(7);
  const body: Block[] = [];
  for (let n = 0; Buffer.byteLength(JSON.stringify(body)) < 60_000; n++) {
    body.push(...generatedRevision(100 + n).body.map((block) => ({ ...block, id: `n${n}-${block.id}` })));
  }
  return released({ ...base, body });
};

export const fingerprintOf = sourceFingerprint;

// ── reading HTML back ────────────────────────────────────────────────────────────────────────────────────────────
export type Element = DefaultTreeAdapterMap['element'];
type Node = DefaultTreeAdapterMap['node'];
const isElement = (node: Node): node is Element => 'tagName' in node;

export const elementsOf = (node: Node): Element[] =>
  'childNodes' in node
    ? node.childNodes.flatMap((child) => (isElement(child) ? [child, ...elementsOf(child)] : elementsOf(child)))
    : [];

export const attr = (element: Element, name: string): string | null => element.attrs.find((a) => a.name === name)?.value ?? null;

export const textOf = (node: Node): string =>
  'value' in node && node.nodeName === '#text' ? node.value : 'childNodes' in node ? node.childNodes.map(textOf).join('') : '';

/** Every element of an article fragment, as a browser (and WeChat's editor) parses it. */
export const fragmentElements = (html: string): Element[] => elementsOf(parseFragment(html) as unknown as Node);

export const pageRoot = (html: string): Node => parse(html) as unknown as Node;

/** The text of the elements the same-source audit reads, normalized as revisionText is, white space removed. */
export const auditedText = (root: Node): string =>
  normalizeText(
    elementsOf(root)
      .filter((element) => attr(element, 'data-tongyuan-text') !== null)
      .map(textOf)
      .join(''),
  ).replace(/\s+/g, '');

/** Revision 2 of the rich revision: a paragraph corrected, with the reason and what changed. */
export const correctedRichRevision = (): DocumentRevision => {
  const first = richRevision();
  return released({
    ...first,
    revision: 2,
    body: first.body.map((block) =>
      block.id === 'p1' && block.type === 'paragraph'
        ? { ...block, text: '为做好2022年政务公开工作，现将更正后的事项通知如下。' }
        : block,
    ),
    correction: {
      kind: 'correction',
      reason: '第一段文字有误',
      changes: ['修改第一段', `删除多余字符 ${HOSTILE.script}`],
      previousRevision: 1,
      previousFingerprint: sourceFingerprint(first),
      changedAt: '2022-05-06T10:00:00+08:00',
    },
  });
};

/** A corpus 规范性文件 repealed by a later revision (有效性变更 to 废止). */
export const repealedRevision = (): DocumentRevision => {
  const first = released(zigongRevision());
  return released({
    ...first,
    revision: 2,
    validity: { status: '废止', effectiveFrom: first.writtenDate, repealedOn: '2023-06-20', repealedBy: null },
    correction: {
      kind: 'validityChange',
      reason: '已被新文件替代',
      changes: ['有效性改为废止'],
      previousRevision: 1,
      previousFingerprint: sourceFingerprint(first),
      changedAt: '2023-06-20T09:00:00+08:00',
    },
  });
};

/** Revision 2 of a corpus document: withdrawn (撤回). */
export const withdrawnRevision = (): DocumentRevision => {
  const first = released(revisionFromCorpus('haishu-2019-work-plan'));
  return released({
    ...first,
    revision: 2,
    status: 'withdrawn',
    correction: {
      kind: 'withdrawal',
      reason: '该文件已被新文件替代，予以撤回',
      changes: ['撤回全文'],
      previousRevision: 1,
      previousFingerprint: sourceFingerprint(first),
      changedAt: '2019-12-20T09:00:00+08:00',
    },
  });
};
