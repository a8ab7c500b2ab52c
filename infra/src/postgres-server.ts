import { readdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { runCommand } from './processes.js';
import { postgresAnswers } from './readiness.js';

export interface PostgresServer {
  /** Server URL (the `postgres` maintenance database); DATABASE_URL overrides it. */
  url: string;
  /** Probes with `select 1`; starts the machine's Debian cluster if it does not answer. */
  ensureRunning(): Promise<void>;
  /** Creates the database if missing and returns its connection URL. */
  ensureDatabase(name: string): Promise<string>;
}

const defaultUrl = 'postgres://postgres@127.0.0.1:5432/postgres';
const localHosts = new Set(['127.0.0.1', 'localhost', '[::1]', '']);

/** The machine's PostgreSQL (trust auth on loopback); this project never installs or stops it. */
export function postgresServer(): PostgresServer {
  const url = process.env.DATABASE_URL || defaultUrl;

  const ensureRunning = async (): Promise<void> => {
    if (await postgresAnswers(url)) return;
    if (!localHosts.has(new URL(url).hostname)) throw new Error(`PostgreSQL at ${redacted(url)} does not answer select 1`);
    await startDebianCluster();
    const deadline = Date.now() + 30_000;
    while (!(await postgresAnswers(url))) {
      if (Date.now() > deadline)
        throw new Error(`PostgreSQL was started with pg_ctlcluster but ${redacted(url)} still does not answer select 1`);
      await sleep(250);
    }
  };

  const ensureDatabase = async (name: string): Promise<string> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
    await client.connect();
    try {
      const found = await client.query('select 1 from pg_database where datname = $1', [name]);
      if (found.rowCount === 0) {
        // Identifiers cannot be bound as parameters, so quote it; a racing creator is fine.
        await client.query(`create database "${name.replaceAll('"', '""')}"`).catch((error: { code?: string }) => {
          if (error.code !== '42P04' && error.code !== '23505') throw error;
        });
      }
    } finally {
      await client.end();
    }
    const databaseUrl = new URL(url);
    databaseUrl.pathname = `/${encodeURIComponent(name)}`;
    return databaseUrl.toString();
  };

  return { url, ensureRunning, ensureDatabase };
}

/** Starts Debian's `main` cluster of the newest installed major version. */
async function startDebianCluster(): Promise<void> {
  const versions = (await readdir('/etc/postgresql').catch(() => [] as string[]))
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  const version = versions[0];
  if (version === undefined)
    throw new Error('PostgreSQL does not answer on 127.0.0.1:5432 and no cluster is configured under /etc/postgresql');
  await runCommand(
    'pg_ctlcluster',
    ['--skip-systemctl-redirect', version, 'main', 'start'],
    'install postgresql-common (Debian: apt-get install postgresql)',
  );
}

/** The URL without its password, for messages and tables. */
export function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
