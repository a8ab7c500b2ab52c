// The ops service in-process against the real PostgreSQL, S3 server and Kafka, on topics and buckets of its own,
// optionally with the real portal service beside it on the same topics.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus } from '@tongyuan/bus';
import { type DocumentRevision, newDocumentId } from '@tongyuan/contracts';
import { issueTokens } from '@tongyuan/http';
import { freePort, freshDatabaseUrl, quietLogger, type TestServers, uniqueName } from '@tongyuan/testing';
import { type CorpusName, revisionFromCorpus } from '../../../packages/contracts/src/corpus-revision.fixture.js';
import { loadEnv as loadPortalEnv } from '../../portal/src/env.js';
import { startPortal } from '../../portal/src/main.js';
import { loadEnv } from './env.js';
import { startOps } from './main.js';

export interface OpsHarness {
  baseUrl: string;
  topicPrefix: string;
  /** The portal site ops expects every 主动公开 revision on (PORTAL_SITES); the portal's own when it runs. */
  siteId: string;
  /** The buckets ops reads back (each test harness has its own). */
  buckets: { portal: string; newmedia: string; gazette: string };
  tokens: { ops: string; editor: string };
  /** A bus on the harness's topics, for publishing what a test needs. */
  bus: KafkaBus;
  service: Awaited<ReturnType<typeof startOps>>;
  portal?: Awaited<ReturnType<typeof startPortal>> & { siteId: string; bucket: string; assetsBucket: string; baseUrl: string };
  stop(): Promise<void>;
}

const s3Variables = (servers: TestServers) => ({
  KAFKA_BROKERS: servers.kafkaBrokers.join(','),
  S3_ENDPOINT: servers.s3.endpoint,
  S3_REGION: servers.s3.region,
  S3_ACCESS_KEY_ID: servers.s3.accessKeyId,
  S3_SECRET_ACCESS_KEY: servers.s3.secretAccessKey,
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
});

/** Starts ops (and, with `withPortal`, the portal) on a fresh topic prefix, database and buckets. */
export const startOpsHarness = async (
  servers: TestServers,
  options: { withPortal?: boolean; env?: Record<string, string>; topicPrefix?: string } = {},
): Promise<OpsHarness> => {
  // A second harness on the same prefix replays the same topics into a ledger of its own.
  const topicPrefix = options.topicPrefix ?? `${uniqueName('ops')}.`;
  const { users, tokens } = issueTokens([
    { id: 'staff-ops', name: '周运维', roles: ['ops'] },
    { id: 'staff-editor', name: '陈编辑', roles: ['editor'] },
  ]);
  const usersFile = join(await mkdtemp(join(tmpdir(), 'ops-users-')), 'api-users.json');
  await writeFile(usersFile, JSON.stringify(users));

  let portal: OpsHarness['portal'];
  const siteId = uniqueName('site');
  const portalBucket = uniqueName('portal');
  const buckets = { portal: portalBucket, newmedia: uniqueName('newmedia'), gazette: uniqueName('gazette') };
  if (options.withPortal) {
    const port = await freePort();
    const assetsBucket = uniqueName('assets');
    const started = await startPortal(
      loadPortalEnv({
        ...s3Variables(servers),
        DATABASE_URL: await freshDatabaseUrl(servers, 'portal'),
        PORTAL_BUCKET: portalBucket,
        ASSETS_BUCKET: assetsBucket,
        SITE_ID: siteId,
        KAFKA_TOPIC_PREFIX: topicPrefix,
        PORT: String(port),
        SITE_BASE_URL: `http://127.0.0.1:${port}`,
      }),
    );
    portal = { ...started, siteId, bucket: portalBucket, assetsBucket, baseUrl: `http://127.0.0.1:${started.port}` };
  }

  const service = await startOps(
    loadEnv({
      ...s3Variables(servers),
      DATABASE_URL: await freshDatabaseUrl(servers, 'ops'),
      KAFKA_TOPIC_PREFIX: topicPrefix,
      API_USERS_FILE: usersFile,
      PORT: '0',
      PORTAL_BUCKET: portalBucket,
      PORTAL_SITES: siteId,
      NEWMEDIA_BUCKET: buckets.newmedia,
      GAZETTE_BUCKET: buckets.gazette,
      SLA_SECONDS: '60',
      AUDIT_INTERVAL_MS: '60000',
      ...options.env,
    }),
  );
  const bus = new KafkaBus({
    brokers: servers.kafkaBrokers,
    clientId: uniqueName('ops-test'),
    logger: quietLogger(),
    topicPrefix,
  });
  return {
    baseUrl: `http://127.0.0.1:${service.port}`,
    topicPrefix,
    siteId,
    buckets,
    tokens: { ops: tokens['staff-ops'] as string, editor: tokens['staff-editor'] as string },
    bus,
    service,
    portal,
    stop: async () => {
      await bus.close();
      await service.stop();
      await portal?.stop();
    },
  };
};

/**
 * A corpus document as a fresh revision released just now: its own id, so tests never share a document, and no
 * attachments (their files are not in any assets bucket; a test that wants one uploads it).
 */
export const freshRevision = (name: CorpusName, releasedAt = new Date()): DocumentRevision => ({
  ...revisionFromCorpus(name),
  documentId: newDocumentId(),
  publishedAt: releasedAt.toISOString(),
  attachments: [],
});

/** Signs in to the console as a browser would (form post), returning the session cookie and the page's CSRF token. */
export const consoleSession = async (baseUrl: string, token: string): Promise<{ cookie: string; csrf: string }> => {
  const login = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token }).toString(),
    redirect: 'manual',
  });
  const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const page = await (await fetch(`${baseUrl}/audit`, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
  return { cookie, csrf };
};
