// Every renderer beside ops, in-process on one topic prefix: portal, new media (against the fake WeChat API) and gazette.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccountMatrix } from '@tongyuan/contracts';
import { issueTokens } from '@tongyuan/http';
import { freePort, freshDatabaseUrl, type TestServers, uniqueName } from '@tongyuan/testing';
import { FakeWechatServer } from '@tongyuan/wechat-api/fake';
import { loadEnv as loadGazetteEnv } from '../../gazette/src/env.js';
import { startGazette } from '../../gazette/src/main.js';
import { loadEnv as loadNewmediaEnv } from '../../newmedia/src/env.js';
import { startNewmedia } from '../../newmedia/src/main.js';
import { type OpsHarness, startOpsHarness } from './ops.fixture.js';

export const cityAccount = { id: 'city', appId: 'wx00000000000000c1', secret: 'secret-of-city' };

export interface Pipeline {
  ops: OpsHarness;
  wechat: FakeWechatServer;
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

export const startPipeline = async (
  servers: TestServers,
  options: { opsEnv?: Record<string, string>; newmediaEnv?: Record<string, string>; gazette?: boolean } = {},
): Promise<Pipeline> => {
  const wechat = await FakeWechatServer.start({
    apps: [{ appId: cityAccount.appId, secret: cityAccount.secret }],
    publishDelayMs: 100,
  });
  const folder = await mkdtemp(join(tmpdir(), 'ops-pipeline-'));
  const accountsFile = join(folder, 'accounts.json');
  const matrix: AccountMatrix = {
    version: 'v1',
    accounts: [
      {
        id: cityAccount.id,
        name: '自贡发布',
        agency: '自贡市人民政府办公室',
        author: '自贡市政府办',
        appId: cityAccount.appId,
        topics: [],
        regions: [],
        enabled: true,
      },
    ],
  };
  await writeFile(accountsFile, JSON.stringify(matrix));
  const secretsFile = join(folder, 'account-secrets.json');
  await writeFile(secretsFile, JSON.stringify({ [cityAccount.id]: cityAccount.secret }));
  const ops = await startOpsHarness(servers, {
    withPortal: true,
    // Ops reads the published articles back as the account, as the audit does in production.
    env: { WECHAT_API_BASE_URL: wechat.url, ACCOUNT_SECRETS_FILE: secretsFile, ...options.opsEnv },
  });
  const newmediaPort = await freePort();
  const newmedia = await startNewmedia(
    loadNewmediaEnv({
      ...s3Variables(servers),
      DATABASE_URL: await freshDatabaseUrl(servers, 'newmedia'),
      NEWMEDIA_BUCKET: ops.buckets.newmedia,
      ASSETS_BUCKET: uniqueName('assets'),
      KAFKA_TOPIC_PREFIX: ops.topicPrefix,
      NEWMEDIA_GROUP_ID: uniqueName('newmedia'),
      PORT: String(newmediaPort),
      NEWMEDIA_BASE_URL: `http://127.0.0.1:${newmediaPort}`,
      PORTAL_BASE_URL: ops.portal?.baseUrl ?? 'http://127.0.0.1:8082',
      WECHAT_API_BASE_URL: wechat.url,
      ACCOUNTS_FILE: accountsFile,
      WECHAT_PUBLISH_POLL_MS: '300',
      WECHAT_RETRY_MS: '20',
      WECHAT_BREAKER_RESET_MS: '200',
      ...options.newmediaEnv,
    }),
    { WECHAT_SECRET_CITY: cityAccount.secret },
  );
  let gazette: Awaited<ReturnType<typeof startGazette>> | undefined;
  if (options.gazette) {
    const { users } = issueTokens([{ id: 'staff-archivist', name: '档案员', roles: ['archivist'] }]);
    const usersFile = join(folder, 'gazette-users.json');
    await writeFile(usersFile, JSON.stringify(users));
    gazette = await startGazette(
      loadGazetteEnv({
        ...s3Variables(servers),
        KAFKA_TOPIC_PREFIX: ops.topicPrefix,
        DATABASE_URL: await freshDatabaseUrl(servers, 'gazette'),
        GAZETTE_BUCKET: ops.buckets.gazette,
        API_USERS_FILE: usersFile,
        PORT: String(await freePort()),
      }),
    );
  }
  return {
    ops,
    wechat,
    stop: async () => {
      await gazette?.stop();
      await newmedia.stop();
      await ops.stop();
      await wechat.close();
    },
  };
};
