import { z } from 'zod';
import { DocumentRevision, ReviewStage, Validity } from './document-revision.js';
import { DocumentId, Fingerprint, IsoDateTime, RevisionNumber } from './identifiers.js';

const field = DocumentRevision.shape;

/** 机构代码: the organisation part of a 索引号 (18-character 统一社会信用代码 or XXXXXXXX-X 组织机构代码). */
export const OrganisationCode = z
  .string()
  .regex(
    /^([0-9A-Z]{18}|[0-9A-Z]{8}-[0-9A-Z])$/,
    'organisation code must be an 18-character 统一社会信用代码 or a 组织机构代码 like 00815908-5',
  )
  .describe('机构代码 organisation code used in the 索引号');

/** What an editor writes; ids, revision numbers, 索引号, dates of release and review records are the service's to add. */
export const DraftContent = z
  .strictObject({
    kind: field.kind,
    title: field.title,
    shortTitle: field.shortTitle,
    issuingOrgans: field.issuingOrgans,
    docNumber: field.docNumber,
    topics: field.topics,
    writtenDate: field.writtenDate,
    validity: field.validity,
    openness: field.openness,
    body: field.body,
    attachments: field.attachments,
    related: field.related,
    targeting: field.targeting,
    organisationCode: OrganisationCode,
    requiresInterpretation: z
      .boolean()
      .describe('政策解读 三同步: this policy is released only together with (or after) its interpretation'),
  })
  .describe('草稿 the editable content of a document draft')
  .meta({ id: 'DraftContent' });
export type DraftContent = z.infer<typeof DraftContent>;

export const CreateDraftRequest = z.strictObject({ content: DraftContent }).meta({ id: 'CreateDraftRequest' });
export type CreateDraftRequest = z.infer<typeof CreateDraftRequest>;

export const UpdateDraftRequest = z.strictObject({ content: DraftContent }).meta({ id: 'UpdateDraftRequest' });
export type UpdateDraftRequest = z.infer<typeof UpdateDraftRequest>;

export const RecordReviewRequest = z
  .strictObject({
    stage: ReviewStage,
    decision: z.enum(['approved', 'rejected']).describe('rejected sends the draft back to the editor and clears the reviews'),
    comment: z.string().max(2000).nullable(),
  })
  .meta({ id: 'RecordReviewRequest' });
export type RecordReviewRequest = z.infer<typeof RecordReviewRequest>;

export const ConfidentialityReviewRequest = z
  .strictObject({
    conclusion: z.enum(['不涉密', '涉密']).describe('涉密 blocks release until the content is changed'),
    comment: z.string().max(2000).nullable(),
  })
  .meta({ id: 'ConfidentialityReviewRequest' });
export type ConfidentialityReviewRequest = z.infer<typeof ConfidentialityReviewRequest>;

/** Starts the draft of the next revision of a released document: a correction, a withdrawal or a validity change. */
export const StartRevisionRequest = z
  .discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('correction'),
      reason: z.string().trim().min(1).max(500).describe('纠错原因, shown on the corrected page'),
      changes: z.array(z.string().trim().min(1).max(200)).optional().describe('what changed; computed from the edit when absent'),
    }),
    z.strictObject({ kind: z.literal('withdrawal'), reason: z.string().trim().min(1).max(500) }),
    z.strictObject({ kind: z.literal('validityChange'), reason: z.string().trim().min(1).max(500), validity: Validity }),
  ])
  .meta({ id: 'StartRevisionRequest' });
export type StartRevisionRequest = z.infer<typeof StartRevisionRequest>;

export const PublishRequest = z
  .strictObject({
    acceptWarnings: z.boolean().describe('release despite 敏错字 warnings (refusals always block)'),
  })
  .meta({ id: 'PublishRequest' });
export type PublishRequest = z.infer<typeof PublishRequest>;

export const ReleasedRevision = z.strictObject({
  documentId: DocumentId,
  revision: RevisionNumber,
  status: field.status,
  indexNumber: field.indexNumber,
  fingerprint: Fingerprint,
  releasedAt: IsoDateTime,
});
export type ReleasedRevision = z.infer<typeof ReleasedRevision>;

/** A refusal or warning of a pre-release gate: which field, why, and how to fix it. */
export const GateFinding = z.looseObject({
  field: z.string(),
  reason: z.string(),
  rule: z.string(),
  documentId: DocumentId.optional(),
  offset: z.number().int().optional(),
  length: z.number().int().optional(),
  suggestion: z.string().optional(),
});
export type GateFinding = z.infer<typeof GateFinding>;

export const PublishResult = z
  .strictObject({ released: z.array(ReleasedRevision).min(1), warnings: z.array(GateFinding) })
  .meta({ id: 'PublishResult' });
export type PublishResult = z.infer<typeof PublishResult>;
