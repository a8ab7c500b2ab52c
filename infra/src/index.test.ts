import { describe, expect, it } from 'vitest';
import { infraStatus, infraUp, kafkaServer, s3Server } from './index.js';

// The first run on a machine copies jars from Maven Central, which can take minutes.
const firstStartTimeout = 600_000;

describe('infraUp', () => {
  it(
    'is idempotent: a second call finds the running servers instead of starting new ones',
    async () => {
      const first = await infraUp();
      const pids = { kafka: kafkaServer().pid(), s3: s3Server().pid() };

      const startedAt = performance.now();
      const second = await infraUp();
      const elapsedMs = performance.now() - startedAt;

      expect(second).toEqual(first);
      expect({ kafka: kafkaServer().pid(), s3: s3Server().pid() }).toEqual(pids);
      expect(elapsedMs).toBeLessThan(5_000);
      expect(await infraStatus()).toEqual({ kafka: 'up', s3: 'up', postgres: 'up' });
    },
    firstStartTimeout,
  );

  it(
    'hands services the endpoints they read from the environment',
    async () => {
      const endpoints = await infraUp();
      expect(endpoints).toMatchObject({
        KAFKA_BROKERS: kafkaServer().url,
        S3_ENDPOINT: s3Server().url,
        S3_ACCESS_KEY_ID: 'local-access-key',
        S3_SECRET_ACCESS_KEY: 'local-secret-key',
        S3_REGION: 'us-east-1',
      });
      expect(endpoints.DATABASE_URL).toMatch(/^postgres(ql)?:\/\//);
    },
    firstStartTimeout,
  );
});
