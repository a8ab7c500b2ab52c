import { z } from 'zod';
import { Channel } from './channels.js';
import { DocumentId, Fingerprint, IsoDateTime, ObjectKey, RevisionNumber, TargetId } from './identifiers.js';

export const DeliveryState = z
  .enum(['pending', 'delivering', 'delivered', 'failed', 'withdrawn', 'superseded'])
  .describe(
    '投递状态: superseded = a later revision replaced this one before it was delivered; withdrawn = taken down from the target',
  )
  .meta({ id: 'DeliveryState' });
export type DeliveryState = z.infer<typeof DeliveryState>;

export const DeliveryError = z
  .strictObject({
    code: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'error code must be UPPER_SNAKE_CASE')
      .describe('stable error code, e.g. WECHAT_RATE_LIMITED'),
    message: z.string().min(1).describe('what went wrong, for operators'),
    retryable: z.boolean().describe('whether a retry can help'),
  })
  .describe('投递错误 the last error of this delivery')
  .meta({ id: 'DeliveryError' });
export type DeliveryError = z.infer<typeof DeliveryError>;

/** delivery.status v1: one step of one delivery, for the ops ledger. */
export const DeliveryStatus = z
  .strictObject({
    version: z.literal('v1'),
    documentId: DocumentId,
    revision: RevisionNumber,
    fingerprint: Fingerprint.describe('source fingerprint of the revision being delivered'),
    channel: Channel,
    target: TargetId.describe('投递目标: site id (portal), account id (newmedia) or issue id (gazette)'),
    state: DeliveryState,
    attempt: z.number().int().min(1).describe('尝试次数, 1 for the first attempt'),
    error: DeliveryError.nullable().describe('null unless something went wrong; required when failed'),
    artifactKeys: z.array(ObjectKey).describe('S3 keys of the artifacts rendered for this delivery'),
    occurredAt: IsoDateTime.describe('when this state was reached'),
  })
  .superRefine((status, ctx) => {
    if (status.state === 'failed' && status.error === null) {
      ctx.addIssue({ code: 'custom', path: ['error'], message: 'a failed delivery says why' });
    }
    if (status.state === 'delivered' && status.error !== null) {
      ctx.addIssue({ code: 'custom', path: ['error'], message: 'a delivered delivery has no error' });
    }
  })
  .describe('投递状态 delivery.status: one step of delivering one revision to one target');
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

/** The idempotency key of a delivery: work already done under it is skipped, not repeated. */
export const deliveryKeyOf = (d: Pick<DeliveryStatus, 'documentId' | 'revision' | 'channel' | 'target'>): string =>
  `${d.documentId}/${d.revision}/${d.channel}/${d.target}`;
