import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { topics } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';
import { recordRevision } from './ledger-store.js';

/** content.published → the canonical revisions the audit, the matrix and the statistics compare against. */
export const consumeContentPublished = (bus: KafkaBus, pool: Pool, options: { groupId: string }): Promise<Subscription> =>
  bus.subscribe(topics.contentPublished, {
    groupId: options.groupId,
    handler: async (event) => {
      await recordRevision(pool, event);
    },
  });
