// npm run bench:gazette — builds one gazette issue of 60 generated documents (~200 pages) with @tongyuan/gazette-issue:
// the PDF (cover, TOC, CJK subsets, bookmarks), the manifest, desktop + mobile HTML and one page per document.
// BENCH_RUNS fresh processes (after one warm-up), each under /usr/bin/time: wall time and peak RSS of the whole
// process, plus the build time measured inside it. Prints a markdown table against the target of 15 s.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { generatedIssue } from '../packages/gazette-issue/src/gazette-issue.fixture.js';
import { issueKeys, renderIssueHtml, renderIssueManifest, renderIssuePdf } from '../packages/gazette-issue/src/index.js';

const DOCUMENTS = Number(process.env.BENCH_DOCUMENTS ?? 60);
// Generated bodies are 2–5 KB; repeating each body brings 60 documents to about 200 A4 pages.
const REPEAT = Number(process.env.BENCH_REPEAT ?? 2);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const TARGET_SECONDS = 15;
const OUT = join(process.cwd(), '.local/bench/gazette');

interface ChildResult {
  buildMs: number;
  pdfMs: number;
  htmlMs: number;
  pages: number;
  documents: number;
  pdfBytes: number;
  htmlBytes: number;
  sha256: string;
}

/** One build, as the gazette service does it when an issue closes; the outputs are written to .local/bench/gazette. */
const buildOnce = async (): Promise<ChildResult> => {
  const issue = generatedIssue(DOCUMENTS, REPEAT);
  const started = performance.now();
  const { pdf, layout } = await renderIssuePdf(issue);
  const pdfDone = performance.now();
  const sha256 = createHash('sha256').update(pdf).digest('hex');
  const manifest = renderIssueManifest(issue, layout, sha256);
  const html = renderIssueHtml(issue, layout, { pdfUrl: 'gazette.pdf', archiveUrl: '../../archive/index.html' });
  const done = performance.now();
  const keys = issueKeys(issue);
  const files = new Map<string, string | Buffer>([
    [keys.pdf, pdf],
    [keys.manifest, manifest],
    [keys.desktop, html.desktop],
    [keys.mobile, html.mobile],
    ...[...html.documents].map(([id, page]) => [keys.document(id), page] as [string, string]),
  ]);
  for (const [key, body] of files) {
    mkdirSync(join(OUT, key, '..'), { recursive: true });
    writeFileSync(join(OUT, key), body);
  }
  return {
    buildMs: done - started,
    pdfMs: pdfDone - started,
    htmlMs: done - pdfDone,
    pages: layout.pageCount,
    documents: layout.documents.length,
    pdfBytes: pdf.length,
    htmlBytes: [html.desktop, html.mobile, ...html.documents.values()].reduce((n, page) => n + Buffer.byteLength(page), 0),
    sha256,
  };
};

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const runChild = (): ChildResult & { wallS: number; rssMiB: number; cpuS: number } => {
  const child = spawnSync(
    '/usr/bin/time',
    ['-f', 'TIME %e %M %U %S', process.execPath, '--import', 'tsx', 'bench/gazette-build.ts', '--child'],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`build failed:\n${child.stderr}`);
  const time = /TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(child.stderr);
  if (time === null) throw new Error(`no /usr/bin/time line in:\n${child.stderr}`);
  const result = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildResult;
  return {
    ...result,
    wallS: Number(time[1]),
    rssMiB: Number(time[2]) / 1024,
    cpuS: Number(time[3]) + Number(time[4]),
  };
};

if (process.argv.includes('--child')) {
  process.stdout.write(`${JSON.stringify(await buildOnce())}\n`);
} else {
  execFileSync('/usr/bin/time', ['-f', '%e', 'true'], { stdio: 'ignore' });
  console.error(`warm-up, then ${RUNS} runs of ${DOCUMENTS} documents …`);
  // Wall time on a shared machine says as much about the neighbours as about the build: the load is printed with it.
  const loadBefore = loadavg()[0]!;
  runChild();
  const runs = Array.from({ length: RUNS }, (_, i) => {
    const run = runChild();
    console.error(`run ${i + 1}: ${run.wallS.toFixed(2)} s wall, build ${(run.buildMs / 1000).toFixed(2)} s, ${run.pages} pages`);
    return run;
  });
  const hashes = new Set(runs.map((run) => run.sha256));
  if (hashes.size !== 1) throw new Error(`the PDF differs between runs: ${[...hashes].join(', ')}`);
  const first = runs[0]!;
  const wall = runs.map((run) => run.wallS);
  const build = runs.map((run) => run.buildMs / 1000);
  const seconds = (values: number[]) =>
    `${median(values).toFixed(2)} s (${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)})`;
  const verdict = median(wall) <= TARGET_SECONDS ? 'met' : 'MISSED';
  console.log(`
## Gazette issue build: ${first.documents} documents, ${first.pages} pages (median of ${RUNS} runs)

| measure | value |
| --- | --- |
| whole process, wall (node start, fonts, PDF, manifest, HTML, writing) | ${seconds(wall)} |
| build inside the process (PDF + manifest + HTML) | ${seconds(build)} |
| of which PDF (layout, subsetting, compression) | ${median(runs.map((r) => r.pdfMs / 1000)).toFixed(2)} s |
| of which HTML (${first.documents + 2} pages) and manifest | ${median(runs.map((r) => r.htmlMs / 1000)).toFixed(3)} s |
| CPU (user + system) | ${median(runs.map((r) => r.cpuS)).toFixed(2)} s |
| peak RSS | ${Math.max(...runs.map((r) => r.rssMiB)).toFixed(0)} MiB |
| PDF | ${first.pages} pages, ${(first.pdfBytes / 1024 / 1024).toFixed(2)} MiB, sha256 ${first.sha256.slice(0, 12)}… (identical in every run) |
| HTML | ${(first.htmlBytes / 1024 / 1024).toFixed(2)} MiB |
| pages per second (PDF) | ${(first.pages / median(runs.map((r) => r.pdfMs / 1000))).toFixed(0)} |
| machine | ${cpus().length} cores, 1-minute load ${loadBefore.toFixed(1)} before the runs, ${loadavg()[0]!.toFixed(1)} after |
| target: whole build ≤ ${TARGET_SECONDS} s | ${verdict} (${((median(wall) / TARGET_SECONDS) * 100).toFixed(0)}% of it) |

Outputs of the last run: ${OUT}/${issueKeys({ year: 2026, number: 12 }).prefix}`);
}
