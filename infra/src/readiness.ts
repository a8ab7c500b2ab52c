import { setTimeout as sleep } from 'node:timers/promises';
import { ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { isAlive, logTail } from './processes.js';

/** Rejects if `work` has not settled after `ms`, so a half-open socket cannot hang a probe. */
async function withDeadline<T>(ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The cluster id from a real metadata answer (with at least one live broker), or undefined if Kafka does not answer. */
export async function kafkaClusterId(brokers: string, timeoutMs = 5_000): Promise<string | undefined> {
  const admin = new Kafka({
    clientId: 'tongyuan-infra-probe',
    brokers: [brokers],
    logLevel: logLevel.NOTHING, // a refused connection is an expected answer here, not an error to print
    connectionTimeout: 1_000,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  }).admin();
  try {
    const cluster = await withDeadline(
      timeoutMs,
      admin.connect().then(() => admin.describeCluster()),
    );
    return cluster.brokers.length > 0 ? cluster.clusterId : undefined;
  } catch {
    return undefined;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** True if the endpoint answers a signed ListBuckets, which proves auth and the backend, not just the port. */
export async function s3Answers(endpoint: string, credentials: S3Credentials, timeoutMs = 5_000): Promise<boolean> {
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials,
    maxAttempts: 1,
    // SDK >= 3.729 adds CRC32 checksum headers by default, which S3Proxy 3.x does not expect.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  try {
    await client.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(timeoutMs) });
    return true;
  } catch {
    return false;
  } finally {
    client.destroy();
  }
}

/** True if PostgreSQL at `url` runs `select 1`. */
export async function postgresAnswers(url: string, timeoutMs = 5_000): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => {}); // a dropped connection after the probe must not crash the caller
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export interface ReadinessWait {
  /** What is being waited for, for error messages, e.g. "kafka (127.0.0.1:9092)". */
  what: string;
  probe: () => Promise<boolean>;
  deadlineMs: number;
  /** The server process: if it exits, waiting stops at once. */
  pid: number;
  logFile: string;
  /** Where this start's output begins in the log, so the error shows this attempt only. */
  logOffset: number;
}

/** Polls `probe` until it answers; fails with the log tail if the process dies or the deadline passes. */
export async function waitUntilReady({ what, probe, deadlineMs, pid, logFile, logOffset }: ReadinessWait): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    if (await probe()) return;
    if (!isAlive(pid)) {
      throw new Error(`${what} exited before it answered. Last lines of ${logFile}:\n${await logTail(logFile, logOffset)}`);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what} did not answer within ${deadlineMs / 1000} s. Last lines of ${logFile}:\n${await logTail(logFile, logOffset)}`,
      );
    }
    await sleep(250);
  }
}
