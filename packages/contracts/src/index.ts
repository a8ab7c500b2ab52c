// The whole public API of @tongyuan/contracts.
export { Channel, allChannels } from './channels.js';
export {
  DocumentId,
  newDocumentId,
  RevisionNumber,
  Fingerprint,
  Sha256Hex,
  LocalId,
  TargetId,
  StaffId,
  RegionCode,
  ObjectKey,
  MediaType,
  IsoDate,
  IsoDateTime,
} from './identifiers.js';
export { DocNumber, parseDocNumber, IndexNumber, parseIndexNumber, formatIndexNumber } from './document-numbers.js';
export type { ParsedDocNumber, IndexNumberParts } from './document-numbers.js';
export {
  Block,
  HeadingBlock,
  HeadingLevel,
  ParagraphBlock,
  ListBlock,
  TableBlock,
  TableMerge,
  ImageBlock,
  AttachmentBlock,
  Body,
  numberingPatterns,
  splitHeadingNumbering,
} from './blocks.js';
export type { BlockType } from './blocks.js';
export {
  DocumentRevision,
  DocumentKind,
  normativeKinds,
  RevisionStatus,
  Openness,
  Validity,
  Attachment,
  RelatedDocument,
  Targeting,
  ReviewStage,
  Reviews,
  ConfidentialityReview,
  Correction,
} from './document-revision.js';
export type { Review } from './document-revision.js';
export { canonicalJson, sourceFingerprint } from './fingerprint.js';
export { normalizeText, blockText, revisionText, segmentsForScreening } from './revision-text.js';
export type { ScreeningSegment } from './revision-text.js';
export { ContentPublished, toContentPublished, verifyFingerprint } from './content-published.js';
export type { FingerprintCheck } from './content-published.js';
export { DeliveryStatus, DeliveryState, DeliveryError, deliveryKeyOf } from './delivery-status.js';
export {
  CloudEventAttributes,
  ExtensionName,
  CLOUDEVENTS_SPEC_VERSION,
  DATA_CONTENT_TYPE,
  cloudEventHeaders,
  readCloudEventHeaders,
} from './cloud-events.js';
export type { CloudEventInput, KafkaHeaders, KafkaHeaderValue } from './cloud-events.js';
export { defineTopic, deadLetterTopicOf } from './topic-spec.js';
export type { TopicSpec, RetryPolicy } from './topic-spec.js';
export { topics, allTopics, topicIds, cloudEventBindings, cloudEventMessage, cloudEventHeadersSchemaOf } from './topics.js';
export type { TopicId, Topic, MessageOf, CloudEventBinding, KafkaMessage } from './topics.js';
export { describeZodIssues, formatIssuePath } from './zod-issues.js';
export type { FieldProblem } from './zod-issues.js';
