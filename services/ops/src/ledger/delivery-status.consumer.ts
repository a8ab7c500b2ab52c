import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { type DeliveryStatus, topics } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';
import type { ServiceMetrics } from '@tongyuan/observability';
import { recordSteps, releaseTimes } from './ledger-store.js';

const isLive = (status: DeliveryStatus) =>
  status.state === 'delivered' || (status.channel === 'gazette' && status.state === 'pending');

/**
 * delivery.status → the ledger (every step kept), in batches of up to 200 statuses a statement; a first-seen live step
 * feeds the publish→live histogram.
 */
export const consumeDeliveryStatus = (
  bus: KafkaBus,
  pool: Pool,
  options: { groupId: string; metrics: ServiceMetrics },
): Promise<Subscription> =>
  bus.subscribe(topics.deliveryStatus, {
    groupId: options.groupId,
    batch: {
      maxMessages: 200,
      handler: async (items) => {
        const statuses = items.map((item) => item.value);
        const added = await recordSteps(pool, statuses);
        const live = statuses.filter((status, i) => added[i] && isLive(status));
        // The release time comes from the canonical revision, when the ledger has it already.
        const released = await releaseTimes(pool, live);
        for (const status of live) {
          const at = released.get(`${status.documentId} ${status.revision}`);
          if (at) options.metrics.observePublishToLive(status.channel, at.toISOString(), status.occurredAt);
        }
      },
    },
  });
