import { randomBytes } from 'node:crypto';
import { Kafka, type KafkaMessage, logLevel } from 'kafkajs';

export interface ReadTopicOptions {
  /** Stop once this many matching messages arrived (then wait settleMs for any extra, e.g. duplicates). */
  count: number;
  /** Only messages this accepts are collected. */
  filter?: (message: KafkaMessage) => boolean;
  timeoutMs?: number;
  /** After `count` arrived, keep listening this long so a test can see that no more came. */
  settleMs?: number;
}

/** Reads a topic from the beginning, as an outside observer would, with a group of its own. */
export const readTopic = async (
  brokers: string[],
  topic: string,
  { count, filter = () => true, timeoutMs = 30_000, settleMs = 0 }: ReadTopicOptions,
): Promise<KafkaMessage[]> => {
  const kafka = new Kafka({ clientId: 'test-reader', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test-reader-${randomBytes(5).toString('hex')}` });
  const messages: KafkaMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      void consumer.run({
        eachMessage: async ({ message }) => {
          if (!filter(message)) return;
          messages.push(message);
          if (messages.length === count) {
            clearTimeout(timer);
            setTimeout(resolve, settleMs);
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return messages;
};

/** A filter for messages whose key is one of the given ones. */
export const keyedBy =
  (...keys: string[]) =>
  (message: KafkaMessage): boolean =>
    keys.includes(message.key?.toString('utf8') ?? '');
