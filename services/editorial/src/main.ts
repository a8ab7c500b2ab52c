import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { KafkaBus } from '@tongyuan/bus';
import { runWhenMain } from '@tongyuan/config';
import { allTopics } from '@tongyuan/contracts';
import { createPool, ensureDatabase, migrate, sqlFilesIn } from '@tongyuan/database';
import { bearerAuthenticator, createHttpServer, loadApiUsers } from '@tongyuan/http';
import { createLogger } from '@tongyuan/logger';
import { brokerCheck, databaseCheck, healthEndpoints, ServiceMetrics } from '@tongyuan/observability';
import { OutboxRelay, outboxSqlFile } from '@tongyuan/outbox';
import { defaultLexicon, WordingLexicon } from '@tongyuan/screening';
import { consumeDeliveryStatus, deliveriesOf } from './deliveries/delivery-status.consumer.js';
import { EditorialDesk } from './editorial-desk.js';
import { loadEnv } from './env.js';
import { editorialRoutes } from './http/editorial-routes.js';

/** Wires the editorial service: PostgreSQL (state + outbox) → HTTP API → outbox relay → Kafka. */
export const startEditorial = async (env = loadEnv()) => {
  const logger = createLogger({ service: 'editorial', level: env.LOG_LEVEL });
  const metrics = new ServiceMetrics('editorial');
  await ensureDatabase(env.DATABASE_URL);
  const pool = createPool(env.DATABASE_URL);
  await migrate(pool, [outboxSqlFile, ...(await sqlFilesIn(fileURLToPath(new URL('../migrations', import.meta.url))))]);

  const bus = new KafkaBus({
    brokers: env.KAFKA_BROKERS,
    clientId: env.KAFKA_CLIENT_ID ?? 'editorial',
    logger,
    topicPrefix: env.KAFKA_TOPIC_PREFIX,
    metrics: metrics.bus,
  });
  await bus.ensureTopics(allTopics);
  const relay = new OutboxRelay({ pool, bus, logger, pollIntervalMs: env.OUTBOX_POLL_MS });

  const lexicon = env.WORDING_LEXICON_FILE
    ? WordingLexicon.parse(JSON.parse(readFileSync(env.WORDING_LEXICON_FILE, 'utf8')))
    : defaultLexicon;
  const desk = new EditorialDesk({
    pool,
    bus,
    textPolicy: { lexicon, allowedEmailDomains: env.PUBLIC_EMAIL_DOMAINS },
    afterRelease: () => {
      if (env.FAULT_INJECTION === 'exit-after-commit') process.kill(process.pid, 'SIGKILL');
      relay.wake();
    },
  });
  const server = createHttpServer({
    routes: editorialRoutes(desk, { deliveries: (documentId) => deliveriesOf(pool, documentId) }),
    authenticate: bearerAuthenticator(loadApiUsers(env.API_USERS_FILE)),
    logger,
    intercept: healthEndpoints({ metrics, checks: [brokerCheck(bus), databaseCheck(pool)] }),
  });
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  relay.start();
  const deliveryView = await consumeDeliveryStatus(bus, pool, new URL(env.DATABASE_URL).pathname.slice(1));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  logger.info({ port }, 'editorial API listening');

  const stop = async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await deliveryView.stop();
    await relay.stop();
    await bus.close();
    await pool.end();
  };
  return { port, stop, relay, pool, metrics };
};

await runWhenMain(import.meta.url, () => startEditorial());
