import { KafkaContainer } from '@testcontainers/kafka';
import { PostgreSqlContainer } from '@testcontainers/postgresql';
import { GenericContainer, Wait } from 'testcontainers';
import type { ResolvedServers } from './test-servers.js';

/** Where a Docker engine exists: the same servers as containers (Kafka KRaft, MinIO, PostgreSQL). */
export const startContainers = async (): Promise<ResolvedServers> => {
  const [kafka, minio, postgres] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0') // Kafka 3.9, as on loopback
      .withKraft()
      .start(),
    new GenericContainer('minio/minio:RELEASE.2025-04-22T22-12-26Z')
      .withCommand(['server', '/data'])
      .withEnvironment({ MINIO_ROOT_USER: 'local-access-key', MINIO_ROOT_PASSWORD: 'local-secret-key' })
      .withExposedPorts(9000)
      .withWaitStrategy(Wait.forHttp('/minio/health/ready', 9000))
      .start(),
    new PostgreSqlContainer('postgres:15').withUsername('postgres').withPassword('postgres').withDatabase('postgres').start(),
  ]);
  return {
    servers: {
      source: 'testcontainers',
      kafkaBrokers: [`${kafka.getHost()}:${kafka.getMappedPort(9093)}`],
      s3: {
        endpoint: `http://${minio.getHost()}:${minio.getMappedPort(9000)}`,
        region: 'us-east-1',
        accessKeyId: 'local-access-key',
        secretAccessKey: 'local-secret-key',
      },
      databaseUrl: postgres.getConnectionUri(),
    },
    teardown: async () => {
      await Promise.all([kafka.stop(), minio.stop(), postgres.stop()]);
    },
  };
};
