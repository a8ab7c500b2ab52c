import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { topics } from '@tongyuan/contracts';
import type { Logger } from '@tongyuan/logger';
import type { NewmediaDeliverer } from './delivery/newmedia-deliverer.js';

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
    handler: async (event) => {
      await deliverer.receive(event);
      options.logger.debug({ documentId: event.revision.documentId, revision: event.revision.revision }, 'revision received');
    },
  });
