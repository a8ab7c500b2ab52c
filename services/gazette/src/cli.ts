#!/usr/bin/env -S npx tsx
// tongyuan-gazette: the gazette API from a terminal. `import <folder>` sends issues.json and the PDFs beside it (历史公报入库).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseEnv } from '@tongyuan/config';
import type { HistoricalImportReport } from '@tongyuan/contracts';
import { z } from 'zod';

export const CliEnv = z.object({
  /** Where the gazette API listens. */
  GAZETTE_URL: z.url({ protocol: /^https?$/ }).default('http://127.0.0.1:8084'),
  /** Bearer token of the archivist the CLI acts for. */
  TONGYUAN_TOKEN: z.string().min(1, 'set TONGYUAN_TOKEN to an archivist’s token'),
});

export interface CliIo {
  env: Record<string, string | undefined>;
  stdout(line: string): void;
  stderr(line: string): void;
}

const usage = 'usage: cli.ts import <folder>   (the folder holds issues.json and the PDFs it names)';

/** Reads the folder: issues.json (a list, or { issues: [...] }) and every other file by name. */
const readFolder = async (folder: string) => {
  const metadata = JSON.parse(await readFile(join(folder, 'issues.json'), 'utf8')) as unknown;
  const issues = Array.isArray(metadata) ? metadata : (metadata as { issues?: unknown[] }).issues;
  if (!Array.isArray(issues)) throw new Error('issues.json must be a list of issues (or { "issues": [...] })');
  const files = [];
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (!entry.isFile() || entry.name === 'issues.json') continue;
    files.push({ name: entry.name, contentBase64: (await readFile(join(folder, entry.name))).toString('base64') });
  }
  return { issues, files };
};

/** Runs one command; returns the exit code (0 all imported, 1 some files refused or the API said no, 2 usage). */
export const runCli = async (argv: readonly string[], io: CliIo): Promise<number> => {
  const [command, folder] = argv;
  if (command !== 'import' || !folder) {
    io.stderr(usage);
    return 2;
  }
  const env = parseEnv(CliEnv, io.env);
  let body: Awaited<ReturnType<typeof readFolder>>;
  try {
    body = await readFolder(folder);
  } catch (error) {
    io.stderr(`cannot read ${folder}: ${(error as Error).message}`);
    return 1;
  }
  const response = await fetch(new URL('/v1/history/imports', env.GAZETTE_URL), {
    method: 'POST',
    headers: { authorization: `Bearer ${env.TONGYUAN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as HistoricalImportReport & { detail?: string };
  if (!response.ok) {
    io.stderr(`import refused (${response.status}): ${answer.detail ?? ''}`);
    return 1;
  }
  for (const issue of answer.imported)
    io.stdout(`imported ${issue.file} → ${issue.issueId} (${issue.pages} pages, ${issue.documents} documents)`);
  for (const file of answer.rejected) io.stderr(`refused ${file.file}: ${file.reason}`);
  io.stdout(`next issue: 总第${answer.nextTotal}期`);
  return answer.rejected.length === 0 ? 0 : 1;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = await runCli(process.argv.slice(2), {
    env: process.env,
    stdout: (line) => console.log(line),
    stderr: (line) => console.error(line),
  }).catch((error: unknown) => {
    console.error((error as Error).message);
    return 1;
  });
  process.exit(code);
}
