import { z } from 'zod';
import { Body } from './blocks.js';
import { Channel } from './channels.js';
import { DocNumber, IndexNumber } from './document-numbers.js';
import {
  DocumentId,
  Fingerprint,
  IsoDate,
  IsoDateTime,
  LineText,
  LocalId,
  MediaType,
  NonBlankText,
  ObjectKey,
  RegionCode,
  RevisionNumber,
  Sha256Hex,
  StaffId,
  TargetId,
  uniqueArray,
} from './identifiers.js';

// No .default() or .transform() anywhere below: parsing must return the input unchanged,
// so the fingerprint of what a producer sent equals the fingerprint of what a consumer parsed.

export const DocumentKind = z
  .enum([
    '规章',
    '规范性文件',
    '其他文件',
    '政策解读',
    '通知',
    '公告',
    '工作要点',
    '规划计划',
    '年度报告',
    '统计信息',
    '财政信息',
    '人事信息',
    '工作动态',
  ])
  .describe('文件类别 kind of document, as the disclosure catalogue counts it')
  .meta({ id: 'DocumentKind' });
export type DocumentKind = z.infer<typeof DocumentKind>;

/** Kinds that the gazette and the normative-document library carry: they must have a 发文字号 and a 有效性. */
export const normativeKinds: readonly DocumentKind[] = ['规章', '规范性文件'];

export const RevisionStatus = z
  .enum(['published', 'withdrawn'])
  .describe('状态 status: published = 已发布, withdrawn = 已撤回 (kept in archives, taken off live listings)');
export type RevisionStatus = z.infer<typeof RevisionStatus>;

export const Openness = z
  .enum(['主动公开', '依申请公开', '不予公开'])
  .describe('公开属性 disclosure attribute; carriers release only 主动公开 documents')
  .meta({ id: 'Openness' });
export type Openness = z.infer<typeof Openness>;

const effectiveFrom = IsoDate.nullable().describe('施行日期 date from which the document applies; null when not stated');

export const Validity = z
  .discriminatedUnion('status', [
    z.strictObject({
      status: z.literal('现行有效'),
      effectiveFrom,
      expiresOn: IsoDate.nullable().describe('有效期至 last day of a fixed term; null = no term'),
    }),
    z.strictObject({
      status: z.literal('失效'),
      effectiveFrom,
      expiredOn: IsoDate.describe('失效日期 date the document ceased to apply (term ended or superseded)'),
    }),
    z.strictObject({
      status: z.literal('废止'),
      effectiveFrom,
      repealedOn: IsoDate.describe('废止日期 date the document was repealed'),
      repealedBy: DocumentId.nullable().describe('the repealing document, when it is one of ours'),
    }),
  ])
  .superRefine((validity, ctx) => {
    const [field, end] =
      validity.status === '现行有效'
        ? (['expiresOn', validity.expiresOn] as const)
        : validity.status === '失效'
          ? (['expiredOn', validity.expiredOn] as const)
          : (['repealedOn', validity.repealedOn] as const);
    if (validity.effectiveFrom !== null && end !== null && end < validity.effectiveFrom) {
      ctx.addIssue({ code: 'custom', path: [field], message: `${field} is before effectiveFrom` });
    }
  })
  .describe('有效性 validity of a normative document, with its dates')
  .meta({ id: 'Validity' });
export type Validity = z.infer<typeof Validity>;

export const Attachment = z
  .strictObject({
    id: LocalId.describe('附件标识 attachment id, referenced by attachment blocks'),
    title: LineText.describe('附件标题 title shown as the link text, e.g. 2019年海曙区政务公开工作要点任务分解表'),
    fileName: LineText.optional().describe('文件名 download file name with extension'),
    key: ObjectKey.describe('S3 key of the file'),
    sha256: Sha256Hex,
    mediaType: MediaType,
    size: z.number().int().min(0).describe('size in bytes'),
    text: z
      .string()
      .optional()
      .describe('附件文本 text extracted from the file, so the privacy screen sees what the download contains'),
  })
  .describe('附件 attachment stored in S3')
  .meta({ id: 'Attachment' });
export type Attachment = z.infer<typeof Attachment>;

