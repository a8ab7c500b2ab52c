import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { privatePostgres } from './private-postgres.js';

const serverInstalled =
  existsSync('/usr/lib/postgresql') &&
  (() => {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

const query = async (url: string, sql: string) => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
};

// A cluster of its own, so crashing it disturbs none of the tests that share the machine's server.
describe.runIf(serverInstalled)('a private PostgreSQL cluster', () => {
  const server = privatePostgres({ name: 'postgres-private-test', port: 15439 });
  afterAll(() => server.destroy(), 60_000);

  it('keeps committed rows across an immediate (crash) shutdown and a restart', { timeout: 120_000 }, async () => {
    await server.start();
    await server.start(); // a second start finds it running
    await query(server.url, 'create table if not exists kept (n int); insert into kept values (42)');
    await server.kill();
    expect(await server.isRunning()).toBe(false);
    await server.start();
    expect(await query(server.url, 'select n from kept')).toEqual([{ n: 42 }]);
  });
});
