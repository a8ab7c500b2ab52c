import type { ConsumerLag } from '@tongyuan/contracts';
import type { Kafka } from 'kafkajs';

/**
 * Lag of every consumer group on the given topics (kafkajs admin: listGroups, fetchOffsets, fetchTopicOffsets):
 * the high watermark minus the committed offset, summed over partitions. A partition never committed counts whole.
 */
export const consumerLag = async (kafka: Kafka, topicNames: readonly string[]): Promise<ConsumerLag[]> => {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const topics = topicNames.filter((name) => existing.has(name));
    const ends = new Map<string, Map<number, bigint>>();
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      ends.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
    const { groups } = await admin.listGroups();
    const result: ConsumerLag[] = [];
    for (const { groupId } of groups.filter((g) => g.protocolType === 'consumer' || g.protocolType === '')) {
      const committed = await admin.fetchOffsets({ groupId, topics });
      for (const { topic, partitions } of committed) {
        // A group that never committed on this topic does not consume it.
        if (partitions.every((p) => p.offset === '-1')) continue;
        const high = ends.get(topic) ?? new Map<number, bigint>();
        let lag = 0n;
        for (const p of partitions) {
          const end = high.get(p.partition) ?? 0n;
          const at = p.offset === '-1' ? 0n : BigInt(p.offset);
          lag += end > at ? end - at : 0n;
        }
        result.push({ groupId, topic, lag: Number(lag), partitions: partitions.length });
      }
    }
    return result.sort((a, b) => b.lag - a.lag || a.groupId.localeCompare(b.groupId));
  } finally {
    await admin.disconnect();
  }
};
