import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { topics } from '@tongyuan/contracts';
import { freePort, freshDatabaseUrl, keyedBy, readTopic, integrationTest as test, uniqueName, waitFor } from '@tongyuan/testing';
import pg from 'pg';
import { describe, expect } from 'vitest';
import { apiClient, draftAndReview, editorialEnvironment, publish, writeStaffUsers } from './editorial.fixture.js';
import { noticeDraft } from './sample-documents.fixture.js';
import { type StaffMember, staff } from './staff.fixture.js';

const mainFile = fileURLToPath(new URL('./main.ts', import.meta.url));

/** The service as its own process, as in production: killing it kills everything it had in memory. */
const startProcess = async (env: NodeJS.ProcessEnv, baseUrl: string): Promise<ChildProcess> => {
  const child = spawn(process.execPath, ['--import', 'tsx', mainFile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`service exited: ${stderr}`);
      return (await fetch(`${baseUrl}/healthz`)).ok;
    },
    { what: 'the editorial service to answer', timeoutMs: 60_000, intervalMs: 200 },
  );
  return child;
};

describe('the transactional outbox across a crash', () => {
  test('killing the service between the database commit and the Kafka send, then restarting: the event is delivered once', {
    timeout: 180_000,
  }, async ({ servers }) => {
    const databaseUrl = await freshDatabaseUrl(servers, 'editorial_crash');
    const topicPrefix = `${uniqueName('t')}.`;
    const publishedTopic = `${topicPrefix}${topics.contentPublished.name}`;
    const { usersFile, tokens } = await writeStaffUsers();
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = {
      ...process.env,
      ...editorialEnvironment(servers, databaseUrl, usersFile, topicPrefix),
      PORT: String(port),
      OUTBOX_POLL_MS: '200',
    };
    const client = { as: (member: StaffMember) => apiClient(baseUrl, tokens[staff[member].id]) };

    const doomed = await startProcess({ ...env, FAULT_INJECTION: 'exit-after-commit' }, baseUrl);
    const id = await draftAndReview(client, noticeDraft('本次检查覆盖全区各部门。'));
    const exited = once(doomed, 'exit');
    await expect(publish(client, id, 'crash-key-0001')).rejects.toThrow(); // the process dies before it can answer
    const [, signal] = await exited;
    expect(signal).toBe('SIGKILL');

    // Committed, not sent: the revision and its outbox row exist, Kafka has heard nothing.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query(
        'select (select count(*)::int from revisions) as revisions, (select count(*)::int from outbox where sent_at is null) as unsent',
      );
      expect(rows[0]).toEqual({ revisions: 1, unsent: 1 });
    } finally {
      await db.end();
    }
    const filter = keyedBy(id);
    expect(await readTopic(servers.kafkaBrokers, publishedTopic, { count: 1, filter, timeoutMs: 3_000 })).toEqual([]);

    const restarted = await startProcess(env, baseUrl);
    try {
      const events = await readTopic(servers.kafkaBrokers, publishedTopic, {
        count: 1,
        filter,
        timeoutMs: 30_000,
        settleMs: 3_000,
      });
      expect(events).toHaveLength(1);
      expect(JSON.parse(events[0]?.value?.toString() ?? '').revision).toMatchObject({ documentId: id, revision: 1 });

      // The editor's retry after the crash gets the first answer; still one event.
      const retry = await publish(client, id, 'crash-key-0001');
      expect(retry.status).toBe(201);
      expect(retry.body.released[0]).toMatchObject({ documentId: id, revision: 1 });
      expect(await readTopic(servers.kafkaBrokers, publishedTopic, { count: 2, filter, timeoutMs: 3_000 })).toHaveLength(1);
    } finally {
      restarted.kill('SIGTERM');
      await once(restarted, 'exit');
    }
  });
});
