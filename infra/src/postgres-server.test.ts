import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { postgresServer } from './postgres-server.js';

// A name that needs identifier quoting and URL encoding, to prove both.
const databaseName = 'infra probe "quoted"-db';

describe('postgresServer', () => {
  const server = postgresServer();

  afterAll(async () => {
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(`drop database if exists "${databaseName.replaceAll('"', '""')}"`);
    await admin.end();
  });

  it('ensureDatabase creates a missing database, is idempotent, and returns a working URL', async () => {
    await server.ensureRunning();
    const url = await server.ensureDatabase(databaseName);
    expect(await server.ensureDatabase(databaseName)).toBe(url);

    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const result = await client.query<{ db: string; one: number }>('select current_database() as db, 1 as one');
      expect(result.rows[0]).toEqual({ db: databaseName, one: 1 });
    } finally {
      await client.end();
    }
  }, 120_000);
});
