import { type GazetteSearchHit, type GazetteSearchResult, normalizeText } from '@tongyuan/contracts';
import type { Pool, PoolClient } from '@tongyuan/database';
import { issueLabel } from '@tongyuan/gazette-issue';

// Chinese search without a dictionary, as the portal does it: overlapping character pairs narrow the candidates
// (a GIN index over each entry's bigram array), the stored text confirms the phrase.

/** The comparison form of searched text: normalized, lower case, no white space (PDF text breaks lines anywhere). */
export const searchForm = (text: string): string => normalizeText(text).toLowerCase().replace(/\s+/g, '');

/** Overlapping character pairs: 政务公开 → 政务, 务公, 公开. */
export const bigramsOf = (text: string): string[] => {
  const chars = [...searchForm(text)];
  const grams = new Set<string>();
  for (let index = 0; index + 1 < chars.length; index += 1) grams.add(`${chars[index]}${chars[index + 1]}`);
  return [...grams];
};

export interface SearchEntry {
  entryId: string;
  issueId: string;
  year: number;
  number: number;
  total: number;
  historical: boolean;
  documentId: string | null;
  title: string;
  docNumber: string | null;
  organ: string | null;
  page: number;
  url: string;
  /** Everything a reader may search the document by: title, 文号, organ, the text. */
  text: string;
}

