import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { integrationTest as test } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { migrate, sqlFilesIn, withTransaction } from './index.js';

describe('database against the real PostgreSQL', () => {
  test('answers a query', async ({ database }) => {
    const { rows } = await database.pool.query<{ answer: number }>('select 1 as answer');
    expect(rows).toEqual([{ answer: 1 }]);
  });

  test('applies migrations once, in order', async ({ database }) => {
    const folder = await mkdtemp(join(tmpdir(), 'migrations-'));
    await writeFile(join(folder, '001_a.sql'), 'create table a (id int primary key);');
    await writeFile(join(folder, '002_b.sql'), 'insert into a values (1), (2);');
    expect(await migrate(database.pool, await sqlFilesIn(folder))).toEqual(['001_a.sql', '002_b.sql']);
    expect(await migrate(database.pool, await sqlFilesIn(folder))).toEqual([]);
    const { rows } = await database.pool.query('select count(*)::int as n from a');
    expect(rows[0]).toEqual({ n: 2 });
  });

  test('a failing transaction leaves nothing behind', async ({ database }) => {
    await database.pool.query('create table t (id int primary key)');
    await expect(
      withTransaction(database.pool, async (client) => {
        await client.query('insert into t values (1)');
        await client.query('insert into t values (1)');
      }),
    ).rejects.toMatchObject({ code: '23505' });
    const { rows } = await database.pool.query('select count(*)::int as n from t');
    expect(rows[0]).toEqual({ n: 0 });
  });
});
