// `npm run bench:portal`: the portal renderer and Hugo build the same generated documents, alternated in one run; median of
// BENCH_RUNS runs of each, whole-process wall time and peak RSS from /usr/bin/time. The outputs are counted on disk (and in
// S3) and sample pages of the two sites compared before the table is printed, so every figure belongs to a complete site.
// Env: BENCH_DOCUMENTS (10000), BENCH_RUNS (5), BENCH_S3 ('false' skips the S3 rows; they need `npm run infra:up`),
// BENCH_S3_RUNS (1: an S3 round, first write then in place, takes ~55 s; five would take the whole run to ~7 minutes).
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { toContentPublished } from '@tongyuan/contracts';
import { S3ObjectStore } from '@tongyuan/object-store';
import { documentPath } from '@tongyuan/portal-site';
// Not the package entry: @tongyuan/testing's index also loads its vitest fixtures, which only run inside vitest.
import { generatedRevision } from '../packages/testing/src/generated-revisions.js';
import { writeHugoSite } from './hugo-site.js';
import { readEvents, type SiteCounts } from './render-site.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const count = Number(process.env.BENCH_DOCUMENTS ?? 10_000);
const runs = Number(process.env.BENCH_RUNS ?? 5);
const withS3 = process.env.BENCH_S3 !== 'false';
const s3Runs = Number(process.env.BENCH_S3_RUNS ?? 1);
if (!(Number.isInteger(count) && count > 0 && Number.isInteger(runs) && runs > 0 && Number.isInteger(s3Runs) && s3Runs > 0)) {
  throw new RangeError('BENCH_DOCUMENTS, BENCH_RUNS and BENCH_S3_RUNS must be positive integers');
}
const pageSize = 20;
const started = Date.now();
const root = join(process.cwd(), '.local', 'bench');
const eventsFile = join(root, `events-${count}.ndjson`);
const hugoDir = join(root, `hugo-${count}`);
const portalOut = join(root, `portal-out-${count}`);
const hugoOut = join(root, `hugo-out-${count}`);
// Cold runs each get a new folder; all are deleted after the last run. Deleting between runs would make the next run pay
// for it: ext4 skips inodes freed in the last ~30 s when allocating new ones, one block lookup per skipped inode.
const coldRoot = join(root, `cold-${count}`);
// When the last clean-up deleted output folders (see the wait before the warm-up).
const cleanedAt = join(root, 'cleaned-at');
const log = (line: string) => process.stderr.write(`${line}\n`);
const removeTree = (dir: string) => {
  if (!existsSync(dir)) return;
  const aside = `${dir}.deleting-${process.pid}`;
  renameSync(dir, aside);
  rmSync(aside, { recursive: true, force: true });
};

for (const [tool, probe] of [
  ['/usr/bin/time', ['-f', '%e', 'true']],
  ['hugo', ['version']],
] as const) {
  if (spawnSync(tool, probe).status !== 0) throw new Error(`${tool} is needed (Debian: apt-get install time hugo)`);
}

