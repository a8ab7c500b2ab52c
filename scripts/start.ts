// `npm start`: real servers on loopback, every service as its own process, the sample documents published, the URLs printed.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { draftFromPlainDocument, PlainDocument } from '@tongyuan/contracts';
import { issueTokens } from '@tongyuan/http';
import { infraUp } from '@tongyuan/infra';
import { staff } from '../services/editorial/src/staff.fixture.ts';

const root = fileURLToPath(new URL('../', import.meta.url));
const local = join(root, '.local');
const secrets = join(local, 'secrets');

/** Demo users: token hashes for the services, the tokens themselves in .local/secrets/tokens.json (git-ignored). */
const ensureDemoUsers = async (): Promise<Record<string, string>> => {
  const tokensFile = join(secrets, 'tokens.json');
  if (existsSync(tokensFile)) return JSON.parse(await readFile(tokensFile, 'utf8'));
  await mkdir(secrets, { recursive: true, mode: 0o700 });
  const { users, tokens } = issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));
  await writeFile(join(secrets, 'api-users.json'), JSON.stringify(users, null, 2), { mode: 0o600 });
  await writeFile(tokensFile, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return tokens;
};

interface ServiceSpec {
  name: string;
  port: number;
  env: Record<string, string>;
}

const startService = async ({ name, port, env }: ServiceSpec, base: Record<string, string>): Promise<ChildProcess> => {
  await mkdir(join(local, 'logs'), { recursive: true });
  const log = createWriteStream(join(local, 'logs', `${name}.log`), { flags: 'a' });
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'services', name, 'src', 'main.ts')], {
    env: { ...process.env, ...base, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${name} exited during start; see .local/logs/${name}.log`);
    if (
      await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (response) => response.ok,
        () => false,
      )
    )
      return child;
    if (Date.now() > deadline) throw new Error(`${name} did not answer on port ${port}; see .local/logs/${name}.log`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
};

/** Publishes each sample once (a state file remembers which), the way editors and reviewers would through the API. */
const publishSamples = async (editorialUrl: string, tokens: Record<string, string>): Promise<string[]> => {
  const stateFile = join(local, 'state', 'samples.json');
  const published: Record<string, string> = existsSync(stateFile) ? JSON.parse(await readFile(stateFile, 'utf8')) : {};
  const call = async (
    who: keyof typeof staff,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const response = await fetch(`${editorialUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[staff[who].id]}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = (await response.json()) as { documentId: string; released: Array<{ documentId: string }> };
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const folder = join(root, 'samples', 'documents');
  const files = (await readdir(folder)).filter((file) => file.endsWith('.json')).sort();
  const created: Record<string, string> = {};
  const pending: string[] = [];
  // Policies first, then interpretations that name them: the two are released together by one publish.
  const raw = Object.fromEntries(
    await Promise.all(files.map(async (file) => [file, JSON.parse(await readFile(join(folder, file), 'utf8'))])),
  );
  const order = [...files].sort((a, b) => Number(Boolean(raw[a].interprets)) - Number(Boolean(raw[b].interprets)));
  for (const file of order) {
    if (published[file]) continue;
    const plain = PlainDocument.parse(raw[file]);
    const content = draftFromPlainDocument(plain, '11510300008589567Q');
    const policy = raw[file].interprets ? created[raw[file].interprets] : undefined;
    if (policy) content.related = [{ relation: 'interprets', documentId: policy, title: raw[raw[file].interprets].title }];
    const view = await call('editor', 'POST', '/v1/documents', { content });
    created[file] = view.documentId;
    for (const [who, stage] of [
      ['officeHead', '自审'],
      ['leader', '审核'],
      ['principal', '批审'],
    ] as const) {
      await call(who, 'POST', `/v1/documents/${view.documentId}/draft/reviews`, { stage, decision: 'approved', comment: null });
    }
    await call('confidentiality', 'POST', `/v1/documents/${view.documentId}/draft/confidentiality-review`, {
      conclusion: '不涉密',
      comment: null,
    });
    pending.push(file);
  }
  for (const file of pending) {
    if (published[file]) continue;
    const result = await call('editor', 'POST', `/v1/documents/${created[file]}/publish`, undefined, {
      'idempotency-key': `sample-${file}`,
    });
    for (const entry of result.released) {
      const releasedFile = Object.keys(created).find((name) => created[name] === entry.documentId);
      if (releasedFile) published[releasedFile] = entry.documentId;
    }
  }
  await mkdir(join(local, 'state'), { recursive: true });
  await writeFile(stateFile, JSON.stringify(published, null, 2));
  return Object.values(published);
};

const main = async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  console.log('starting Kafka, S3 and PostgreSQL on loopback…');
  const endpoints = await infraUp();
  const tokens = await ensureDemoUsers();
  const base = { ...endpoints, LOG_LEVEL: 'info' } as unknown as Record<string, string>;
  const databaseUrl = (name: string) => endpoints.DATABASE_URL.replace(/\/[^/]*$/, `/${name}`);

  const services: ServiceSpec[] = [
    {
      name: 'editorial',
      port: 8081,
      env: { DATABASE_URL: databaseUrl('editorial'), API_USERS_FILE: join(secrets, 'api-users.json') },
    },
    { name: 'portal', port: 8082, env: { DATABASE_URL: databaseUrl('portal'), SITE_BASE_URL: 'http://127.0.0.1:8082' } },
  ];
  const children: ChildProcess[] = [];
  const stop = () => {
    for (const child of children) child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const service of services) {
    children.push(await startService(service, base));
    console.log(`started ${service.name} on port ${service.port}`);
  }
  const published = await publishSamples('http://127.0.0.1:8081', tokens);

  console.log(`
tongyuan is running (${published.length} sample documents published to content.published).

  editors' API      http://127.0.0.1:8081/v1/documents      (OpenAPI: http://127.0.0.1:8081/v1/openapi.json)
  portal            http://127.0.0.1:8082/   (search: http://127.0.0.1:8082/search?q=政务公开)
  feed              not built yet (issue 5)
  gazette           not built yet (issue 6)
  ops console       not built yet (issue 7)

  Kafka             ${endpoints.KAFKA_BROKERS}   (kcat -b ${endpoints.KAFKA_BROKERS} -C -t content.published -e)
  S3                ${endpoints.S3_ENDPOINT}   (access key local-access-key)
  PostgreSQL        ${endpoints.DATABASE_URL}
  demo API tokens   .local/secrets/tokens.json (staff id → bearer token)
  logs              .local/logs/

Ctrl-C stops the services; npm run infra:down stops Kafka and S3.`);
  await Promise.all(children.map((child) => new Promise((resolve) => child.once('exit', resolve))));
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