export const RelatedDocument = z
  .strictObject({
    relation: z
      .enum(['interprets', 'interpretedBy'])
      .describe(
        'interprets: this 政策解读 explains the target; interpretedBy: the target explains this policy (政策解读 三同步, linked both ways)',
      ),
    documentId: DocumentId,
    title: LineText.describe("the target's title when this revision was made, so renderers can link without a lookup"),
  })
  .describe('关联文件 related document')
  .meta({ id: 'RelatedDocument' });
export type RelatedDocument = z.infer<typeof RelatedDocument>;

export const Targeting = z
  .strictObject({
    channels: uniqueArray(Channel).describe('channels to publish on; empty = every channel that carries this kind'),
    sites: uniqueArray(TargetId).describe('portal site ids; empty = every site'),
    accounts: uniqueArray(TargetId).describe('new-media account ids; empty = every account'),
    regions: uniqueArray(RegionCode).describe('定点、定向公开 regions concerned; empty = everywhere'),
  })
  .describe('发布范围 targeting; each empty list means no restriction on that dimension')
  .meta({ id: 'Targeting' });
export type Targeting = z.infer<typeof Targeting>;

export const ReviewStage = z
  .enum(['自审', '审核', '批审'])
  .describe('三审 stage: 自审 by the drafting office head, 审核 by the leader in charge, 批审 by the principal');
export type ReviewStage = z.infer<typeof ReviewStage>;

const reviewAt = <S extends ReviewStage>(stage: S) =>
  z
    .strictObject({
      stage: z.literal(stage),
      reviewerId: StaffId,
      reviewerName: LineText.describe('审核人 reviewer name; internal, never rendered'),
      reviewerRole: LineText.describe('职务 reviewer role, e.g. 科室负责人, 分管领导, 主要负责人'),
      decision: z.literal('approved').describe('审核意见: only approved revisions are released (先审查、后公开)'),
      reviewedAt: IsoDateTime,
      comment: z.string().nullable().describe('审核说明 reviewer comment; null when none'),
    })
    .describe(`三审 ${stage}`);

export const Reviews = z
  .tuple([reviewAt('自审'), reviewAt('审核'), reviewAt('批审')])
  .describe('三审 the three reviews in order 自审, 审核, 批审 (distinct reviewers are checked by the review service)');
export type Reviews = z.infer<typeof Reviews>;
export type Review = Reviews[number];

export const ConfidentialityReview = z
  .strictObject({
    reviewerId: StaffId,
    reviewerName: LineText.describe('审查人 reviewer name; internal, never rendered'),
    reviewedAt: IsoDateTime,
    conclusion: z.literal('不涉密').describe('审查结论: only 不涉密 content is released'),
    comment: z.string().nullable().describe('审查说明; null when none'),
  })
  .describe('保密审查 confidentiality review, done before release')
  .meta({ id: 'ConfidentialityReview' });
export type ConfidentialityReview = z.infer<typeof ConfidentialityReview>;

export const Correction = z
  .strictObject({
    kind: z
      .enum(['correction', 'withdrawal', 'validityChange'])
      .describe(
        'correction = 纠错 of text or metadata (an erratum on closed gazette issues), withdrawal = 撤回, validityChange = 有效性变更 (失效 / 废止)',
      ),
    reason: NonBlankText.describe('原因 why the new revision was made, shown on the corrected page'),
    changes: z.array(LineText).min(1).describe('修改内容 human-readable list of what changed'),
    previousRevision: RevisionNumber.describe('the revision this one replaces (always revision − 1)'),
    previousFingerprint: Fingerprint.describe('source fingerprint of the previous revision, chaining revisions'),
    changedAt: IsoDateTime.describe('when the change was released'),
  })
  .describe('更正说明 what a revision after the first changed, and why')
  .meta({ id: 'Correction' });
export type Correction = z.infer<typeof Correction>;

const Topics = uniqueArray(LineText, 1).describe('主题分类 topics, e.g. 政务公开');
const IssuingOrgans = uniqueArray(LineText, 1).describe(
  '发文机关 issuing organs by full name; several for 联合发文, the lead organ first',
);

