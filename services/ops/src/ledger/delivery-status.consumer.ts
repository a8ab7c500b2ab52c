import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { topics } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';
import type { ServiceMetrics } from '@tongyuan/observability';
import { recordStep } from './ledger-store.js';

/** delivery.status → the ledger (every step kept); a first-seen live step feeds the publish→live histogram. */
export const consumeDeliveryStatus = (
  bus: KafkaBus,
  pool: Pool,
  options: { groupId: string; metrics: ServiceMetrics },
): Promise<Subscription> =>
  bus.subscribe(topics.deliveryStatus, {
    groupId: options.groupId,
    handler: async (status) => {
      const added = await recordStep(pool, status);
      const live = status.state === 'delivered' || (status.channel === 'gazette' && status.state === 'pending');
      if (!added || !live) return;
      // The release time comes from the canonical revision, when the ledger has it already.
      const { rows } = await pool.query<{ releasedAt: Date }>(
        'select released_at as "releasedAt" from revisions where document_id = $1 and revision = $2',
        [status.documentId, status.revision],
      );
      const released = rows[0]?.releasedAt;
      if (released) options.metrics.observePublishToLive(status.channel, released.toISOString(), status.occurredAt);
    },
  });
