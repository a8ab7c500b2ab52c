import { z } from 'zod';

const commaList = z
  .string()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .pipe(z.array(z.string().regex(/^[^:\s]+:\d+$/, 'expected host:port')).min(1));

/** Kafka: the event backbone. Same names against local or managed brokers. */
export const kafkaEnv = {
  /** Comma-separated host:port list of bootstrap brokers. */
  KAFKA_BROKERS: commaList.default(['127.0.0.1:9092']),
  /** Client id prefix, so broker logs say which service connected. */
  KAFKA_CLIENT_ID: z.string().min(1).optional(),
  /** Put before every topic name: isolates a tenant, an environment or a test run on a shared cluster. */
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only')
    .default(''),
};

/** S3-compatible storage for every rendered artifact. */
export const s3Env = {
  /** Endpoint of the S3 API; unset means AWS itself. */
  S3_ENDPOINT: z.url().optional(),
  S3_REGION: z.string().min(1).default('us-east-1'),
  /** Access key id; with S3_SECRET_ACCESS_KEY, or leave both unset for the default credential chain. */
  S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  /** Path-style addressing: needed by S3Proxy and MinIO. */
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false'])
    .default('true')
    .transform((value) => value === 'true'),
};

/** PostgreSQL for services that keep state of their own. */
export const databaseEnv = {
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'expected a postgres:// URL'),
};

/** Every service has these. */
export const serviceEnv = {
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
};

/** An HTTP port; 0 lets the OS choose (tests). */
export const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