export const DocumentRevision = z
  .strictObject({
    documentId: DocumentId,
    revision: RevisionNumber,
    status: RevisionStatus,
    kind: DocumentKind,
    title: LineText.describe('标题 full title'),
    shortTitle: LineText.max(32)
      .optional()
      .describe('短标题 title for carriers with a length limit (WeChat: 32 characters); absent = use title'),
    issuingOrgans: IssuingOrgans,
    docNumber: DocNumber.nullable().describe('发文字号; null for kinds that have none (required for 规章 and 规范性文件)'),
    indexNumber: IndexNumber,
    topics: Topics,
    writtenDate: IsoDate.nullable().describe('成文日期 date the document was signed; null when not stated'),
    publishedAt: IsoDateTime.describe('发布日期 first release of the document; corrections keep it'),
    validity: Validity.nullable().describe('有效性; required for 规章 and 规范性文件, null when not applicable'),
    openness: Openness,
    body: Body,
    attachments: z.array(Attachment).describe('附件 attachments, in the order they are listed'),
    related: z.array(RelatedDocument).describe('关联文件 related documents'),
    targeting: Targeting,
    reviews: Reviews,
    confidentialityReview: ConfidentialityReview,
    correction: Correction.nullable().describe('更正说明; null on revision 1, required after it'),
  })
  .superRefine((rev, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });

    if (rev.revision === 1 && rev.correction !== null) issue(['correction'], 'revision 1 has no correction block');
    if (rev.revision > 1 && rev.correction === null) issue(['correction'], `revision ${rev.revision} needs a correction block`);
    if (rev.revision > 1 && rev.correction !== null && rev.correction.previousRevision !== rev.revision - 1) {
      issue(['correction', 'previousRevision'], `must be ${rev.revision - 1}: revisions are numbered without gaps`);
    }
    if ((rev.correction?.kind === 'withdrawal') !== (rev.status === 'withdrawn')) {
      issue(['correction', 'kind'], 'a withdrawn revision is made by a withdrawal, and a withdrawal withdraws');
    }

    if (normativeKinds.includes(rev.kind)) {
      if (rev.docNumber === null) issue(['docNumber'], `a ${rev.kind} has a 发文字号`);
      if (rev.validity === null) issue(['validity'], `a ${rev.kind} states its 有效性`);
    }

    const attachmentIds = new Set<string>();
    rev.attachments.forEach((a, i) => {
      if (attachmentIds.has(a.id)) issue(['attachments', i, 'id'], `attachment id "${a.id}" is used twice`);
      attachmentIds.add(a.id);
    });
    const blockIds = new Set<string>();
    rev.body.forEach((block, i) => {
      if (block.id !== undefined) {
        if (blockIds.has(block.id)) issue(['body', i, 'id'], `block id "${block.id}" is used twice`);
        blockIds.add(block.id);
      }
      if (block.type === 'attachment' && !attachmentIds.has(block.ref)) {
        issue(['body', i, 'ref'], `no attachment with id "${block.ref}"`);
      }
      if (block.type === 'heading' && block.runIn === true && rev.body[i + 1]?.type !== 'paragraph') {
        issue(['body', i, 'runIn'], 'a run-in heading must be followed by a paragraph');
      }
    });

    const links = new Set<string>();
    rev.related.forEach((r, i) => {
      if (r.documentId === rev.documentId) issue(['related', i, 'documentId'], 'a document cannot relate to itself');
      const link = `${r.relation} ${r.documentId}`;
      if (links.has(link)) issue(['related', i], 'the same relation is listed twice');
      links.add(link);
    });

    // 先审查、后公开: reviews in stage order, all before the release they approve.
    const releasedAt = rev.correction?.changedAt ?? rev.publishedAt;
    const releasedPath = rev.correction === null ? ['publishedAt'] : ['correction', 'changedAt'];
    rev.reviews.forEach((review, i) => {
      const previous = i > 0 ? rev.reviews[i - 1] : undefined;
      if (previous !== undefined && Date.parse(review.reviewedAt) < Date.parse(previous.reviewedAt)) {
        issue(['reviews', i, 'reviewedAt'], `${review.stage} is dated before ${previous.stage}`);
      }
      if (Date.parse(review.reviewedAt) > Date.parse(releasedAt)) {
        issue(['reviews', i, 'reviewedAt'], `${review.stage} is dated after the release it approves (${releasedPath.join('.')})`);
      }
    });
    if (Date.parse(rev.confidentialityReview.reviewedAt) > Date.parse(releasedAt)) {
      issue(['confidentialityReview', 'reviewedAt'], `保密审查 is dated after the release (${releasedPath.join('.')})`);
    }
  })
  .describe('文档修订 one revision of a document: the single source every carrier renders from')
  .meta({ id: 'DocumentRevision' });
export type DocumentRevision = z.infer<typeof DocumentRevision>;