// 1. The documents, generated once per count (deterministic) as the NDJSON a consumer of content.published would read.
mkdirSync(root, { recursive: true });
if (!existsSync(eventsFile)) {
  log(`generating ${count} documents → ${relative(process.cwd(), eventsFile)}`);
  const partial = `${eventsFile}.partial`;
  const out = createWriteStream(partial);
  for (let n = 0; n < count; n += 1) {
    if (!out.write(`${JSON.stringify(toContentPublished(generatedRevision(n)))}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  renameSync(partial, eventsFile);
}
// The Hugo site is written from the same file every time; files that already hold the right bytes are left alone.
const hugoDocuments = await writeHugoSite(hugoDir, readEvents(eventsFile));
if (hugoDocuments !== count) throw new Error(`${eventsFile} holds ${hugoDocuments} documents, expected ${count}`);

// 2. Timing: /usr/bin/time around the whole process, as in /work/shared/MEASURED.md.
interface Sample {
  seconds: number;
  peakKiB: number;
  cpuSeconds: number;
  stdout: string;
}
const measure = (command: string, args: string[]): Sample => {
  const result = spawnSync('/usr/bin/time', ['-f', 'BENCH-TIME %e %M %U %S', command, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  const match = /BENCH-TIME ([\d.]+) (\d+) ([\d.]+) ([\d.]+)\s*$/.exec(result.stderr ?? '');
  if (result.status !== 0 || !match) {
    throw new Error(`${command} ${args.join(' ')} failed (status ${result.status}):\n${result.stderr}${result.stdout}`);
  }
  return {
    seconds: Number(match[1]),
    peakKiB: Number(match[2]),
    cpuSeconds: Number(match[3]) + Number(match[4]),
    stdout: result.stdout,
  };
};
const node = process.execPath;
const script = (name: string, ...args: string[]) => ['--import', 'tsx', join('bench', name), ...args];
const hugo = (out: string) => measure('hugo', ['--quiet', '-s', hugoDir, '-d', out]);

const listingPages = Math.max(1, Math.ceil(count / pageSize));
const expected: SiteCounts = {
  documentPages: count,
  documentJson: count,
  listingObjects: listingPages + 1,
  // + home page, feed, sitemap, two assets
  objects: 2 * count + listingPages + 1 + 5,
};
type Report = SiteCounts & { written: number; unchanged: number };
/** The renderer's own report (its last stdout line): what it rendered, wrote and left as it was. */
const reportOf = (sample: Sample, label: string, wanted: { written?: number; unchanged?: number }): Report => {
  const report = JSON.parse(sample.stdout.trim().split('\n').pop() ?? '{}') as Report;
  for (const [key, value] of Object.entries({ ...expected, ...wanted })) {
    if (report[key as keyof Report] !== value) {
      throw new Error(`${label}: ${key} = ${report[key as keyof Report]}, expected ${value}`);
    }
  }
  return report;
};

const names = {
  portalCold: 'portal → disk, cold (empty folder)',
  hugoCold: 'hugo → disk, cold (empty folder)',
  portalInPlace: 'portal → disk, in place (nothing changed)',
  hugoInPlace: 'hugo → disk, in place (its usual build)',
  s3First: 'portal → S3, first write (empty bucket)',
  s3InPlace: 'portal → S3, in place (nothing changed)',
} as const;
type RowName = (typeof names)[keyof typeof names];
const rows = new Map<RowName, { samples: Sample[]; output: string }>(
  Object.values(names).map((name) => [name, { samples: [], output: '' }]),
);
const record = (name: RowName, sample: Sample, output: string) => {
  const row = rows.get(name)!;
  row.samples.push(sample);
  row.output = output;
};

// The S3 rows need the S3 server (npm run infra:up): checked now, not after the disk runs. Each S3 run writes to its own
// bucket, emptied at the end like the cold folders, not between runs: S3Proxy keeps objects as files on the same disk.
const s3Store = (bucket: string) =>
  new S3ObjectStore({
    bucket,
    endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000',
    region: process.env.S3_REGION ?? 'us-east-1',
    accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'local-access-key',
    secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'local-secret-key',
    forcePathStyle: true,
  });
const keysIn = async (store: S3ObjectStore) => {
  const found: string[] = [];
  for await (const object of store.list('site/')) found.push(object.key);
  return found;
};
const s3Buckets = withS3 ? Array.from({ length: s3Runs }, (_, i) => s3Store(`tongyuan-bench-${i + 1}`)) : [];
for (const store of s3Buckets) {
  try {
    await store.ensureBucket();
  } catch (error) {
    throw new Error(
      `no S3 server at ${process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000'} (npm run infra:up first, or BENCH_S3=false): ${(error as Error).message}`,
    );
  }
}
// The cold folders go after every timed run (S3 included), or on the way out if a run fails.
process.once('exit', () => {
  if (!existsSync(coldRoot)) return;
  removeTree(coldRoot);
  writeFileSync(cleanedAt, String(Date.now()));
});

// ext4 makes file creation slow for ~30 s after a mass delete (it skips recently freed inodes one lookup at a time): a cold
// run started right after the clean-up of a previous bench run (or of a crashed one's folders) would measure that.
if (existsSync(coldRoot)) {
  removeTree(coldRoot);
  writeFileSync(cleanedAt, String(Date.now()));
}
const settle = 60_000 - (Date.now() - Number(existsSync(cleanedAt) ? readFileSync(cleanedAt, 'utf8') : 0));
if (settle > 0) {
  log(`waiting ${Math.ceil(settle / 1000)} s: output folders were deleted less than a minute ago`);
  await new Promise((resolve) => setTimeout(resolve, settle));
}

// Warm-up, not timed: fills tsx's transform cache and the page cache, and brings the in-place folders up to date.
log('warm-up (not timed)');
reportOf(measure(node, script('portal-render-to-disk.ts', eventsFile, portalOut)), 'warm-up', {});
hugo(hugoOut);

// 3. The disk runs, alternated: portal cold, Hugo cold, portal in place, Hugo in place; then the next run.
for (let run = 1; run <= runs; run += 1) {
  log(`disk run ${run}/${runs}`);
  const portalCold = measure(node, script('portal-render-to-disk.ts', eventsFile, join(coldRoot, `portal-${run}`)));
  const coldReport = reportOf(portalCold, names.portalCold, { written: expected.objects, unchanged: 0 });
  record(names.portalCold, portalCold, `${coldReport.written} files written`);
  record(names.hugoCold, hugo(join(coldRoot, `hugo-${run}`)), '');
  const portalInPlace = measure(node, script('portal-render-to-disk.ts', eventsFile, portalOut));
  const inPlaceReport = reportOf(portalInPlace, names.portalInPlace, { written: 0, unchanged: expected.objects });
  record(names.portalInPlace, portalInPlace, `${inPlaceReport.unchanged} files compared, 0 written`);
  record(names.hugoInPlace, hugo(hugoOut), '');
}

// 4. The outputs on disk: every page of both sites, counted by kind, in the last cold folders and the in-place ones.
const filesUnder = (dir: string): string[] => {
  const found: string[] = [];
  const walk = (at: string, prefix: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(at, entry.name), `${prefix}${entry.name}/`);
      else found.push(`${prefix}${entry.name}`);
    }
  };
  walk(dir, '');
  return found;
};
const countOf = (files: string[], pattern: RegExp) => files.filter((file) => pattern.test(file)).length;
const checkPortal = (dir: string): string => {
  const files = filesUnder(dir);
  const tally = {
    documentPages: countOf(files, /^documents\/[^/]+\/index\.html$/),
    documentJson: countOf(files, /^documents\/[^/]+\/index\.json$/),
    listingPages: countOf(files, /^latest\/page-\d+\.html$/),
    listingIndex: countOf(files, /^latest\/index\.html$/),
    home: countOf(files, /^index\.html$/),
    html: countOf(files, /\.html$/),
  };
  const wanted = { documentPages: count, documentJson: count, listingPages, listingIndex: 1, home: 1 };
  for (const [kind, value] of Object.entries(wanted)) {
    if (tally[kind as keyof typeof tally] !== value)
      throw new Error(`${dir}: ${tally[kind as keyof typeof tally]} ${kind}, expected ${value}`);
  }
  if (files.length !== expected.objects) throw new Error(`${dir}: ${files.length} files, expected ${expected.objects}`);
  return `${files.length} files: ${tally.html} HTML (${tally.documentPages} documents, ${tally.listingPages} listing pages + latest/index.html, home), ${tally.documentJson} JSON, feed, sitemap, 2 assets`;
};
const checkHugo = (dir: string): string => {
  const files = filesUnder(dir);
  const tally = {
    documentPages: countOf(files, /^documents\/doc_[^/]+\/index\.html$/),
    // documents/index.html is reader page 1; documents/page/1/ is Hugo's redirect to it
    listingPages: countOf(files, /^documents\/(index\.html|page\/([2-9]|\d\d+)\/index\.html)$/),
    redirects: countOf(files, /^documents\/page\/1\/index\.html$/),
    home: countOf(files, /^index\.html$/),
    html: countOf(files, /\.html$/),
  };
  const wanted = { documentPages: count, listingPages, home: 1 };
  for (const [kind, value] of Object.entries(wanted)) {
    if (tally[kind as keyof typeof tally] !== value)
      throw new Error(`${dir}: ${tally[kind as keyof typeof tally]} ${kind}, expected ${value}`);
  }
  return `${files.length} files: ${tally.html} HTML (${tally.documentPages} documents, ${tally.listingPages} listing pages + ${tally.redirects} redirect, home), RSS, sitemap, 2 assets`;
};
rows.get(names.portalCold)!.output = checkPortal(join(coldRoot, `portal-${runs}`));
rows.get(names.hugoCold)!.output = checkHugo(join(coldRoot, `hugo-${runs}`));
checkPortal(portalOut);
rows.get(names.hugoInPlace)!.output = checkHugo(hugoOut);

