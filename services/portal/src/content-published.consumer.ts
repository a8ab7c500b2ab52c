import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { type ContentPublished, type DeliveryStatus, topics } from '@tongyuan/contracts';
import { errorMessage, isRetryable, statusErrorCode } from '@tongyuan/errors';
import type { Logger } from '@tongyuan/logger';
import type { SitePublisher } from './site/site-publisher.js';

/** Revisions applied in one transaction at most: the shared pages (listings, home, feed, sitemaps) are written once for them. */
const BATCH_MESSAGES = 50;

/**
 * content.published → the site, reporting each delivery on delivery.status. Messages are applied in batches: under load,
 * one transaction and one write of the shared pages serve many revisions; a failed batch is retried message by message.
 */
export const consumeContentPublished = (
  bus: KafkaBus,
  publisher: SitePublisher,
  options: { groupId: string; siteId: string; logger: Logger },
): Promise<Subscription> => {
  const status = (
    event: ContentPublished,
    attempt: number,
    state: DeliveryStatus['state'],
    artifactKeys: string[],
    error: DeliveryStatus['error'] = null,
  ): DeliveryStatus => ({
    version: 'v1',
    documentId: event.revision.documentId,
    revision: event.revision.revision,
    fingerprint: event.fingerprint,
    channel: 'portal',
    target: options.siteId,
    state,
    attempt,
    error,
    artifactKeys,
    occurredAt: new Date().toISOString(),
  });
  return bus.subscribe(topics.contentPublished, {
    groupId: options.groupId,
    batch: {
      maxMessages: BATCH_MESSAGES,
      handler: async (items) => {
        let outcomes: Awaited<ReturnType<SitePublisher['applyAll']>>;
        try {
          outcomes = await publisher.applyAll(items.map((item) => item.value));
        } catch (error) {
          // Alone, a message's failure is its own: reported, then retried or dead-lettered by the bus. In a batch, the bus
          // hands each message over again on its own, so the report waits for that.
          const [only] = items;
          if (items.length === 1 && only !== undefined) {
            const code = statusErrorCode(error);
            const failed = status(only.value, only.context.attempt, 'failed', [], {
              code,
              message: errorMessage(error),
              retryable: isRetryable(error),
            });
            await bus.publishMany(topics.deliveryStatus, [{ value: failed, context: only.context }]).catch(() => {});
          }
          throw error;
        }
        const reports = items.flatMap((item, index) => {
          const outcome = outcomes[index];
          const { documentId, revision } = item.value.revision;
          if (outcome === undefined) return [];
          if (outcome.kind === 'skipped') {
            item.context.logger.debug({ documentId, reason: outcome.reason }, 'revision skipped');
            if (outcome.already === undefined) return [];
            // This revision was applied before: its report may have been lost with the process that applied it.
            const state = outcome.already.state === 'live' ? 'delivered' : 'withdrawn';
            return [
              { value: status(item.value, item.context.attempt, state, outcome.already.documentKeys), context: item.context },
            ];
          }
          item.context.logger.info({ documentId, revision, written: outcome.written.length }, 'revision applied');
          const state = outcome.state === 'live' ? 'delivered' : 'withdrawn';
          return [{ value: status(item.value, item.context.attempt, state, outcome.documentKeys), context: item.context }];
        });
        await bus.publishMany(topics.deliveryStatus, reports);
      },
    },
  });
};
