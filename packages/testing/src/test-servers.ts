import { execFileSync } from 'node:child_process';

/** The real servers a test run talks to, wherever they came from. */
export interface TestServers {
  source: 'env' | 'infra' | 'testcontainers';
  kafkaBrokers: string[];
  s3: { endpoint: string; region: string; accessKeyId: string; secretAccessKey: string };
  /** A URL to the server's maintenance database; tests create their own databases from it. */
  databaseUrl: string;
}

export interface ResolvedServers {
  servers: TestServers;
  /** Stops what this run started (containers); local infra servers are left running for the next run. */
  teardown(): Promise<void>;
}

const has = (command: string, args: string[]): boolean => {
  try {
    execFileSync(command, args, { stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
};

/** Env-provided servers first, then the project's infra scripts (Java), then testcontainers (Docker). */
export const resolveServers = async (env: NodeJS.ProcessEnv = process.env): Promise<ResolvedServers> => {
  if (env.KAFKA_BROKERS && env.S3_ENDPOINT && env.DATABASE_URL) {
    return {
      servers: {
        source: 'env',
        kafkaBrokers: env.KAFKA_BROKERS.split(',').map((broker) => broker.trim()),
        s3: {
          endpoint: env.S3_ENDPOINT,
          region: env.S3_REGION ?? 'us-east-1',
          accessKeyId: env.S3_ACCESS_KEY_ID ?? '',
          secretAccessKey: env.S3_SECRET_ACCESS_KEY ?? '',
        },
        databaseUrl: env.DATABASE_URL,
      },
      teardown: async () => {},
    };
  }
  if (env.TEST_SERVERS !== 'testcontainers' && has('java', ['-version']) && has('mvn', ['-v'])) {
    const { infraUp } = await import('@tongyuan/infra');
    const endpoints = await infraUp();
    return {
      servers: {
        source: 'infra',
        kafkaBrokers: endpoints.KAFKA_BROKERS.split(','),
        s3: {
          endpoint: endpoints.S3_ENDPOINT,
          region: endpoints.S3_REGION,
          accessKeyId: endpoints.S3_ACCESS_KEY_ID,
          secretAccessKey: endpoints.S3_SECRET_ACCESS_KEY,
        },
        databaseUrl: endpoints.DATABASE_URL,
      },
      teardown: async () => {},
    };
  }
  if (has('docker', ['info'])) {
    const { startContainers } = await import('./containers.js');
    return startContainers();
  }
  throw new Error(
    'no servers for the tests: set KAFKA_BROKERS, S3_ENDPOINT and DATABASE_URL, or install Java 17 + Maven (npm run infra:up), or run a Docker engine',
  );
};