// The same content: title, metadata table and body text of sample documents agree between the two sites.
const visibleText = (html: string, from: string, to: string): string => {
  const start = html.indexOf(from);
  const end = html.indexOf(to, start);
  if (start === -1 || end === -1) throw new Error(`no ${from}…${to} in page`);
  return html
    .slice(start, end)
    .replace(/<[^>]*>/g, '')
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, '');
};
{
  const samples = new Set([0, Math.floor(count / 2), count - 1]);
  let n = 0;
  for await (const { revision } of readEvents(eventsFile)) {
    if (samples.has(n)) {
      const portalPage = readFileSync(join(portalOut, documentPath(revision.documentId), 'index.html'), 'utf8');
      const hugoPage = readFileSync(join(hugoOut, 'documents', revision.documentId, 'index.html'), 'utf8');
      for (const [from, to] of [
        ['<h1>', '</h1>'],
        ['<table class="metadata">', '</table>'],
        ['<div class="document-body">', '</div>'],
      ] as const) {
        const [a, b] = [visibleText(portalPage, from, to), visibleText(hugoPage, from, to)];
        if (a !== b) throw new Error(`document ${n} (${revision.documentId}): ${from} differs\nportal: ${a}\nhugo:   ${b}`);
      }
    }
    n += 1;
  }
}

