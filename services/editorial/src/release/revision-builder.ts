import type {
  Block,
  ConfidentialityReview,
  DocumentRevision,
  DraftContent,
  Review,
  StartRevisionRequest,
} from '@tongyuan/contracts';

export interface RevisionInput {
  documentId: string;
  revision: number;
  content: DraftContent;
  indexNumber: string;
  reviews: Review[];
  confidentiality: ConfidentialityReview;
  intent: StartRevisionRequest | null;
  /** The revision this one replaces, with its fingerprint; absent for revision 1. */
  previous?: { record: DocumentRevision; fingerprint: string };
  releasedAt: string;
}

/** The canonical record of a release: the draft's content plus everything the service vouches for. */
export const buildRevision = (input: RevisionInput): DocumentRevision => {
  const { content, intent, previous } = input;
  const base: DocumentRevision = {
    documentId: input.documentId,
    revision: input.revision,
    status: intent?.kind === 'withdrawal' ? 'withdrawn' : 'published',
    kind: content.kind,
    title: content.title,
    ...(content.shortTitle === undefined ? {} : { shortTitle: content.shortTitle }),
    issuingOrgans: content.issuingOrgans,
    docNumber: content.docNumber,
    indexNumber: input.indexNumber,
    topics: content.topics,
    writtenDate: content.writtenDate,
    // Corrections keep the first release date: 发布日期 is when the document first became public.
    publishedAt: previous?.record.publishedAt ?? input.releasedAt,
    validity: intent?.kind === 'validityChange' ? intent.validity : content.validity,
    openness: content.openness,
    body: content.body,
    attachments: content.attachments,
    related: content.related,
    targeting: content.targeting,
    reviews: input.reviews as DocumentRevision['reviews'],
    confidentialityReview: input.confidentiality,
    correction: null,
  };
  if (!intent || !previous) return base;
  const changes =
    intent.kind === 'correction' && intent.changes?.length ? intent.changes : summarizeChanges(previous.record, base);
  return {
    ...base,
    correction: {
      kind: intent.kind,
      reason: intent.reason,
      changes: changes.length > 0 ? changes : ['内容未变化'],
      previousRevision: previous.record.revision,
      previousFingerprint: previous.fingerprint,
      changedAt: input.releasedAt,
    },
  };
};

const fieldNames: Array<[keyof DocumentRevision, string]> = [
  ['status', '状态'],
  ['title', '标题'],
  ['shortTitle', '短标题'],
  ['issuingOrgans', '发文机关'],
  ['docNumber', '发文字号'],
  ['topics', '主题分类'],
  ['writtenDate', '成文日期'],
  ['validity', '有效性'],
  ['openness', '公开属性'],
  ['attachments', '附件'],
  ['related', '关联文件'],
  ['targeting', '发布范围'],
];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** A readable list of what differs between two revisions, for the correction notice when the editor gave none. */
export const summarizeChanges = (before: DocumentRevision, after: DocumentRevision): string[] => {
  const changes = fieldNames.filter(([field]) => !same(before[field], after[field])).map(([, name]) => `修改${name}`);
  const blocks = Math.max(before.body.length, after.body.length);
  const changedBlocks: string[] = [];
  for (let index = 0; index < blocks; index += 1) {
    const was = before.body[index];
    const now = after.body[index];
    if (same(was, now)) continue;
    changedBlocks.push(
      `正文第${index + 1}块${blockLabel(now ?? was)}${was === undefined ? '（新增）' : now === undefined ? '（删除）' : ''}`,
    );
  }
  if (changedBlocks.length > 8) changes.push(`修改${changedBlocks.slice(0, 8).join('、')}等${changedBlocks.length}处`);
  else if (changedBlocks.length > 0) changes.push(`修改${changedBlocks.join('、')}`);
  return changes;
};

const blockLabel = (block: Block | undefined): string =>
  ({
    heading: '（标题）',
    paragraph: '（段落）',
    list: '（列表）',
    table: '（表格）',
    image: '（图片）',
    attachment: '（附件）',
  })[block?.type ?? 'paragraph'];
