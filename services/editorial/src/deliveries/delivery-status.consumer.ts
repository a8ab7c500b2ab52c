import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { type DeliveryStatus, topics } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';

/** Keeps the editors' view of delivery states: the latest step of each (document, revision, channel, target). */
export const consumeDeliveryStatus = (bus: KafkaBus, pool: Pool, databaseName: string): Promise<Subscription> =>
  bus.subscribe(topics.deliveryStatus, {
    // One group per database: the view lives in that database, so each copy of it reads the whole topic.
    groupId: `editorial-delivery-view-${databaseName}`,
    handler: async (status) => {
      // Replays and out-of-order steps never move a delivery back in time.
      await pool.query(
        `insert into deliveries (document_id, revision, channel, target, state, attempt, fingerprint, error, artifact_keys, occurred_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (document_id, revision, channel, target) do update set
           state = excluded.state, attempt = excluded.attempt, fingerprint = excluded.fingerprint, error = excluded.error,
           artifact_keys = excluded.artifact_keys, occurred_at = excluded.occurred_at
         where deliveries.occurred_at <= excluded.occurred_at`,
        [
          status.documentId,
          status.revision,
          status.channel,
          status.target,
          status.state,
          status.attempt,
          status.fingerprint,
          status.error === null ? null : JSON.stringify(status.error),
          JSON.stringify(status.artifactKeys),
          status.occurredAt,
        ],
      );
    },
  });

export const deliveriesOf = async (pool: Pool, documentId: string) => {
  const { rows } = await pool.query(
    `select revision, channel, target, state, attempt, fingerprint, error, artifact_keys, occurred_at
     from deliveries where document_id = $1 order by revision desc, channel, target`,
    [documentId],
  );
  return rows.map(
    (row): Omit<DeliveryStatus, 'version' | 'documentId'> => ({
      revision: row.revision,
      channel: row.channel,
      target: row.target,
      state: row.state,
      attempt: row.attempt,
      fingerprint: row.fingerprint,
      error: row.error,
      artifactKeys: row.artifact_keys,
      occurredAt: row.occurred_at.toISOString(),
    }),
  );
};
