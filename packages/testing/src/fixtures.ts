import { randomBytes } from 'node:crypto';
import { KafkaBus } from '@tongyuan/bus';
import { createPool, ensureDatabase, type Pool } from '@tongyuan/database';
import { createLogger, type Logger } from '@tongyuan/logger';
import { S3ObjectStore } from '@tongyuan/object-store';
import pg from 'pg';
import { inject, test } from 'vitest';
import type { TestServers } from './test-servers.js';

/** A name no other test (or earlier run) uses: topics, groups, buckets and databases are never shared. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;

export const quietLogger = (): Logger => createLogger({ service: 'test', level: process.env.TEST_LOG_LEVEL ?? 'silent' });

export const storeFor = (servers: TestServers, bucket: string): S3ObjectStore =>
  new S3ObjectStore({ bucket, ...servers.s3, forcePathStyle: true });

/** The URL of a fresh database on the test server. */
export const freshDatabaseUrl = async (servers: TestServers, prefix = 'test'): Promise<string> => {
  const url = new URL(servers.databaseUrl);
  url.pathname = `/${uniqueName(prefix).replaceAll('-', '_')}`;
  await ensureDatabase(url.toString());
  return url.toString();
};

const dropDatabase = async (servers: TestServers, url: string): Promise<void> => {
  const client = new pg.Client({ connectionString: servers.databaseUrl });
  await client.connect();
  try {
    await client.query(`drop database if exists "${new URL(url).pathname.slice(1)}" with (force)`);
  } finally {
    await client.end();
  }
};

export interface IntegrationFixtures {
  servers: TestServers;
  logger: Logger;
  bus: KafkaBus;
  store: S3ObjectStore;
  database: { url: string; pool: Pool };
}

/** Tests that talk to the real Kafka, S3 server and PostgreSQL; each fixture is set up only when a test asks for it. */
export const integrationTest = test.extend<IntegrationFixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: vitest reads the fixture's dependencies from this pattern
  servers: [async ({}, use) => use(inject('servers')), { scope: 'worker' }],
  // biome-ignore lint/correctness/noEmptyPattern: as above
  logger: async ({}, use) => use(quietLogger()),
  bus: async ({ servers, logger }, use) => {
    const bus = new KafkaBus({ brokers: servers.kafkaBrokers, clientId: uniqueName('test'), logger });
    await use(bus);
    await bus.close();
  },
  store: async ({ servers }, use) => {
    const store = storeFor(servers, uniqueName('test'));
    await store.ensureBucket();
    await use(store);
  },
  database: async ({ servers }, use) => {
    const url = await freshDatabaseUrl(servers);
    const pool = createPool(url, 4);
    await use({ url, pool });
    await pool.end();
    await dropDatabase(servers, url);
  },
});
