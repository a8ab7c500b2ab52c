/**
 * npm run infra:up | infra:down | infra:status
 * Prints a table (as `#` comments) and, for `up`, the env lines services read,
 * so the output can be saved as a .env file or passed to `eval`.
 */
import { infraDown, infraStatus, infraUp, kafkaServer, postgresServer, s3Server } from './index.js';
import { redacted } from './postgres-server.js';

// The AWS SDK warns on every run that its 2027 releases need Node 22; the project targets Node 20 until then.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `infra:up | head` closes the pipe early; that is not a failure of the command.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

interface Row {
  name: string;
  url: string;
  state: string;
  pid: string;
}

function serverRows(state: (name: string) => string): Row[] {
  return [
    ...[kafkaServer(), s3Server()].map((server) => ({
      name: server.name,
      url: server.url,
      state: state(server.name),
      pid: String(server.pid() ?? '-'),
    })),
    { name: 'postgres', url: redacted(postgresServer().url), state: state('postgres'), pid: 'system' },
  ];
}

function printTable(rows: Row[]): void {
  const header: Row = { name: 'server', url: 'url', state: 'state', pid: 'pid' };
  const columns = ['name', 'url', 'state', 'pid'] as const;
  const widths = columns.map((column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  for (const row of [header, ...rows]) {
    const cells = columns.map((column, i) => row[column].padEnd(widths[i] ?? 0));
    console.log(`# ${cells.join('  ').trimEnd()}`);
  }
}

async function up(): Promise<void> {
  const before = await infraStatus();
  const endpoints = await infraUp();
  printTable(serverRows((name) => (before[name] === 'up' ? 'already running' : 'started')));
  for (const [key, value] of Object.entries(endpoints)) console.log(`${key}=${value}`);
}

async function down(): Promise<void> {
  const before = await infraStatus();
  await infraDown();
  const after = await infraStatus();
  const state = (name: string): string => {
    if (name === 'postgres') return `${after[name]} (machine service, left as is)`;
    if (after[name] === 'up') return 'up (not started by this checkout, left running)';
    return before[name] === 'up' ? 'stopped' : 'down';
  };
  printTable(serverRows(state));
}

async function status(): Promise<void> {
  const current = await infraStatus();
  printTable(serverRows((name) => current[name] ?? 'down'));
}

const commands: Record<string, () => Promise<void>> = { up, down, status };
const command = process.argv[2] ?? '';
const run = commands[command];

if (run === undefined) {
  console.error('usage: tsx infra/src/cli.ts up | down | status');
  process.exitCode = 2;
} else {
  try {
    await run();
  } catch (error) {
    console.error(`infra ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