/** Replaces the entries of an issue in the caller's transaction. */
export const indexIssue = async (client: PoolClient, issueId: string, entries: readonly SearchEntry[]): Promise<void> => {
  await client.query('delete from search_entries where issue_id = $1', [issueId]);
  for (const entry of entries) {
    const text = searchForm([entry.title, entry.docNumber ?? '', entry.organ ?? '', entry.text].join(' '));
    await client.query(
      `insert into search_entries (entry_id, issue_id, year, number, total, historical, document_id, title, doc_number, organ, page, url, text, bigrams)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [
        entry.entryId,
        entry.issueId,
        entry.year,
        entry.number,
        entry.total,
        entry.historical,
        entry.documentId,
        entry.title,
        entry.docNumber,
        entry.organ,
        entry.page,
        entry.url,
        text,
        bigramsOf(text),
      ],
    );
  }
};

export interface SearchQuery {
  /** Words or phrases; every one must occur (title, 文号, organ or text). */
  q?: string;
  year?: number;
  /** 第N期 within the year, or an issue id like 2026-03. */
  issue?: string;
  organ?: string;
  docNumber?: string;
  limit?: number;
}

interface HitRow {
  entry_id: string;
  issue_id: string;
  year: number;
  number: number;
  total: number;
  historical: boolean;
  document_id: string | null;
  title: string;
  doc_number: string | null;
  organ: string | null;
  page: number;
  url: string;
}

/** Bigram candidates taken in order; past a page of confirmed hits the total is estimated from the ones read. */
const CONFIRMED = 400;

/**
 * Documents of published and historical issues matching every given criterion: title matches first, then newest issue.
 * Bigrams pick and order the candidates without reading any text; only the first CONFIRMED are read to confirm the
 * phrases (reading thousands of multi-KB texts is what made common words slow).
 */
export const searchGazette = async (pool: Pool, query: SearchQuery): Promise<GazetteSearchResult> => {
  const client = await pool.connect();
  try {
    await client.query('begin read only');
    // A common bigram makes the planner prefer a sequential scan, which un-TOASTs every entry's bigram array (~0.1 ms
    // each); the GIN bitmap never reads them. Measured: 830 ms against 15 ms for 市场监管 over 7,200 documents.
    await client.query('set local enable_seqscan = off');
    return await searchWith(client, query);
  } finally {
    await client.query('rollback').catch(() => {});
    client.release();
  }
};

const searchWith = async (db: PoolClient, query: SearchQuery): Promise<GazetteSearchResult> => {
  const terms = normalizeText(query.q ?? '')
    .split(' ')
    .map(searchForm)
    .filter(Boolean)
    .slice(0, 8);
  const limit = Math.min(query.limit ?? 50, 200);
  const grams = [...new Set(terms.flatMap(bigramsOf))];
  // A one-character term has no bigram: only the text can answer it.
  const textOnly = terms.some((term) => [...term].length < 2);
  const issue = (query.issue ?? '').trim();
  const issueId = /^\d{4}-\d{2}$/.test(issue) ? issue : null;
  const issueNumber = /^\d{1,2}$/.test(issue) ? Number(issue) : null;
  const params: unknown[] = [];
  const where: string[] = [];
  const bind = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  if (grams.length > 0) where.push(`e.bigrams @> ${bind(grams)}::text[]`);
  if (textOnly) for (const term of terms) where.push(`strpos(e.text, ${bind(term)}) > 0`);
  if (query.year !== undefined) where.push(`e.year = ${bind(query.year)}`);
  if (issueId !== null) where.push(`e.issue_id = ${bind(issueId)}`);
  if (issueNumber !== null) where.push(`e.number = ${bind(issueNumber)}`);
  if (query.organ?.trim()) where.push(`strpos(lower(coalesce(e.organ, '')), ${bind(searchForm(query.organ))}) > 0`);
  if (query.docNumber?.trim()) {
    where.push(`strpos(replace(lower(coalesce(e.doc_number, '')), ' ', ''), ${bind(searchForm(query.docNumber))}) > 0`);
  }
  const titleTerm = terms[0] ?? '';
  const candidates = await db.query<HitRow & { matches: number }>(
    `select e.entry_id, e.issue_id, e.year, e.number, e.total, e.historical, e.document_id,
            e.title, e.doc_number, e.organ, e.page, e.url, count(*) over ()::int as matches
     from search_entries e
     ${where.length > 0 ? `where ${where.join(' and ')}` : ''}
     order by (${bind(titleTerm)} <> '' and strpos(lower(e.title), ${bind(titleTerm)}) > 0) desc, e.year desc, e.number desc, e.page
     limit ${bind(textOnly ? limit : CONFIRMED)}`,
    params,
  );
  const matches = candidates.rows[0]?.matches ?? 0;
  // Without phrases (or when the query already read the text) there is nothing to confirm: only excerpts to read.
  const confirming = terms.length > 0 && !textOnly;
  const confirmed = new Map<string, string>();
  let read = 0;
  // Confirm in growing batches until a page of hits is found: a common word reads ~60 texts, not thousands.
  for (
    let batch = limit + 10;
    read < candidates.rows.length && (read === 0 || (confirming && confirmed.size < limit));
    batch *= 2
  ) {
    const ids = candidates.rows.slice(read, confirming ? read + batch : limit).map((row) => row.entry_id);
    read += ids.length;
    const texts = await db.query<{ entry_id: string; text: string }>(
      `select entry_id, text from search_entries where entry_id = any($1) ${confirming ? terms.map((_, index) => `and strpos(text, $${index + 2}) > 0`).join(' ') : ''}`,
      [ids, ...(confirming ? terms : [])],
    );
    for (const row of texts.rows) confirmed.set(row.entry_id, row.text);
  }
  const found = candidates.rows.filter((row) => confirmed.has(row.entry_id));
  const exact = !confirming || matches <= read;
  const total = !confirming ? matches : exact ? found.length : Math.round((matches * found.length) / read);
  const hits: GazetteSearchHit[] = found.slice(0, limit).map((row) => ({
    issueId: row.issue_id,
    issueLabel: issueLabel(row),
    historical: row.historical,
    documentId: row.document_id,
    title: row.title,
    docNumber: row.doc_number,
    organ: row.organ,
    page: row.page,
    url: row.url,
    excerpt: excerptAround(confirmed.get(row.entry_id) ?? '', terms[0] ?? ''),
  }));
  return { total, totalExact: exact, hits };
};

const excerptAround = (text: string, term: string, width = 50): string => {
  const at = term === '' ? 0 : Math.max(0, text.indexOf(term));
  const start = Math.max(0, at - width);
  const end = Math.min(text.length, at + term.length + width);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
};
