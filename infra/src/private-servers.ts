import { rm } from 'node:fs/promises';
import { freeServerPort } from './free-port.js';
import type { InfraEndpoints } from './index.js';
import type { ServerHandle } from './jvm-server.js';
import { kafkaServer } from './kafka-server.js';
import { dataDirOf } from './paths.js';
import { type PrivatePostgres, privatePostgres } from './private-postgres.js';
import { localCredentials, s3Server } from './s3-server.js';

/** Kafka, S3Proxy and PostgreSQL of one run alone: its own ports, its own data, so its faults touch nothing else. */
export interface PrivateServers {
  kafka: ServerHandle;
  s3: ServerHandle;
  postgres: PrivatePostgres;
  /** What the services of the run are told. */
  endpoints: InfraEndpoints;
  /** Stops all three and deletes their data. */
  destroy(): Promise<void>;
}

/**
 * Starts the three servers of a run named `id` (Kafka in KRaft mode, S3Proxy, a PostgreSQL cluster). Their ports are below
 * the ephemeral range: a server restarted mid-run finds its port still its own.
 */
export const startPrivateServers = async (id: string): Promise<PrivateServers> => {
  const [kafkaPort, controllerPort, s3Port, postgresPort] = await Promise.all([
    freeServerPort(),
    freeServerPort(),
    freeServerPort(),
    freeServerPort(),
  ]);
  const kafka = kafkaServer({ name: `kafka-${id}`, port: kafkaPort, controllerPort });
  const s3 = s3Server({ name: `s3-${id}`, port: s3Port });
  const postgres = privatePostgres({ name: `postgres-${id}`, port: postgresPort });
  const destroy = async () => {
    await Promise.allSettled([kafka.stop(), s3.stop(), postgres.destroy()]);
    await Promise.allSettled([`kafka-${id}`, `s3-${id}`].map((name) => rm(dataDirOf(name), { recursive: true, force: true })));
  };
  try {
    await Promise.all([kafka.start(), s3.start(), postgres.start()]);
  } catch (error) {
    await destroy();
    throw error;
  }
  return {
    kafka,
    s3,
    postgres,
    endpoints: {
      KAFKA_BROKERS: kafka.url,
      S3_ENDPOINT: s3.url,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: localCredentials.s3AccessKeyId,
      S3_SECRET_ACCESS_KEY: localCredentials.s3SecretAccessKey,
      DATABASE_URL: postgres.url,
    },
    destroy,
  };
};
