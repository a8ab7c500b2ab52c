// The editorial service running in-process against the real PostgreSQL and Kafka, and an HTTP client per staff member.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DraftContent } from '@tongyuan/contracts';
import { issueTokens } from '@tongyuan/http';
import { freshDatabaseUrl, integrationTest, type TestServers, uniqueName } from '@tongyuan/testing';
import { loadEnv } from './env.js';
import { startEditorial } from './main.js';
import { type StaffMember, staff } from './staff.fixture.js';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

export interface ApiClient {
  get<T = any>(path: string): Promise<ApiAnswer<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiAnswer<T>>;
  put<T = any>(path: string, body: unknown): Promise<ApiAnswer<T>>;
}

export const apiClient = (baseUrl: string, token: string | undefined): ApiClient => {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    get: (path) => call('GET', path),
    post: (path, body, headers) => call('POST', path, body, headers),
    put: (path, body) => call('PUT', path, body),
  };
};

export interface EditorialHarness {
  baseUrl: string;
  /** Put before every topic name this service uses. */
  topicPrefix: string;
  /** The cluster name of a catalogue topic, for reading it from outside. */
  topic(name: string): string;
  databaseUrl: string;
  usersFile: string;
  as(member: StaffMember): ApiClient;
  /** The bearer token of a staff member, for clients other than `as` (the CLI). */
  tokenOf(member: StaffMember): string;
  anonymous: ApiClient;
  /** Counts of what a release writes, to prove a refusal wrote nothing. */
  counts(): Promise<{ revisions: number; outbox: number }>;
  stop(): Promise<void>;
}

export const writeStaffUsers = async (): Promise<{ usersFile: string; tokens: Record<string, string> }> => {
  const { users, tokens } = issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));
  const usersFile = join(await mkdtemp(join(tmpdir(), 'editorial-users-')), 'api-users.json');
  await writeFile(usersFile, JSON.stringify(users));
  return { usersFile, tokens };
};

export const editorialEnvironment = (
  servers: TestServers,
  databaseUrl: string,
  usersFile: string,
  topicPrefix: string,
): NodeJS.ProcessEnv => ({
  KAFKA_BROKERS: servers.kafkaBrokers.join(','),
  KAFKA_TOPIC_PREFIX: topicPrefix,
  DATABASE_URL: databaseUrl,
  API_USERS_FILE: usersFile,
  PORT: '0',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  OUTBOX_POLL_MS: '200',
});

export const startEditorialHarness = async (servers: TestServers): Promise<EditorialHarness> => {
  const databaseUrl = await freshDatabaseUrl(servers, 'editorial');
  const { usersFile, tokens } = await writeStaffUsers();
  // Topics of its own: the documents tests release never reach a portal started later on the same cluster.
  const topicPrefix = `${uniqueName('t')}.`;
  const service = await startEditorial(loadEnv(editorialEnvironment(servers, databaseUrl, usersFile, topicPrefix)));
  const baseUrl = `http://127.0.0.1:${service.port}`;
  return {
    baseUrl,
    databaseUrl,
    topicPrefix,
    topic: (name) => `${topicPrefix}${name}`,
    usersFile,
    as: (member) => apiClient(baseUrl, tokens[staff[member].id]),
    tokenOf: (member) => tokens[staff[member].id] ?? '',
    anonymous: apiClient(baseUrl, undefined),
    counts: async () => {
      const { rows } = await service.pool.query(
        'select (select count(*)::int from revisions) as revisions, (select count(*)::int from outbox) as outbox',
      );
      return rows[0];
    },
    stop: service.stop,
  };
};

export const editorialTest = integrationTest.extend<{ editorial: EditorialHarness }>({
  // One service per test file: its tests use documents of their own, and start-up is paid once.
  editorial: [
    async ({ servers }, use) => {
      const harness = await startEditorialHarness(servers);
      await use(harness);
      await harness.stop();
    },
    { scope: 'file' },
  ],
});

/** Draft → 三审 by three people → 保密审查: the path every release takes. Returns the document id. */
export const draftAndReview = async (editorial: Pick<EditorialHarness, 'as'>, content: DraftContent): Promise<string> => {
  const created = await editorial.as('editor').post('/v1/documents', { content });
  if (created.status !== 201) throw new Error(`create failed: ${JSON.stringify(created.body)}`);
  const id: string = created.body.documentId;
  await approveDraft(editorial, id);
  return id;
};

export const approveDraft = async (editorial: Pick<EditorialHarness, 'as'>, id: string): Promise<void> => {
  for (const [member, stage] of [
    ['officeHead', '自审'],
    ['leader', '审核'],
    ['principal', '批审'],
  ] as const) {
    const answer = await editorial
      .as(member)
      .post(`/v1/documents/${id}/draft/reviews`, { stage, decision: 'approved', comment: null });
    if (answer.status !== 200) throw new Error(`${stage} failed: ${JSON.stringify(answer.body)}`);
  }
  const cleared = await editorial
    .as('confidentiality')
    .post(`/v1/documents/${id}/draft/confidentiality-review`, { conclusion: '不涉密', comment: null });
  if (cleared.status !== 200) throw new Error(`保密审查 failed: ${JSON.stringify(cleared.body)}`);
};

let keySerial = 0;
const nextIdempotencyKey = (): string => {
  keySerial += 1;
  return `publish-${process.pid}-${Date.now()}-${keySerial}`;
};
export const publish = (editorial: Pick<EditorialHarness, 'as'>, id: string, key = nextIdempotencyKey()) =>
  editorial.as('editor').post(`/v1/documents/${id}/publish`, undefined, { 'idempotency-key': key });
