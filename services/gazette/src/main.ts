import { fileURLToPath } from 'node:url';
import { KafkaBus } from '@tongyuan/bus';
import { runWhenMain } from '@tongyuan/config';
import { allTopics } from '@tongyuan/contracts';
import { createPool, ensureDatabase, migrate, sqlFilesIn } from '@tongyuan/database';
import { bearerAuthenticator, createHttpServer, loadApiUsers } from '@tongyuan/http';
import { createLogger } from '@tongyuan/logger';
import { S3ObjectStore, s3StoreOptionsFrom } from '@tongyuan/object-store';
import { brokerCheck, databaseCheck, healthEndpoints, ServiceMetrics, storeCheck } from '@tongyuan/observability';
import { CandidateFiling } from './candidates/candidate-filing.js';
import { consumeContentPublished } from './content-published.consumer.js';
import { deliveryReporter } from './delivery/delivery-reporter.js';
import { archivistDesk } from './desk/archivist-desk.js';
import { loadEnv } from './env.js';
import { importHistoricalIssues } from './history/historical-import.js';
import { gazetteRoutes } from './http/gazette-routes.js';
import { createGazetteServer } from './http/gazette-server.js';
import { IssueWorkflow } from './issues/issue-workflow.js';
import { ArchivePublisher } from './publishing/archive-publisher.js';
import { IssuePublisher } from './publishing/issue-publisher.js';

/** Wires the gazette: content.published → candidates (PostgreSQL); archivists' API and desk → issues in S3; the archive. */
export const startGazette = async (env = loadEnv()) => {
  const logger = createLogger({ service: 'gazette', level: env.LOG_LEVEL });
  await ensureDatabase(env.DATABASE_URL);
  const pool = createPool(env.DATABASE_URL);
  await migrate(pool, await sqlFilesIn(fileURLToPath(new URL('../migrations', import.meta.url))));

  const store = new S3ObjectStore(s3StoreOptionsFrom(env, env.GAZETTE_BUCKET));
  await store.ensureBucket();
  const metrics = new ServiceMetrics('gazette');
  const bus = new KafkaBus({
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID ?? 'gazette',
    logger,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    metrics: metrics.bus,
  });
  await bus.ensureTopics(allTopics);
  const report = deliveryReporter(bus);

  const archive = new ArchivePublisher({ pool, store, gazetteTitle: env.GAZETTE_TITLE });
  // The archive exists before the first issue (an empty index, not a 404); unchanged pages are not written again.
  await archive.publish();
  const publisher = new IssuePublisher({
    pool,
    store,
    archive,
    gazetteTitle: env.GAZETTE_TITLE,
    portalBaseUrl: env.PORTAL_BASE_URL,
    logger,
    metrics,
  });
  const workflow = new IssueWorkflow(pool, publisher, report);
  const importHistory: Parameters<typeof gazetteRoutes>[0]['importHistory'] = async (actor, folder) => {
    const result = await importHistoricalIssues(
      { pool, store, pdfTimeoutMs: env.PDFTOTEXT_TIMEOUT_MS, totalOffset: env.TOTAL_ISSUE_OFFSET },
      actor,
      folder,
    );
    if (result.imported.length > 0) await archive.publish();
    return result;
  };

  const authenticate = bearerAuthenticator(loadApiUsers(env.API_USERS_FILE));
  const api = createHttpServer({
    routes: gazetteRoutes({ pool, workflow, importHistory }),
    authenticate,
    logger,
    // A historical import carries its PDFs in the body.
    maxBodyBytes: 256 * 1024 * 1024,
  });
  const server = createGazetteServer({
    api,
    desk: archivistDesk({ pool, store, workflow, authenticate }),
    store,
    pool,
    logger,
    intercept: healthEndpoints({ metrics, checks: [brokerCheck(bus), storeCheck(store), databaseCheck(pool)] }),
  });
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info({ port }, 'gazette listening');

  const filing = new CandidateFiling({
    pool,
    kinds: env.GAZETTE_KINDS,
    totalOffset: env.TOTAL_ISSUE_OFFSET,
    portalBaseUrl: env.PORTAL_BASE_URL,
  });
  const subscription = await consumeContentPublished(bus, filing, report, {
    groupId: env.GAZETTE_GROUP_ID ?? `${env.KAFKA_TOPIC_PREFIX}gazette`,
    logger,
  });

  const stop = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await subscription.stop();
    await bus.close();
    await pool.end();
  };
  return { port, stop, pool, store, filing, workflow, publisher, archive, importHistory };
};

await runWhenMain(import.meta.url, () => startGazette());
