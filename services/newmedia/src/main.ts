import { fileURLToPath } from 'node:url';
import { KafkaBus } from '@tongyuan/bus';
import { runWhenMain } from '@tongyuan/config';
import { allTopics } from '@tongyuan/contracts';
import { createPool, ensureDatabase, migrate, sqlFilesIn } from '@tongyuan/database';
import { createLogger } from '@tongyuan/logger';
import { S3ObjectStore, s3StoreOptionsFrom } from '@tongyuan/object-store';
import {
  brokerCheck,
  databaseCheck,
  healthEndpoints,
  releasedAtOf,
  ServiceMetrics,
  storeCheck,
  watchBreaker,
} from '@tongyuan/observability';
import { WechatApiClient } from '@tongyuan/wechat-api';
import { loadAccounts } from './accounts.js';
import { consumeContentPublished } from './content-published.consumer.js';
import { DeliveryStore } from './delivery/delivery-store.js';
import { startDeliveryWorker } from './delivery/delivery-worker.js';
import { NewmediaDeliverer } from './delivery/newmedia-deliverer.js';
import { StatusReporter } from './delivery/status-reporter.js';
import { loadEnv, secretVariablesOf } from './env.js';
import { AccountFeeds } from './feed/account-feed.js';
import { createNewmediaServer } from './http/newmedia-server.js';

/** Wires newmedia: content.published → NewmediaDeliverer (PostgreSQL state, S3 feeds, WeChat API) → delivery.status. */
export const startNewmedia = async (env = loadEnv(), secretVariables = secretVariablesOf()) => {
  const logger = createLogger({ service: 'newmedia', level: env.LOG_LEVEL });
  const metrics = new ServiceMetrics('newmedia');
  const accounts = loadAccounts(env.ACCOUNTS_FILE, env.ACCOUNT_SECRETS_FILE, secretVariables);
  await ensureDatabase(env.DATABASE_URL);
  // One connection per running delivery (its lock), and some for the consumer, the worker and the HTTP server.
  // Both stages of NEWMEDIA_CONCURRENCY deliveries hold a connection for their lock, and query on others.
  const pool = createPool(env.DATABASE_URL, 2 * env.NEWMEDIA_CONCURRENCY + 8);
  await migrate(pool, await sqlFilesIn(fileURLToPath(new URL('../migrations', import.meta.url))));

  const store = new S3ObjectStore(s3StoreOptionsFrom(env, env.NEWMEDIA_BUCKET));
  await store.ensureBucket();
  // Read only: editors upload originals there.
  const assets = new S3ObjectStore(s3StoreOptionsFrom(env, env.ASSETS_BUCKET));
  const deliveries = new DeliveryStore(pool);
  const feeds = new AccountFeeds({
    store,
    assets,
    deliveries,
    portalBaseUrl: env.PORTAL_BASE_URL,
    newmediaBaseUrl: env.NEWMEDIA_BASE_URL,
  });
  const wechat = new WechatApiClient({
    baseUrl: env.WECHAT_API_BASE_URL,
    breaker: { resetTimeoutMs: env.WECHAT_BREAKER_RESET_MS },
    retry: { attempts: 3, initialDelayMs: env.WECHAT_RETRY_MS, maxDelayMs: 8 * env.WECHAT_RETRY_MS },
    onBreaker: (appId, breaker) => watchBreaker(metrics, `wechat-${appId}`, breaker),
    onExchange: ({ appId, endpoint, ms, outcome }) =>
      logger.debug({ appId, endpoint, ms: Math.round(ms), outcome }, 'wechat call'),
  });

  const bus = new KafkaBus({
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID ?? 'newmedia',
    logger,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    metrics: metrics.bus,
  });
  await bus.ensureTopics(allTopics);
  const reporter = new StatusReporter(bus, deliveries);
  const deliverer = new NewmediaDeliverer({
    deliveries,
    feeds,
    wechat,
    accounts,
    reporter,
    logger,
    pollMs: env.WECHAT_PUBLISH_POLL_MS,
    retryMs: env.NEWMEDIA_RETRY_MS,
    maxAttempts: env.NEWMEDIA_MAX_ATTEMPTS,
    submitSettleMs: env.WECHAT_SUBMIT_SETTLE_MS,
    submitConfirmWindowMs: env.WECHAT_SUBMIT_CONFIRM_WINDOW_MS,
    concurrency: env.NEWMEDIA_CONCURRENCY,
    // Live on WeChat comes later than the handling of the event (a publish result), so it is observed here.
    onLive: (revision) => metrics.observePublishToLive('newmedia', releasedAtOf(revision)),
  });
  const worker = startDeliveryWorker({
    deliveries,
    deliverer,
    reporter,
    intervalMs: Math.max(10, Math.min(env.WECHAT_PUBLISH_POLL_MS, env.NEWMEDIA_RETRY_MS) / 2),
    logger,
  });
  const subscription = await consumeContentPublished(bus, deliverer, { groupId: env.NEWMEDIA_GROUP_ID, logger });

  const server = createNewmediaServer({
    store,
    deliverer,
    pushToken: env.WECHAT_PUSH_TOKEN,
    accountIds: new Set(accounts.map((account) => account.id)),
    logger,
    intercept: healthEndpoints({ metrics, checks: [brokerCheck(bus), storeCheck(store), databaseCheck(pool)] }),
  });
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info({ port, accounts: accounts.length }, 'newmedia listening');

  const stop = async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await subscription.stop();
    await worker.stop();
    await deliverer.stop();
    await bus.close();
    wechat.shutdown();
    await pool.end();
  };
  return { port, stop, store, pool, deliveries, wechat, metrics };
};

await runWhenMain(import.meta.url, () => startNewmedia());
