import { execFileSync } from 'node:child_process';
import { kafkaServer } from '@tongyuan/infra';
import { quietLogger, readTopic, testTopic, uniqueName, waitFor } from '@tongyuan/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KafkaBus } from './index.js';

const javaAvailable = (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

const Tick = z.object({ n: z.number().int() });

/** A topic of numbered ticks over 3 partitions (keyed n mod 3). */
const tickTopic = (prefix: string) =>
  testTopic(prefix, Tick, (value) => String(value.n % 3), {
    partitions: 3,
    retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200 },
  });

// Its own broker, so killing it does not disturb the tests that share the main one.
describe.runIf(javaAvailable)('a consumer across a broker crash', () => {
  const broker = kafkaServer({ name: 'kafka-crash-bus', port: 19192, controllerPort: 19193 });
  afterAll(async () => {
    await broker.stop();
  }, 60_000);

  it('resumes after the broker is killed and restarted, and loses no message', { timeout: 240_000 }, async () => {
    await broker.start();
    const topic = tickTopic('test.tick');
    const bus = new KafkaBus({ brokers: [broker.url], clientId: 'crash-test', logger: quietLogger() });
    try {
      await bus.ensureTopics([topic]);
      const seen = new Set<number>();
      const subscription = await bus.subscribe(topic, {
        groupId: uniqueName('group'),
        handler: async (value) => {
          await new Promise((resolve) => setTimeout(resolve, 25)); // slow enough to be mid-stream when the broker dies
          seen.add(value.n);
        },
      });
      for (let n = 0; n < 100; n += 1) await bus.publish(topic, { n });
      await waitFor(() => seen.size >= 20, { what: 'the consumer to be under way', timeoutMs: 60_000 });

      await broker.kill(); // SIGKILL while the consumer is mid-stream: no clean shutdown, as in a real crash
      expect(await broker.isRunning()).toBe(false);
      expect(seen.size).toBeLessThan(100);
      await broker.start();

      // The producer and consumer reconnect by themselves; more messages are sent after the restart.
      for (let n = 100; n < 150; n += 1) await bus.publish(topic, { n });
      await waitFor(() => seen.size === 150, { what: 'all 150 messages after the restart', timeoutMs: 120_000 });
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 150 }, (_, n) => n));
      await subscription.stop();
    } finally {
      await bus.close();
    }
  });

  it('every send it acknowledged is in the topic after a crash in the middle of many concurrent sends', {
    timeout: 240_000,
  }, async () => {
    await broker.start();
    const topic = tickTopic('test.acked');
    const bus = new KafkaBus({ brokers: [broker.url], clientId: 'crash-acked', logger: quietLogger() });
    try {
      await bus.ensureTopics([topic]);
      // Eight reporters at once, as a service's deliveries report side by side: sends coalesce into shared requests.
      const acked = new Set<number>();
      let next = 0;
      let sending = true;
      const reporter = async () => {
        while (sending) {
          const n = next++;
          // A send the crash failed is the caller's to repeat (newmedia tells the state again): only acks count here.
          await bus.publish(topic, { n }).then(
            () => acked.add(n),
            () => new Promise((resolve) => setTimeout(resolve, 100)),
          );
        }
      };
      const reporters = Array.from({ length: 8 }, reporter);
      await waitFor(() => acked.size >= 300, { what: 'sends under way', timeoutMs: 60_000 });
      await broker.kill();
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await broker.start();
      const afterRestart = acked.size;
      await waitFor(() => acked.size >= afterRestart + 300, { what: 'sends acknowledged after the restart', timeoutMs: 120_000 });
      sending = false;
      await Promise.all(reporters);

      const written = new Set(
        (await readTopic([broker.url], bus.topicName(topic.name), { count: acked.size, timeoutMs: 60_000, settleMs: 2_000 })).map(
          (message) => (JSON.parse(message.value?.toString('utf8') ?? '{}') as { n: number }).n,
        ),
      );
      const lost = [...acked].filter((n) => !written.has(n)).sort((a, b) => a - b);
      expect(lost, `${lost.length} of ${acked.size} acknowledged sends are not in the topic`).toEqual([]);
    } finally {
      await bus.close();
    }
  });
});
