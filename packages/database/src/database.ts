import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { UnavailableError } from '@tongyuan/errors';
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export const createPool = (connectionString: string, max = 10): Pool => {
  const pool = new pg.Pool({ connectionString, max });
  // A client losing its connection (a database restart) must not crash the process, idle or checked out: its next query
  // fails, the caller's error handling takes over, and releasing it with the error discards it from the pool.
  pool.on('error', () => {});
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  return pool;
};

/** Runs fn in one transaction: committed if it returns, rolled back if it throws. */
export const withTransaction = async <T>(pool: Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> => {
  const client = await pool.connect().catch((error: unknown) => {
    throw new UnavailableError('database unavailable', { code: 'database_unavailable', cause: error });
  });
  let failure: Error | undefined;
  try {
    await client.query('begin');
    const result = await fn(client);
    await client.query('commit');
    return result;
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    // A failed transaction may have lost its connection: discard that client rather than lend it out again.
    client.release(failure);
  }
};

/** Creates the database named in `url` if it is missing, connecting to the server's `postgres` database to do it. */
export const ensureDatabase = async (url: string): Promise<void> => {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) {
      await client.query(`create database "${name.replaceAll('"', '""')}"`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error; // created meanwhile by a concurrent boot
      });
    }
  } finally {
    await client.end();
  }
};

/** The *.sql files of a folder, in name order. */
export const sqlFilesIn = async (folder: string): Promise<string[]> =>
  (await readdir(folder))
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => join(folder, file));

/** Applies SQL files in the order given, each once (by file name), under an advisory lock so concurrent boots do not race. */
export const migrate = async (pool: Pool, files: readonly string[]): Promise<string[]> => {
  const applied: string[] = [];
  await withTransaction(pool, async (client) => {
    await client.query('select pg_advisory_xact_lock(74657)');
    await client.query(
      'create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())',
    );
    const done = new Set((await client.query<{ id: string }>('select id from schema_migrations')).rows.map((row) => row.id));
    for (const file of files) {
      const id = basename(file);
      if (done.has(id)) continue;
      await client.query(await readFile(file, 'utf8'));
      await client.query('insert into schema_migrations (id) values ($1)', [id]);
      applied.push(id);
    }
  });
  return applied;
};
