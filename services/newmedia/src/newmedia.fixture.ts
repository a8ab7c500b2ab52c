// The newmedia service in-process against the real PostgreSQL, S3 server and Kafka, and the fake WeChat API, with an
// account matrix, topics, buckets and a database of its own.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus } from '@tongyuan/bus';
import {
  type AccountMatrix,
  type DeliveryStatus,
  type DocumentRevision,
  type NewmediaAccount,
  toContentPublished,
  topics,
} from '@tongyuan/contracts';
import type { S3ObjectStore } from '@tongyuan/object-store';
import { freePort, freshDatabaseUrl, integrationTest, quietLogger, storeFor, uniqueName, waitFor } from '@tongyuan/testing';
import { FakeWechatServer } from '@tongyuan/wechat-api/fake';
import { secretVariableOf } from './accounts.js';
import { loadEnv } from './env.js';
import { startNewmedia } from './main.js';

export const PUSH_TOKEN = 'test-push-token';

/** city: the city's main account; zwgk: 政务公开 topics only; district: one district (定向公开). */
export const testAccounts = (): NewmediaAccount[] => [
  {
    id: 'city',
    name: '自贡发布',
    agency: '自贡市人民政府办公室',
    author: '自贡市政府办',
    appId: 'wx0000000000000001',
    topics: [],
    regions: ['510300'],
    enabled: true,
  },
  {
    id: 'zwgk',
    name: '自贡政务公开',
    agency: '自贡市人民政府办公室',
    author: '市政务公开办',
    appId: 'wx0000000000000002',
    topics: ['政务公开'],
    regions: ['510300'],
    enabled: true,
  },
  {
    id: 'district',
    name: '自流井发布',
    agency: '自流井区人民政府办公室',
    author: '自流井区政府办',
    appId: 'wx0000000000000003',
    topics: [],
    regions: ['510302'],
    enabled: true,
  },
  {
    id: 'paused',
    name: '停用账号',
    agency: '某局',
    author: '某局',
    appId: 'wx0000000000000004',
    topics: [],
    regions: [],
    enabled: false,
  },
];

export interface NewmediaHarness {
  fake: FakeWechatServer;
  service: Awaited<ReturnType<typeof startNewmedia>>;
  baseUrl: string;
  store: S3ObjectStore;
  assets: S3ObjectStore;
  accounts: NewmediaAccount[];
  /** The service's topic prefix, for a second bus of a test's own. */
  topicPrefix: string;
  appIdOf: (accountId: string) => string;
  /** Publishes content.published on the service's topics, as the editorial relay would. */
  publish: (revision: DocumentRevision) => Promise<void>;
  /** Every delivery.status message seen so far. */
  statuses: DeliveryStatus[];
  statusOf: (documentId: string, revision: number, accountId: string, state: DeliveryStatus['state']) => Promise<DeliveryStatus>;
  /** Stops the service and starts it again on the same database, buckets, topics and group (after `whileDown`, if given). */
  restart: (whileDown?: () => Promise<void>) => Promise<void>;
  /** A second instance on the same database, buckets and topics, in a group of its own: it receives every event too. */
  startTwin: () => Promise<{ stop(): Promise<void> }>;
}

export const newmediaTest = integrationTest.extend<{ newmedia: NewmediaHarness }>({
  newmedia: [
    async ({ servers }, use) => {
      const accounts = testAccounts();
      const folder = mkdtempSync(join(tmpdir(), 'newmedia-'));
      const accountsFile = join(folder, 'accounts.json');
      writeFileSync(accountsFile, JSON.stringify({ version: 'v1', accounts } satisfies AccountMatrix));
      const secrets = Object.fromEntries(accounts.map((account) => [secretVariableOf(account.id), `secret-of-${account.id}`]));
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      const fake = await FakeWechatServer.start({
        apps: accounts.map((account) => ({
          appId: account.appId,
          secret: `secret-of-${account.id}`,
          callbackUrl: `${baseUrl}/wechat/push/${account.id}`,
          callbackToken: PUSH_TOKEN,
        })),
        publishDelayMs: 200,
      });
      const topicPrefix = `${uniqueName('t')}.`;
      const bucket = uniqueName('newmedia');
      const assetsBucket = uniqueName('assets');
      const assets = storeFor(servers, assetsBucket);
      await assets.ensureBucket();
      const env = loadEnv({
        KAFKA_BROKERS: servers.kafkaBrokers.join(','),
        S3_ENDPOINT: servers.s3.endpoint,
        S3_REGION: servers.s3.region,
        S3_ACCESS_KEY_ID: servers.s3.accessKeyId,
        S3_SECRET_ACCESS_KEY: servers.s3.secretAccessKey,
        DATABASE_URL: await freshDatabaseUrl(servers, 'newmedia'),
        NEWMEDIA_BUCKET: bucket,
        ASSETS_BUCKET: assetsBucket,
        KAFKA_TOPIC_PREFIX: topicPrefix,
        // A group of its own: kafkajs assigns a group's partitions as if every member read the same topics.
        NEWMEDIA_GROUP_ID: uniqueName('newmedia'),
        PORT: String(port),
        NEWMEDIA_BASE_URL: baseUrl,
        PORTAL_BASE_URL: 'https://www.zg.gov.cn',
        WECHAT_API_BASE_URL: fake.url,
        ACCOUNTS_FILE: accountsFile,
        WECHAT_PUSH_TOKEN: PUSH_TOKEN,
        // Far enough behind the fake's push (0.2 s) that a loaded machine cannot make the poll win the race.
        WECHAT_PUBLISH_POLL_MS: '6000',
        WECHAT_RETRY_MS: '50',
        NEWMEDIA_RETRY_MS: '300',
        WECHAT_SUBMIT_SETTLE_MS: '1000',
        WECHAT_SUBMIT_CONFIRM_WINDOW_MS: '10000',
        WECHAT_BREAKER_RESET_MS: '600',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      });
      let service = await startNewmedia(env, secrets);
      const bus = new KafkaBus({
        brokers: servers.kafkaBrokers,
        clientId: uniqueName('test'),
        logger: quietLogger(),
        topicPrefix,
      });
      const statuses: DeliveryStatus[] = [];
      const subscription = await bus.subscribe(topics.deliveryStatus, {
        groupId: uniqueName('statuses'),
        handler: async (status) => {
          statuses.push(status);
        },
      });
      const harness: NewmediaHarness = {
        fake,
        get service() {
          return service;
        },
        baseUrl,
        store: storeFor(servers, bucket),
        assets,
        accounts,
        topicPrefix,
        appIdOf: (accountId) => accounts.find((account) => account.id === accountId)?.appId ?? '',
        publish: async (revision) => {
          await bus.publish(topics.contentPublished, toContentPublished(revision));
        },
        statuses,
        statusOf: (documentId, revision, accountId, state) =>
          waitFor(
            () =>
              statuses.find(
                (s) => s.documentId === documentId && s.revision === revision && s.target === accountId && s.state === state,
              ),
            { what: `${state} of ${documentId}/${revision} on ${accountId}`, timeoutMs: 45_000 },
          ),
        restart: async (whileDown) => {
          await service.stop();
          await whileDown?.();
          service = await startNewmedia(env, secrets);
        },
        startTwin: async () => startNewmedia({ ...env, PORT: await freePort(), NEWMEDIA_GROUP_ID: uniqueName('twin') }, secrets),
      };
      await use(harness);
      await subscription.stop();
      await bus.close();
      await service.stop();
      await fake.close();
    },
    { scope: 'file' },
  ],
});
