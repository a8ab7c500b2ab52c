// `npm run bench:gazette-search`: full-text search over 120 published issues of ~60 generated documents each (7,200 in
// all, 2–5 KB of Chinese apiece), through the gazette's own search (character bigrams in a GIN index, confirmed by strpos).
// p50/p95/p99 over title words, 文号 and body phrases, against the target p95 ≤ 100 ms; prints a markdown table.
// Env: DATABASE_URL (server; default the local one), BENCH_ISSUES (120), BENCH_PER_ISSUE (60), BENCH_QUERIES (200 per kind).
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { normalizeText, revisionText } from '@tongyuan/contracts';
import { createPool, ensureDatabase, migrate, sqlFilesIn, withTransaction } from '@tongyuan/database';
// Not the package entry: @tongyuan/testing's index also loads its vitest fixtures, which only run inside vitest.
import { generatedRevision } from '../packages/testing/src/generated-revisions.js';
import { indexIssue, type SearchQuery, searchGazette } from '../services/gazette/src/search/gazette-search.js';

const issues = Number(process.env.BENCH_ISSUES ?? 120);
const perIssue = Number(process.env.BENCH_PER_ISSUE ?? 60);
const queriesPerKind = Number(process.env.BENCH_QUERIES ?? 200);
const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
server.pathname = `/gazette_bench_${issues}x${perIssue}`;
const log = (line: string) => process.stderr.write(`${line}\n`);

await ensureDatabase(server.toString());
const pool = createPool(server.toString(), 4);
await migrate(pool, await sqlFilesIn(fileURLToPath(new URL('../services/gazette/migrations', import.meta.url))));

// Deterministic documents: the database is filled once per size and reused by later runs.
const documentOf = (n: number) => generatedRevision(n, 7);
const { rows } = await pool.query<{ entries: number }>('select count(*)::int as entries from search_entries');
if (rows[0]?.entries !== issues * perIssue) {
  log(`filling ${issues} issues × ${perIssue} documents…`);
  const fillStarted = performance.now();
  await pool.query('truncate search_entries, issues cascade');
  for (let i = 0; i < issues; i += 1) {
    const year = 2017 + Math.floor(i / 12);
    const number = (i % 12) + 1;
    const issueId = `${year}-${String(number).padStart(2, '0')}`;
    await withTransaction(pool, async (client) => {
      await client.query(
        `insert into issues (issue_id, year, number, total, release_month, state, published_on)
         values ($1, $2, $3, $4, $5, 'published', $6)`,
        [
          issueId,
          year,
          number,
          200 + i,
          `${year}-${String(number).padStart(2, '0')}`,
          `${year}-${String(number).padStart(2, '0')}-28`,
        ],
      );
      await indexIssue(
        client,
        issueId,
        Array.from({ length: perIssue }, (_, j) => {
          const revision = documentOf(i * perIssue + j);
          return {
            entryId: `${issueId}/${revision.documentId}`,
            issueId,
            year,
            number,
            total: 200 + i,
            historical: false,
            documentId: revision.documentId,
            title: revision.title,
            docNumber: revision.docNumber,
            organ: revision.issuingOrgans.join('、'),
            page: 3 + j * 3,
            url: `/issues/${issueId}/documents/${revision.documentId}.html`,
            text: revisionText(revision),
          };
        }),
      );
    });
    if ((i + 1) % 20 === 0) log(`  ${i + 1} issues`);
  }
  await pool.query('vacuum analyze search_entries');
  log(`filled in ${((performance.now() - fillStarted) / 1000).toFixed(1)} s`);
}

// Queries drawn deterministically from the documents themselves, so each one has at least one answer.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const anyDocument = () => documentOf(Math.floor(random() * issues * perIssue));
const titleWords = ['营商环境', '社会保障', '政务公开', '生态环境', '卫生健康', '交通运输', '市场监管', '教育'];
const kinds: Array<{ kind: string; make: () => SearchQuery }> = [
  { kind: 'title words (e.g. 营商环境)', make: () => ({ q: titleWords[Math.floor(random() * titleWords.length)] }) },
  {
    kind: '文号 (docNumber=…)',
    make: () => {
      for (;;) {
        const revision = anyDocument();
        if (revision.docNumber) return { docNumber: revision.docNumber };
      }
    },
  },
  {
    kind: 'body phrase, 8 characters',
    make: () => {
      const text = normalizeText(revisionText(anyDocument())).replace(/\s+/g, '');
      const at = Math.floor(random() * (text.length - 8));
      return { q: text.slice(at, at + 8) };
    },
  },
  {
    kind: 'two words + year filter',
    make: () => ({ q: `${titleWords[Math.floor(random() * titleWords.length)]} 工作`, year: 2017 + Math.floor(random() * 10) }),
  },
];

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
for (let i = 0; i < 20; i += 1) await searchGazette(pool, kinds[i % kinds.length]?.make() ?? {}); // warm-up

const table: string[] = [];
let worstP95 = 0;
const all: number[] = [];
for (const { kind, make } of kinds) {
  const times: number[] = [];
  let hits = 0;
  for (let i = 0; i < queriesPerKind; i += 1) {
    const query = make();
    const started = performance.now();
    const result = await searchGazette(pool, query);
    times.push(performance.now() - started);
    hits += result.total;
  }
  times.sort((a, b) => a - b);
  all.push(...times);
  worstP95 = Math.max(worstP95, percentile(times, 95));
  table.push(
    `| ${kind} | ${queriesPerKind} | ${percentile(times, 50).toFixed(1)} | ${percentile(times, 95).toFixed(1)} | ${percentile(times, 99).toFixed(1)} | ${(hits / queriesPerKind).toFixed(1)} |`,
  );
}
all.sort((a, b) => a - b);
console.log(
  `Gazette search: ${issues} issues × ${perIssue} documents = ${issues * perIssue} documents, ${queriesPerKind} queries per kind\n`,
);
console.log('| query | n | p50 (ms) | p95 (ms) | p99 (ms) | mean matches |');
console.log('| --- | --- | --- | --- | --- | --- |');
for (const line of table) console.log(line);
console.log(
  `| **all** | ${all.length} | ${percentile(all, 50).toFixed(1)} | ${percentile(all, 95).toFixed(1)} | ${percentile(all, 99).toFixed(1)} | |`,
);
console.log(
  `\nmachine: ${cpus().length} cores, load average ${loadavg()
    .map((load) => load.toFixed(1))
    .join(' / ')} (1 / 5 / 15 min) at the end of the run`,
);
console.log(`target p95 ≤ 100 ms: ${worstP95 <= 100 ? 'met' : 'MISSED'} (worst kind p95 ${worstP95.toFixed(1)} ms)`);
await pool.end();
