// `npm start`: real servers on loopback, every service as its own process, the sample documents published, the URLs printed.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ApiUser, issueTokens } from '@tongyuan/http';
import { infraUp } from '@tongyuan/infra';
import { staff } from '../services/editorial/src/staff.fixture.ts';
import { Pipeline, repoRoot } from './pipeline.ts';
import { publishSamples, readSamples } from './publish-samples.ts';

const local = join(repoRoot, '.local');
const secrets = join(local, 'secrets');

/** Demo users: token hashes for the services, the tokens themselves in .local/secrets/tokens.json (git-ignored). */
const ensureDemoUsers = async (): Promise<{ users: ApiUser[]; tokens: Record<string, string> }> => {
  const usersFile = join(secrets, 'api-users.json');
  const tokensFile = join(secrets, 'tokens.json');
  if (existsSync(tokensFile) && existsSync(usersFile)) {
    const users: ApiUser[] = JSON.parse(await readFile(usersFile, 'utf8'));
    // A staff member added since the file was written gets a token of their own; the others keep theirs.
    if (Object.values(staff).every((person) => users.some((user) => user.id === person.id))) {
      return { users, tokens: JSON.parse(await readFile(tokensFile, 'utf8')) };
    }
  }
  await mkdir(secrets, { recursive: true, mode: 0o700 });
  const { users, tokens } = issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));
  await writeFile(usersFile, JSON.stringify(users, null, 2), { mode: 0o600 });
  await writeFile(tokensFile, JSON.stringify(tokens, null, 2), { mode: 0o600 });
  return { users, tokens };
};

/** Each sample is published once: a state file remembers which, so a second `npm start` publishes nothing new. */
const publishOnce = async (editorialUrl: string, tokens: Record<string, string>): Promise<string[]> => {
  const stateFile = join(local, 'state', 'samples.json');
  const before: Record<string, string> = existsSync(stateFile) ? JSON.parse(await readFile(stateFile, 'utf8')) : {};
  const after = await publishSamples(editorialUrl, tokens, await readSamples(join(repoRoot, 'samples', 'documents')), before);
  await mkdir(join(local, 'state'), { recursive: true });
  await writeFile(stateFile, JSON.stringify(after, null, 2));
  return Object.values(after);
};

/** The accounts of the sample matrix, for their feed URLs. */
const accountIds = async (): Promise<string[]> => {
  const matrix = JSON.parse(await readFile(join(repoRoot, 'services', 'newmedia', 'accounts.sample.json'), 'utf8'));
  return (matrix.accounts as Array<{ id: string; enabled: boolean }>).filter((a) => a.enabled).map((a) => a.id);
};

const main = async () => {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  console.log('starting Kafka, S3 and PostgreSQL on loopback…');
  const endpoints = await infraUp();
  const { users, tokens } = await ensureDemoUsers();
  const pipeline = new Pipeline({ endpoints, users, workDir: local });
  const stop = () => void pipeline.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (const name of pipeline.services) {
    await pipeline.startService(name);
    console.log(`started ${name} on ${pipeline.url(name)}`);
  }
  const published = await publishOnce(pipeline.url('editorial'), tokens);

  const accounts = await accountIds();
  console.log(`
tongyuan is running (${published.length} sample documents published to content.published).

  editors' API      ${pipeline.url('editorial')}/v1/documents      (OpenAPI: ${pipeline.url('editorial')}/v1/openapi.json)
  portal            ${pipeline.url('portal')}/   (search: ${pipeline.url('portal')}/search?q=政务公开)
  feeds             ${accounts.map((id) => `${pipeline.url('newmedia')}/accounts/${id}/feed.json`).join('\n                    ')}
  WeChat (fake)     ${pipeline.url('wechat-fake')}/_fake/stats   (what the accounts received)
  gazette           ${pipeline.url('gazette')}/archive/   (archivists' desk: ${pipeline.url('gazette')}/desk, search: ${pipeline.url('gazette')}/search)
  ops console       ${pipeline.url('ops')}/

  Kafka             ${endpoints.KAFKA_BROKERS}   (kcat -b ${endpoints.KAFKA_BROKERS} -C -t content.published -e)
  S3                ${endpoints.S3_ENDPOINT}   (access key local-access-key)
  PostgreSQL        ${endpoints.DATABASE_URL}
  demo API tokens   .local/secrets/tokens.json (staff id → bearer token; the desk and console log in with them)
  logs              .local/logs/

Ctrl-C stops the services; npm run infra:down stops Kafka and S3.`);
  await pipeline.exited();
};

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
