import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { topics } from '@tongyuan/contracts';
import type { Logger } from '@tongyuan/logger';
import type { NewmediaDeliverer } from './delivery/newmedia-deliverer.js';

/** Revisions taken from a partition at once: their deliveries run side by side (up to the deliverer's concurrency). */
const BATCH_MESSAGES = 20;

/**
 * content.published → every routed account. A delivery's own failure (WeChat down, a breaker open, a limit, a bad
 * image) is recorded on delivery.status and retried in the background, so it never holds the partition; the handler
 * throws (and the bus retries the message) only when the service cannot record at all (PostgreSQL or Kafka down).
 */
export const consumeContentPublished = (
  bus: KafkaBus,
  deliverer: NewmediaDeliverer,
  options: { groupId: string; logger: Logger },
): Promise<Subscription> =>
  bus.subscribe(topics.contentPublished, {
    groupId: options.groupId,
    batch: {
      maxMessages: BATCH_MESSAGES,
      // Documents side by side, the revisions of one document in order (an older one then sees the newer one's state).
      handler: async (items) => {
        const byDocument = new Map<string, typeof items>();
        for (const item of items) {
          const id = item.value.revision.documentId;
          byDocument.set(id, [...(byDocument.get(id) ?? []), item]);
        }
        await Promise.all(
          [...byDocument.values()].map(async (revisions) => {
            for (const { value, context } of revisions) {
              await context.within(() => deliverer.receive(value));
              context.logger.debug({ revision: value.revision.revision }, 'revision received');
            }
          }),
        );
      },
    },
  });
