// The whole public API of @tongyuan/contracts.

export type { BlockType } from './blocks.js';
export {
  AttachmentBlock,
  Block,
  Body,
  blocksFromParagraphs,
  HeadingBlock,
  HeadingLevel,
  ImageBlock,
  ListBlock,
  numberingPatterns,
  ParagraphBlock,
  splitHeadingNumbering,
  TableBlock,
  TableMerge,
} from './blocks.js';
export { allChannels, Channel } from './channels.js';
export type { CloudEventInput, KafkaHeaders, KafkaHeaderValue } from './cloud-events.js';
export {
  CLOUDEVENTS_SPEC_VERSION,
  CloudEventAttributes,
  cloudEventHeaders,
  DATA_CONTENT_TYPE,
  ExtensionName,
  readCloudEventHeaders,
} from './cloud-events.js';
export type { FingerprintCheck } from './content-published.js';
export { ContentPublished, toContentPublished, verifyFingerprint } from './content-published.js';
export { type CorrectionNotice, correctionNoticeOf } from './correction-notice.js';
export { DeliveryError, DeliveryState, DeliveryStatus, deliveryKeyOf } from './delivery-status.js';
export type { IndexNumberParts, ParsedDocNumber } from './document-numbers.js';
export { DocNumber, formatIndexNumber, IndexNumber, parseDocNumber, parseIndexNumber } from './document-numbers.js';
export type { Review } from './document-revision.js';
export {
  Attachment,
  ConfidentialityReview,
  Correction,
  DocumentKind,
  DocumentRevision,
  normativeKinds,
  Openness,
  RelatedDocument,
  ReviewStage,
  Reviews,
  RevisionStatus,
  Targeting,
  Validity,
} from './document-revision.js';
export {
  ConfidentialityReviewRequest,
  CreateDraftRequest,
  DraftContent,
  GateFinding,
  OrganisationCode,
  PublishRequest,
  PublishResult,
  RecordReviewRequest,
  ReleasedRevision,
  StartRevisionRequest,
  UpdateDraftRequest,
} from './editorial-api.js';
export { canonicalJson, sourceFingerprint } from './fingerprint.js';
export {
  GazetteArrangement,
  GazetteCandidate,
  GazetteCandidateChange,
  GazetteErratum,
  GazetteErratumEdit,
  GazetteIssueDetail,
  GazetteIssueId,
  GazetteIssueState,
  GazetteIssueSummary,
  GazetteRendition,
  GazetteSearchHit,
  GazetteSearchResult,
  GazetteSectionName,
  gazetteSectionOrder,
  HistoricalImportReport,
  HistoricalImportRequest,
  HistoricalIssueMetadata,
} from './gazette.js';
export {
  DocumentId,
  Fingerprint,
  IsoDate,
  IsoDateTime,
  LocalId,
  MediaType,
  newDocumentId,
  ObjectKey,
  RegionCode,
  RevisionNumber,
  Sha256Hex,
  StaffId,
  TargetId,
} from './identifiers.js';
export { AccountMatrix, NewmediaAccount, regionOverlaps, routeToAccounts } from './newmedia.js';
export {
  AnnualStatisticsRow,
  ConsoleLoginForm,
  ConsumerLag,
  LedgerDelivery,
  OpsAlert,
  OpsAlertKind,
  RedriveDeadLetterForm,
  RetryDeliveryForm,
  RunAuditForm,
} from './ops.js';
export { draftFromPlainDocument, PlainDocument } from './plain-document.js';
export type { ScreeningSegment } from './revision-text.js';
export { blockText, normalizeText, revisionText, segmentsForScreening } from './revision-text.js';
export type { EventEnvelope, RetryPolicy, TopicSpec } from './topic-spec.js';
export { deadLetterTopicOf, defineTopic } from './topic-spec.js';
export type { CloudEventBinding, KafkaMessage, MessageOf, Topic, TopicId } from './topics.js';
export {
  allTopics,
  cloudEventBindings,
  cloudEventHeadersSchemaOf,
  cloudEventMessage,
  cloudEventRecord,
  topicIds,
  topics,
} from './topics.js';
export type { FieldProblem } from './zod-issues.js';
export { describeZodIssues, formatIssuePath } from './zod-issues.js';
