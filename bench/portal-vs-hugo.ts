// `npm run bench:portal`: the portal renderer and Hugo build the same 10,000 generated documents, alternated, median of runs.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toContentPublished } from '@tongyuan/contracts';
import { generatedRevision } from '@tongyuan/testing';
import { writeHugoSite } from './hugo-site.js';

const count = Number(process.env.BENCH_DOCUMENTS ?? 10_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const root = join(process.cwd(), '.local', 'bench');
const eventsFile = join(root, `events-${count}.ndjson`);
const hugoDir = join(root, `hugo-${count}`);

if (!existsSync(eventsFile)) {
  mkdirSync(root, { recursive: true });
  const events = Array.from({ length: count }, (_, n) => toContentPublished(generatedRevision(n)));
  writeFileSync(eventsFile, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
  writeHugoSite(hugoDir, events);
}

/** Wall seconds and peak resident memory of one command, as /usr/bin/time sees them. */
const measure = (command: string, args: string[]): { seconds: number; peakMiB: number } => {
  const output = execFileSync('/usr/bin/time', ['-f', 'TIME %e %M', command, ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return parseTime(output);
};
const parseTime = (stderr: string) => {
  const match = /TIME ([\d.]+) (\d+)/.exec(stderr);
  if (!match) throw new Error(`no timing in: ${stderr}`);
  return { seconds: Number(match[1]), peakMiB: Number(match[2]) / 1024 };
};
const measureCapturing = (command: string, args: string[]) => {
  try {
    return measure(command, args);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    return parseTime(stderr);
  }
};

const portalOut = join(root, 'portal-out');
const hugoOut = join(root, 'hugo-out');
const results: Record<string, Array<{ seconds: number; peakMiB: number }>> = {
  'portal → disk, cold (empty folder)': [],
  'portal → disk, in place (nothing changed)': [],
  'hugo 0.111 → disk, in place': [],
  'portal → S3, first write (fresh bucket)': [],
};
const node = process.execPath;
const renderer = ['--import', 'tsx', join('bench', 'portal-render-to-disk.ts'), eventsFile, portalOut];
for (let run = 0; run < runs; run += 1) {
  rmSync(portalOut, { recursive: true, force: true });
  results['portal → disk, cold (empty folder)']?.push(measureCapturing(node, renderer));
  results['hugo 0.111 → disk, in place']?.push(measureCapturing('hugo', ['--quiet', '-s', hugoDir, '-d', hugoOut]));
  results['portal → disk, in place (nothing changed)']?.push(measureCapturing(node, renderer));
}
// The S3 path once (it needs npm run infra:up): every object through the SDK to S3Proxy's filesystem.
if (process.env.BENCH_S3 !== 'false') {
  const bucket = `tongyuan-bench-${Date.now()}`;
  results['portal → S3, first write (fresh bucket)']?.push(
    measureCapturing(node, ['--import', 'tsx', join('bench', 'portal-render-to-s3.ts'), eventsFile, bucket]),
  );
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
const hugoSeconds = median(results['hugo 0.111 → disk, in place']?.map((r) => r.seconds) ?? []);
console.log(`\n${count} documents, median of ${runs} alternated runs\n`);
console.log('| build | wall (s) | pages/s | peak memory (MiB) | pages/s vs Hugo |');
console.log('|---|---|---|---|---|');
for (const [name, samples] of Object.entries(results)) {
  if (samples.length === 0) continue;
  const seconds = median(samples.map((s) => s.seconds));
  const peak = median(samples.map((s) => s.peakMiB));
  console.log(
    `| ${name} | ${seconds.toFixed(2)} | ${Math.round(count / seconds)} | ${peak.toFixed(0)} | ${(hugoSeconds / seconds).toFixed(2)}× |`,
  );
}
