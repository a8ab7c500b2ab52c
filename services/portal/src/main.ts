import { fileURLToPath } from 'node:url';
import { KafkaBus } from '@tongyuan/bus';
import { runWhenMain } from '@tongyuan/config';
import { allTopics } from '@tongyuan/contracts';
import { createPool, ensureDatabase, migrate, sqlFilesIn } from '@tongyuan/database';
import { createLogger } from '@tongyuan/logger';
import { S3ObjectStore, s3StoreOptionsFrom } from '@tongyuan/object-store';
import { brokerCheck, databaseCheck, healthEndpoints, ServiceMetrics, storeCheck } from '@tongyuan/observability';
import { siteAssets } from '@tongyuan/portal-site';
import { consumeContentPublished } from './content-published.consumer.js';
import { loadEnv } from './env.js';
import { SitePublisher } from './site/site-publisher.js';
import { createSiteViewer } from './viewer/site-viewer.js';

/** Wires the portal: content.published → SitePublisher (PostgreSQL state, S3 objects) → delivery.status; and the viewer. */
export const startPortal = async (env = loadEnv()) => {
  const logger = createLogger({ service: 'portal', level: env.LOG_LEVEL });
  const metrics = new ServiceMetrics('portal');
  await ensureDatabase(env.DATABASE_URL);
  const pool = createPool(env.DATABASE_URL);
  await migrate(pool, await sqlFilesIn(fileURLToPath(new URL('../migrations', import.meta.url))));

  const store = new S3ObjectStore(s3StoreOptionsFrom(env, env.PORTAL_BUCKET));
  await store.ensureBucket();
  const config = { siteId: env.SITE_ID, title: env.SITE_TITLE, baseUrl: env.SITE_BASE_URL, pageSize: env.PAGE_SIZE };
  // Read only: editors upload originals there; the site gets the checked, resized copies.
  const assets = new S3ObjectStore(s3StoreOptionsFrom(env, env.ASSETS_BUCKET));
  const publisher = new SitePublisher({ pool, store, assets, prefix: env.PORTAL_PREFIX, config });
  // Assets are part of the site whatever documents it holds.
  for (const asset of siteAssets()) {
    await store.putIfChanged(`${env.PORTAL_PREFIX}${asset.path}`, asset.body, {
      contentType: asset.contentType,
      cacheControl: 'public, max-age=300',
    });
  }

  const bus = new KafkaBus({
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID ?? `portal-${env.SITE_ID}`,
    logger,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    metrics: metrics.bus,
  });
  await bus.ensureTopics(allTopics);
  const subscription = await consumeContentPublished(bus, publisher, {
    groupId: env.PORTAL_GROUP_ID ?? `portal-${env.SITE_ID}`,
    siteId: env.SITE_ID,
    logger,
  });

  const viewer = createSiteViewer({
    store,
    prefix: env.PORTAL_PREFIX,
    pool,
    config,
    navigation: () => publisher.navigation(),
    logger,
    intercept: healthEndpoints({ metrics, checks: [brokerCheck(bus), storeCheck(store), databaseCheck(pool)] }),
  });
  await new Promise<void>((resolve) => viewer.listen(env.PORT, env.HOST, resolve));
  const address = viewer.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info({ port }, 'portal viewer listening');

  const stop = async () => {
    await new Promise<void>((resolve) => viewer.close(() => resolve()));
    await subscription.stop();
    await bus.close();
    await pool.end();
  };
  return { port, stop, publisher, store, pool, metrics };
};

await runWhenMain(import.meta.url, () => startPortal());
