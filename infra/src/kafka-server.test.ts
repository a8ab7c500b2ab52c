import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { kafkaServer } from './kafka-server.js';
import { dataDirOf } from './paths.js';
import { kafkaClusterId } from './readiness.js';

// Its own ports and data dir, so crashing it never disturbs the shared default broker.
const crashProbe = kafkaServer({ name: 'kafka-crash-probe', port: 19092, controllerPort: 19093 });
const topic = 'infra.crash-probe';

/** The topic's end offset, i.e. how many messages it holds (one partition). */
async function endOffset(kafka: Kafka): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [partition] = await admin.fetchTopicOffsets(topic);
    return Number(partition?.high ?? -1);
  } finally {
    await admin.disconnect();
  }
}

describe('kafkaServer', () => {
  afterAll(() => crashProbe.stop(), 120_000);

  it('comes back after a SIGKILL with the same cluster id and the data written before the crash', async () => {
    // A fresh data dir whose cluster id starts with '-' (1 random id in 64 does): the format step once read it as an option.
    const probeData = dataDirOf('kafka-crash-probe');
    await rm(probeData, { recursive: true, force: true });
    await mkdir(probeData, { recursive: true });
    const clusterId = '-PPwYCifhEuXIJFf8bZf3Q';
    await writeFile(join(probeData, 'cluster-id'), `${clusterId}\n`);

    await crashProbe.start();
    expect(await kafkaClusterId(crashProbe.url)).toBe(clusterId);
    expect(crashProbe.pid()).toBeTypeOf('number');

    // Brokers going away is the point of this test, so the client's connection errors are noise.
    const kafka = new Kafka({ clientId: 'infra-crash-test', brokers: [crashProbe.url], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic, acks: -1, messages: [{ key: 'k', value: 'written before the crash' }] });
    await producer.disconnect();
    const offsetBeforeCrash = await endOffset(kafka);
    expect(offsetBeforeCrash).toBeGreaterThan(0);

    await crashProbe.kill();
    expect(crashProbe.pid()).toBeUndefined();
    expect(await crashProbe.isRunning()).toBe(false);

    await crashProbe.start();
    expect(await kafkaClusterId(crashProbe.url)).toBe(clusterId);
    expect(await endOffset(kafka)).toBe(offsetBeforeCrash);

    await crashProbe.stop();
    expect(crashProbe.pid()).toBeUndefined();
    expect(await crashProbe.isRunning()).toBe(false);
  }, 600_000);
});
