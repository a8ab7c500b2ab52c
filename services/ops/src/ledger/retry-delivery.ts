import type { KafkaBus } from '@tongyuan/bus';
import { topics } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';
import { latestEvent } from './ledger-store.js';

/**
 * Retries a document's deliveries by re-publishing its latest content.published event unchanged: the CloudEvents id
 * is deterministic, so renderers skip the targets already done and try again the ones that failed.
 */
export const retryDelivery = async (
  pool: Pool,
  bus: KafkaBus,
  documentId: string,
  actor: { id: string; name: string },
): Promise<{ revision: number } | undefined> => {
  const event = await latestEvent(pool, documentId);
  if (!event) return undefined;
  await bus.publish(topics.contentPublished, event);
  await pool.query(
    `insert into operator_actions (action, document_id, revision, actor_id, actor_name) values ('retry', $1, $2, $3, $4)`,
    [documentId, event.revision.revision, actor.id, actor.name],
  );
  return { revision: event.revision.revision };
};

export const recentActions = async (pool: Pool, limit = 50) =>
  (
    await pool.query<{
      action: string;
      documentId: string | null;
      revision: number | null;
      deadLetterId: string | null;
      actorName: string;
      at: Date;
    }>(
      `select action, document_id as "documentId", revision, dead_letter_id::text as "deadLetterId", actor_name as "actorName", at
       from operator_actions order by id desc limit $1`,
      [limit],
    )
  ).rows;
