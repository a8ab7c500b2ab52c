// The relay against the real broker and PostgreSQL: what piles up while Kafka is away goes out once it is back.
import { readFile } from 'node:fs/promises';
import { withTransaction } from '@tongyuan/database';
import { readTopic, integrationTest as test, testTopic } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { appendToOutbox, OutboxRelay, outboxSqlFile } from './index.js';

const Release = z.object({ id: z.string(), n: z.number().int(), body: z.string() });

const releaseTopic = () => testTopic('test.release', Release, (value) => value.id, { partitions: 3 });

describe('OutboxRelay', () => {
  test('a backlog of full-size releases (a broker restart’s worth) is relayed whole, in order per document', async ({
    bus,
    database,
    logger,
    servers,
  }) => {
    const topic = releaseTopic();
    await bus.ensureTopics([topic]);
    await database.pool.query(await readFile(outboxSqlFile, 'utf8'));
    // 200 releases of ~24 KB (a long 规范性文件 in UTF-8): one relay batch of 4.8 MB, where the broker takes 1 MB a batch.
    const ids = ['doc-a', 'doc-b', 'doc-c', 'doc-d'];
    await withTransaction(database.pool, async (client) => {
      for (let n = 0; n < 200; n++) {
        const value = { id: ids[n % ids.length] ?? 'doc-a', n, body: '第一条　为了规范行政行为。'.repeat(600) };
        await appendToOutbox(client, topic.name, bus.toWireRecord(topic, value));
      }
    });

    const relay = new OutboxRelay({ pool: database.pool, bus, logger });
    expect(await relay.drain()).toBe(200);

    const read = await readTopic(servers.kafkaBrokers, bus.topicName(topic.name), { count: 200, settleMs: 500 });
    const releases = read.map((message) => Release.parse(JSON.parse(message.value?.toString('utf8') ?? '{}')));
    expect(releases).toHaveLength(200);
    for (const id of ids) {
      const order = releases.filter((release) => release.id === id).map((release) => release.n);
      expect(order).toEqual([...order].sort((a, b) => a - b));
      expect(order).toHaveLength(50);
    }
    const unsent = await database.pool.query('select count(*)::int as n from outbox where sent_at is null');
    expect(unsent.rows[0]?.n).toBe(0);
  });
});
