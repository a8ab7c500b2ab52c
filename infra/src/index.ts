/**
 * @tongyuan/infra: real Kafka (KRaft), S3Proxy and PostgreSQL on loopback, without Docker.
 * Jars come from Maven Central (see infra/kafka and infra/s3proxy); all state lives in <repo>/.local.
 */
import { kafkaServer } from './kafka-server.js';
import { postgresServer } from './postgres-server.js';
import { postgresAnswers } from './readiness.js';
import { localCredentials, s3Server } from './s3-server.js';

export { freePort, freeServerPort } from './free-port.js';
export type { ServerHandle } from './jvm-server.js';
export { type KafkaServerOptions, kafkaServer } from './kafka-server.js';
export { type PostgresServer, postgresServer } from './postgres-server.js';
export { type PrivatePostgres, type PrivatePostgresOptions, privatePostgres } from './private-postgres.js';
export { type PrivateServers, startPrivateServers } from './private-servers.js';
export { localCredentials, type S3ServerOptions, s3Server } from './s3-server.js';

/** What services read from the environment to find the infrastructure. */
export interface InfraEndpoints {
  KAFKA_BROKERS: string;
  S3_ENDPOINT: string;
  S3_ACCESS_KEY_ID: string;
  S3_SECRET_ACCESS_KEY: string;
  S3_REGION: string;
  DATABASE_URL: string;
}

/** Starts what is not already answering (Kafka and S3Proxy in parallel, PostgreSQL if down); safe to call again. */
export async function infraUp(): Promise<InfraEndpoints> {
  const kafka = kafkaServer();
  const s3 = s3Server();
  const postgres = postgresServer();
  const results = await Promise.allSettled([kafka.start(), s3.start(), postgres.ensureRunning()]);
  const failures = results.flatMap((result) =>
    result.status === 'rejected' ? [String(result.reason?.message ?? result.reason)] : [],
  );
  if (failures.length > 0) throw new Error(failures.join('\n\n'));
  return {
    KAFKA_BROKERS: kafka.url,
    S3_ENDPOINT: s3.url,
    S3_ACCESS_KEY_ID: localCredentials.s3AccessKeyId,
    S3_SECRET_ACCESS_KEY: localCredentials.s3SecretAccessKey,
    S3_REGION: 'us-east-1',
    DATABASE_URL: postgres.url,
  };
}

/** Stops the Kafka and S3Proxy this checkout started; the machine's PostgreSQL keeps running. */
export async function infraDown(): Promise<void> {
  await Promise.all([kafkaServer().stop(), s3Server().stop()]);
}

/** 'up' when the server answers a real request. */
export async function infraStatus(): Promise<Record<string, 'up' | 'down'>> {
  const [kafka, s3, pg] = await Promise.all([
    kafkaServer().isRunning(),
    s3Server().isRunning(),
    postgresAnswers(postgresServer().url),
  ]);
  const state = (answers: boolean) => (answers ? 'up' : 'down');
  return { kafka: state(kafka), s3: state(s3), postgres: state(pg) };
}
