import { consumerSession, type KafkaBus, readDeadLetter } from '@tongyuan/bus';
import type { Pool } from '@tongyuan/database';
import type { Kafka } from 'kafkajs';

/** Reads the dead-letter topics from the beginning into PostgreSQL, so the console can browse and re-drive them. */
export const consumeDeadLetters = async (
  kafka: Kafka,
  pool: Pool,
  options: { groupId: string; topics: string[] },
): Promise<{ stop(): Promise<void> }> => {
  const consumer = kafka.consumer({
    groupId: options.groupId,
    allowAutoTopicCreation: false,
    // The bus's session: ops answers only once it has joined, and kafkajs's 30 s default made it 26 s after a SIGKILL.
    ...consumerSession,
  });
  await consumer.connect();
  await consumer.subscribe({ topics: options.topics, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ topic, partition, message }) => {
      const letter = readDeadLetter(message);
      await pool.query(
        `insert into dead_letters (dlq_topic, dlq_partition, dlq_offset, message_key, message_value, headers, reason, code,
           source_topic, source_partition, source_offset, consumer_group, failed_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
         on conflict (dlq_topic, dlq_partition, dlq_offset) do nothing`,
        [
          topic,
          partition,
          message.offset,
          letter.key,
          letter.value,
          JSON.stringify(letter.headers),
          letter.reason,
          letter.code,
          letter.sourceTopic,
          letter.sourcePartition,
          letter.sourceOffset,
          letter.consumerGroup,
          letter.failedAt,
        ],
      );
    },
  });
  return { stop: () => consumer.disconnect() };
};

export interface DeadLetterRow {
  id: string;
  dlqTopic: string;
  key: string | null;
  value: Buffer | null;
  reason: string;
  code: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  consumerGroup: string;
  failedAt: string;
  redrivenAt: Date | null;
  redrivenBy: string | null;
}

export const deadLetters = async (pool: Pool, limit = 200): Promise<DeadLetterRow[]> =>
  (
    await pool.query<DeadLetterRow>(
      `select id::text as id, dlq_topic as "dlqTopic", message_key as key, message_value as value, reason, code,
         source_topic as "sourceTopic", source_partition as "sourcePartition", source_offset as "sourceOffset",
         consumer_group as "consumerGroup", failed_at as "failedAt", redriven_at as "redrivenAt", redriven_by as "redrivenBy"
       from dead_letters order by id desc limit $1`,
      [limit],
    )
  ).rows;

export type RedriveOutcome = { kind: 'redriven'; topic: string } | { kind: 'already'; at: Date } | { kind: 'unknown' };

/**
 * Sends a dead letter's original key, bytes and headers back to its source topic, once: the row is claimed first,
 * so a second click (or a second operator) finds it done. "After the fix" = its cause outside the message was
 * repaired (a missing attachment uploaded, a consumer fixed); the message itself is sent back unchanged.
 */
export const redrive = async (
  pool: Pool,
  bus: KafkaBus,
  id: string,
  actor: { id: string; name: string },
): Promise<RedriveOutcome> => {
  const { rows } = await pool.query<{
    key: string | null;
    value: Buffer | null;
    headers: Record<string, string>;
    sourceTopic: string;
  }>(
    `update dead_letters set redriven_at = now(), redriven_by = $2 where id = $1 and redriven_at is null
     returning message_key as key, message_value as value, headers, source_topic as "sourceTopic"`,
    [id, actor.id],
  );
  const claimed = rows[0];
  if (!claimed) {
    const done = await pool.query<{ redrivenAt: Date | null }>(
      'select redriven_at as "redrivenAt" from dead_letters where id = $1',
      [id],
    );
    const at = done.rows[0]?.redrivenAt;
    return at ? { kind: 'already', at } : { kind: 'unknown' };
  }
  // The header names the topic as it is on the cluster; the bus puts the prefix back on.
  const prefix = bus.topicName('');
  const topic = claimed.sourceTopic.startsWith(prefix) ? claimed.sourceTopic.slice(prefix.length) : claimed.sourceTopic;
  try {
    await bus.sendRecords(topic, [{ key: claimed.key, value: claimed.value, headers: claimed.headers }]);
  } catch (error) {
    await pool.query('update dead_letters set redriven_at = null, redriven_by = null where id = $1', [id]);
    throw error;
  }
  await pool.query(`insert into operator_actions (action, dead_letter_id, actor_id, actor_name) values ('redrive', $1, $2, $3)`, [
    id,
    actor.id,
    actor.name,
  ]);
  return { kind: 'redriven', topic };
};
