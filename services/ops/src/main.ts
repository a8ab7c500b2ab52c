import { fileURLToPath } from 'node:url';
import { KafkaBus } from '@tongyuan/bus';
import { runWhenMain } from '@tongyuan/config';
import { allTopics, deadLetterTopicOf } from '@tongyuan/contracts';
import { createPool, ensureDatabase, migrate, sqlFilesIn } from '@tongyuan/database';
import { bearerAuthenticator, loadApiUsers } from '@tongyuan/http';
import { createLogger } from '@tongyuan/logger';
import { S3ObjectStore, s3StoreOptionsFrom } from '@tongyuan/object-store';
import { brokerCheck, databaseCheck, healthEndpoints, ServiceMetrics, storeCheck } from '@tongyuan/observability';
import { SameSourceAudit } from './audit/same-source-audit.js';
import { wechatArticleReader } from './audit/wechat-article.reader.js';
import { createConsoleServer } from './console/console-server.js';
import { consumeDeadLetters, redrive } from './dead-letters/dead-letter-store.js';
import { loadEnv } from './env.js';
import { consumerLag } from './kafka/consumer-lag.js';
import { opsKafka } from './kafka/kafka-client.js';
import { consumeContentPublished } from './ledger/content-published.consumer.js';
import { consumeDeliveryStatus } from './ledger/delivery-status.consumer.js';
import { retryDelivery } from './ledger/retry-delivery.js';
import { OpsChecks } from './ops-checks.js';

/** Wires ops: delivery.status + content.published → ledger (PostgreSQL); dead letters → PG; audit + SLA loop; console. */
export const startOps = async (env = loadEnv()) => {
  const logger = createLogger({ service: 'ops', level: env.LOG_LEVEL });
  const metrics = new ServiceMetrics('ops');
  await ensureDatabase(env.DATABASE_URL);
  const pool = createPool(env.DATABASE_URL);
  await migrate(pool, await sqlFilesIn(fileURLToPath(new URL('../migrations', import.meta.url))));

  // Read only: ops never writes a channel's artifacts, it reads them back.
  const portalStore = new S3ObjectStore(s3StoreOptionsFrom(env, env.PORTAL_BUCKET));
  const newmediaStore = new S3ObjectStore(s3StoreOptionsFrom(env, env.NEWMEDIA_BUCKET));
  const gazetteStore = new S3ObjectStore(s3StoreOptionsFrom(env, env.GAZETTE_BUCKET));

  const clientId = env.KAFKA_CLIENT_ID ?? 'ops';
  const bus = new KafkaBus({
    brokers: env.KAFKA_BROKERS,
    clientId,
    logger,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    metrics: metrics.bus,
  });
  await bus.ensureTopics(allTopics);
  const kafka = opsKafka(env.KAFKA_BROKERS, clientId, logger);
  // One set of groups per database: the ledger lives there, so each copy of it reads every topic whole.
  const group = env.OPS_GROUP_ID ?? `ops-${new URL(env.DATABASE_URL).pathname.slice(1)}`;
  // Joined side by side: after a crash each join waits out the dead member's session, and one after another that is
  // three sessions before ops answers again.
  const subscriptions = await Promise.all([
    consumeContentPublished(bus, pool, { groupId: `${group}-revisions` }),
    consumeDeliveryStatus(bus, pool, { groupId: `${group}-ledger`, metrics }),
    consumeDeadLetters(kafka, pool, {
      groupId: `${group}-dead-letters`,
      topics: allTopics.map((topic) => bus.topicName(topic.deadLetterTopic)),
    }),
  ]);

  const policy = { slaSeconds: env.SLA_SECONDS, portalSites: env.PORTAL_SITES, gazetteKinds: env.GAZETTE_KINDS };
  const audit = new SameSourceAudit({
    pool,
    sources: {
      portal: { store: portalStore, prefix: env.PORTAL_PREFIX },
      newmedia: { store: newmediaStore },
      gazette: { store: gazetteStore },
    },
    slaSeconds: env.SLA_SECONDS,
    logger,
    sampleDocuments: env.AUDIT_SAMPLE_DOCUMENTS,
    readArticle:
      env.WECHAT_API_BASE_URL && env.ACCOUNT_SECRETS_FILE
        ? wechatArticleReader(env.WECHAT_API_BASE_URL, env.ACCOUNT_SECRETS_FILE, metrics)
        : undefined,
  });

  const watchedTopics = allTopics.flatMap((topic) => [bus.topicName(topic.name), bus.topicName(deadLetterTopicOf(topic.name))]);
  const lag = async () => {
    const lags = await consumerLag(kafka, watchedTopics);
    metrics.consumerLag.reset();
    for (const entry of lags) metrics.consumerLag.set({ group: entry.groupId, topic: entry.topic }, entry.lag);
    return lags;
  };
  const checks = new OpsChecks({ pool, audit, policy, metrics, logger, intervalMs: env.AUDIT_INTERVAL_MS, refreshLag: lag });

  const server = createConsoleServer({
    pool,
    authenticate: bearerAuthenticator(loadApiUsers(env.API_USERS_FILE)),
    logger,
    secureCookie: env.COOKIE_SECURE,
    slaSeconds: env.SLA_SECONDS,
    auditIntervalMs: env.AUDIT_INTERVAL_MS,
    intercept: healthEndpoints({
      metrics,
      checks: [
        brokerCheck(bus),
        // Other services' buckets: S3 answering "no such bucket" (nothing written yet) still means S3 is reachable.
        ...[portalStore, newmediaStore, gazetteStore].map((store) => storeCheck(store, { allowMissingBucket: true })),
        databaseCheck(pool),
      ],
    }),
    actions: {
      retry: (documentId, actor) => retryDelivery(pool, bus, documentId, actor),
      redrive: (id, actor) => redrive(pool, bus, id, actor),
      // An operator asking for an audit gets every page read again, not the verified-and-unchanged shortcut.
      runChecks: () => checks.run(true),
      lastRun: () => checks.lastRun(),
      consumerLag: lag,
      onTime: () => checks.onTime(),
    },
  });
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  checks.start();
  logger.info({ port }, 'ops console listening');

  const stop = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await checks.stop();
    for (const subscription of subscriptions) await subscription.stop();
    await bus.close();
    await pool.end();
  };
  return { port, stop, pool, bus, checks, metrics };
};

await runWhenMain(import.meta.url, () => startOps());