// 5. The S3 path: every object through the SDK to S3Proxy, a HEAD and, when it changed, a PUT each.
for (const [i, store] of s3Buckets.entries()) {
  log(`S3 run ${i + 1}/${s3Runs}`);
  const left = await keysIn(store);
  if (left.length > 0) await store.deleteMany(left);
  const first = measure(node, script('portal-render-to-s3.ts', eventsFile, store.bucket));
  reportOf(first, names.s3First, { written: expected.objects, unchanged: 0 });
  const stored = (await keysIn(store)).length;
  if (stored !== expected.objects) throw new Error(`S3 holds ${stored} objects, expected ${expected.objects}`);
  record(names.s3First, first, `${stored} objects in the bucket (a HEAD and a PUT each)`);
  const again = measure(node, script('portal-render-to-s3.ts', eventsFile, store.bucket));
  reportOf(again, names.s3InPlace, { written: 0, unchanged: expected.objects });
  record(names.s3InPlace, again, `${expected.objects} HEADs, 0 PUTs`);
}

// Clean-up, after every timed run.
log('removing the cold folders and emptying the buckets');
removeTree(coldRoot);
for (const store of s3Buckets) await store.deleteMany(await keysIn(store));
writeFileSync(cleanedAt, String(Date.now()));

// 6. The table: medians (each row's runs alternate with the other rows').
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? Number.NaN) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
const medianSeconds = (name: RowName) => median(rows.get(name)!.samples.map((s) => s.seconds));
const hugoCold = medianSeconds(names.hugoCold);
const hugoInPlace = medianSeconds(names.hugoInPlace);
const hugoVersion = /v(\d+\.\d+\.\d+)/.exec(spawnSync('hugo', ['version'], { encoding: 'utf8' }).stdout ?? '')?.[1];
console.log(
  `\n${count} documents, ${new Date().toISOString().slice(0, 10)}: median of ${runs} alternated disk runs${
    withS3 ? ` and ${s3Runs} S3 runs` : ''
  } (hugo ${hugoVersion}, node ${process.version}, ${Math.round((Date.now() - started) / 1000)} s in all)\n`,
);
console.log(
  '| build | wall (s) median [min–max] | pages/s | ÷ Hugo cold | ÷ Hugo in place | peak RSS (MiB) | CPU user+sys (s) | output |',
);
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, { samples, output }] of rows) {
  if (samples.length === 0) continue;
  const wall = samples.map((s) => s.seconds);
  const seconds = median(wall);
  const cells = [
    name,
    `${seconds.toFixed(2)} [${Math.min(...wall).toFixed(2)}–${Math.max(...wall).toFixed(2)}]`,
    String(Math.round(count / seconds)),
    `${(hugoCold / seconds).toFixed(2)}×`,
    `${(hugoInPlace / seconds).toFixed(2)}×`,
    (median(samples.map((s) => s.peakKiB)) / 1024).toFixed(0),
    median(samples.map((s) => s.cpuSeconds)).toFixed(2),
    output,
  ];
  console.log(`| ${cells.join(' | ')} |`);
}
console.log(
  `\npages/s: ${count} document pages ÷ the wall time of the whole process (start-up, reading and validating the events, pages, JSON views, listings, feed, sitemap, writing). ÷ Hugo: pages/s over Hugo's. Peak-memory target 300 MB = ${(300e6 / 2 ** 20).toFixed(0)} MiB.`,
);
