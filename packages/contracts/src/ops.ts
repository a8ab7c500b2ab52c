import { z } from 'zod';
import { Channel } from './channels.js';
import { DeliveryState } from './delivery-status.js';
import { DocumentKind } from './document-revision.js';
import { DocumentId, Fingerprint, IsoDateTime, RevisionNumber } from './identifiers.js';

// Bodies of the ops console and its JSON views. Forms arrive as application/x-www-form-urlencoded text.

/** The per-session token every console form carries (CSRF): a SameSite cookie alone is not the whole defence. */
const CsrfToken = z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'the form is stale: reload the page');

export const ConsoleLoginForm = z
  .strictObject({ token: z.string().trim().min(1, 'enter your bearer token').max(200) })
  .describe('运维控制台登录 console sign-in with the bearer token of a user holding the role ops');
export type ConsoleLoginForm = z.infer<typeof ConsoleLoginForm>;

export const RetryDeliveryForm = z
  .strictObject({ csrf: CsrfToken, documentId: DocumentId })
  .describe("重试投递 re-publish the document's latest content.published event unchanged; renderers retry what failed");
export type RetryDeliveryForm = z.infer<typeof RetryDeliveryForm>;

export const RedriveDeadLetterForm = z
  .strictObject({ csrf: CsrfToken, deadLetterId: z.string().regex(/^[1-9]\d{0,17}$/, 'a dead-letter id') })
  .describe('重投死信 send a dead letter back to its source topic, once, after its cause was fixed');
export type RedriveDeadLetterForm = z.infer<typeof RedriveDeadLetterForm>;

export const RunAuditForm = z.strictObject({ csrf: CsrfToken }).describe('立即核查 run the same-source audit now');
export type RunAuditForm = z.infer<typeof RunAuditForm>;

export const OpsAlertKind = z
  .enum(['drift', 'missing', 'correction_debt', 'sla_miss'])
  .describe(
    '告警类别: drift = a channel holds other text or another fingerprint than the source; missing = a delivered artifact is gone; correction_debt = a channel still shows an older revision beyond the SLA; sla_miss = not live on an expected target within the SLA',
  );
export type OpsAlertKind = z.infer<typeof OpsAlertKind>;

export const OpsAlert = z
  .strictObject({
    id: z.number().int().min(1),
    kind: OpsAlertKind,
    documentId: DocumentId,
    revision: RevisionNumber,
    channel: Channel,
    target: z.string().min(1).describe('site, account or issue; * for a channel-wide expectation (gazette candidacy)'),
    detail: z.string().min(1).describe('what differs, e.g. the first differing characters with context'),
    openedAt: IsoDateTime,
    lastSeenAt: IsoDateTime,
    resolvedAt: IsoDateTime.nullable().describe('null while open'),
  })
  .describe('运维告警 one finding of the audit or the SLA monitor');
export type OpsAlert = z.infer<typeof OpsAlert>;

export const LedgerDelivery = z
  .strictObject({
    documentId: DocumentId,
    revision: RevisionNumber,
    fingerprint: Fingerprint,
    channel: Channel,
    target: z.string().min(1),
    state: DeliveryState,
    attempt: z.number().int().min(1),
    errorCode: z.string().nullable(),
    errorMessage: z.string().nullable(),
    occurredAt: IsoDateTime,
  })
  .describe('投递台账 the current state of one delivery (document, revision, channel, target)');
export type LedgerDelivery = z.infer<typeof LedgerDelivery>;

export const ConsumerLag = z
  .strictObject({
    groupId: z.string().min(1),
    topic: z.string().min(1),
    lag: z.number().int().min(0).describe('messages not yet committed, summed over partitions'),
    partitions: z.number().int().min(1),
  })
  .describe('消费滞后 consumer lag of one group on one topic');
export type ConsumerLag = z.infer<typeof ConsumerLag>;

export const AnnualStatisticsRow = z
  .strictObject({
    year: z.number().int(),
    month: z.number().int().min(1).max(12),
    kind: DocumentKind,
    issuingOrgan: z.string().min(1).describe('the lead issuing organ'),
    released: z.number().int().min(0).describe('主动公开 documents first released'),
    corrections: z.number().int().min(0).describe('纠错 revisions'),
    withdrawals: z.number().int().min(0).describe('撤回 revisions'),
    validityChanges: z.number().int().min(0).describe('有效性变更 revisions (失效 / 废止)'),
  })
  .describe('年度报告统计 counts for the 政府信息公开工作年度报告, by year, month, kind and issuing organ');
export type AnnualStatisticsRow = z.infer<typeof AnnualStatisticsRow>;
