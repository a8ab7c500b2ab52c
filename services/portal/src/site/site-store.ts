import type { DocumentRevision } from '@tongyuan/contracts';
import type { Pool, PoolClient } from '@tongyuan/database';
import type { DocumentSummary, RevisionHistoryEntry } from '@tongyuan/portal-site';
import type { Listing } from './listings.js';

type Db = Pool | PoolClient;

export interface SiteDocument {
  documentId: string;
  revision: number;
  fingerprint: string;
  state: 'live' | 'withdrawn';
  summary: DocumentSummary;
  record: DocumentRevision;
  history: RevisionHistoryEntry[];
}

interface SiteDocumentRow {
  document_id: string;
  revision: number;
  fingerprint: string;
  state: 'live' | 'withdrawn';
  summary: DocumentSummary;
  record: DocumentRevision;
  history: RevisionHistoryEntry[];
}

const fromRow = (row: SiteDocumentRow): SiteDocument => ({
  documentId: row.document_id,
  revision: row.revision,
  fingerprint: row.fingerprint,
  state: row.state,
  summary: row.summary,
  record: row.record,
  history: row.history,
});

const columns = 'document_id, revision, fingerprint, state, summary, record, history';

/** The site's state in PostgreSQL: the latest revision of each document it carries, and the listings derived from them. */
export const siteStore = {
  async document(db: Db, documentId: string, { lock = false } = {}): Promise<SiteDocument | undefined> {
    const { rows } = await db.query<SiteDocumentRow>(
      `select ${columns} from site_documents where document_id = $1${lock ? ' for update' : ''}`,
      [documentId],
    );
    return rows[0] ? fromRow(rows[0]) : undefined;
  },

  async documents(db: Db, documentIds: readonly string[]): Promise<SiteDocument[]> {
    if (documentIds.length === 0) return [];
    const { rows } = await db.query<SiteDocumentRow>(
      `select ${columns} from site_documents where document_id = any($1) order by document_id`,
      [documentIds],
    );
    return rows.map(fromRow);
  },

  async save(db: Db, document: SiteDocument): Promise<void> {
    await db.query(
      `insert into site_documents (document_id, revision, fingerprint, state, published_at, summary, record, history, year,
         last_modified, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, to_char($5::timestamptz at time zone 'Asia/Shanghai', 'YYYY'), $9, now())
       on conflict (document_id) do update set revision = excluded.revision, fingerprint = excluded.fingerprint, state = excluded.state,
         published_at = excluded.published_at, summary = excluded.summary, record = excluded.record, history = excluded.history,
         year = excluded.year, last_modified = excluded.last_modified, updated_at = now()`,
      [
        document.documentId,
        document.revision,
        document.fingerprint,
        document.state,
        document.summary.publishedAt,
        JSON.stringify(document.summary),
        JSON.stringify(document.record),
        JSON.stringify(document.history),
        document.record.correction?.changedAt ?? document.record.publishedAt,
      ],
    );
  },

  /** Live documents that link to the given one (their pages show whether the link target is live). */
  async linkingTo(db: Db, documentId: string): Promise<string[]> {
    const { rows } = await db.query<{ document_id: string }>(
      `select document_id from site_documents where state = 'live' and record->'related' @> $1::jsonb order by document_id`,
      [JSON.stringify([{ documentId }])],
    );
    return rows.map((row) => row.document_id);
  },

  /** Every document the site has carried: live ones, and withdrawn ones whose URL shows the notice. */
  async documentIds(db: Db, { liveOnly = false } = {}): Promise<string[]> {
    const { rows } = await db.query<{ document_id: string }>(
      `select document_id from site_documents${liveOnly ? " where state = 'live'" : ''} order by document_id`,
    );
    return rows.map((row) => row.document_id);
  },

  async count(db: Db, listing: Listing): Promise<number> {
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from site_documents where state = 'live' and (${listing.where})`,
      listing.params,
    );
    return rows[0]?.n ?? 0;
  },

  /** How many live items of the listing come after this (published_at, id): few, and read by index from the newest. */
  async newerCount(listing: Listing, db: Db, publishedAt: string, documentId: string): Promise<number> {
    const at = listing.params.length;
    const { rows } = await db.query<{ n: number }>(
      `select count(*)::int as n from site_documents
       where state = 'live' and (${listing.where}) and (published_at, document_id) > ($${at + 1}::timestamptz, $${at + 2})`,
      [...listing.params, publishedAt, documentId],
    );
    return rows[0]?.n ?? 0;
  },

  /** A slice of the listing, oldest first. */
  async slice(db: Db, listing: Listing, offset: number, limit: number): Promise<DocumentSummary[]> {
    const at = listing.params.length;
    const { rows } = await db.query<{ summary: DocumentSummary }>(
      `select summary from site_documents where state = 'live' and (${listing.where})
       order by published_at, document_id offset $${at + 1} limit $${at + 2}`,
      [...listing.params, offset, limit],
    );
    return rows.map((row) => row.summary);
  },

  /** The newest live documents, newest first. */
  async latest(db: Db, limit: number): Promise<DocumentSummary[]> {
    const { rows } = await db.query<{ summary: DocumentSummary }>(
      `select summary from site_documents where state = 'live' order by published_at desc, document_id desc limit $1`,
      [limit],
    );
    return rows.map((row) => row.summary);
  },

  /** Every listing with at least one live document: the navigation links only these. */
  async nonEmptyListingSummaries(db: Db): Promise<DocumentSummary[]> {
    // One representative summary per distinct (kind, organ, year, topics, validity) is enough to name every non-empty listing.
    const { rows } = await db.query<{ summary: DocumentSummary }>(
      `select distinct on (summary->>'kind', summary->>'issuingOrgan', year, summary->'topics', summary->>'validity')
         summary from site_documents where state = 'live'
       order by summary->>'kind', summary->>'issuingOrgan', year, summary->'topics', summary->>'validity', document_id`,
    );
    return rows.map((row) => row.summary);
  },

  /** Live documents of one year, for that year's sitemap part. */
  async sitemapEntries(db: Db, year: string): Promise<Array<{ documentId: string; lastModified: string }>> {
    const { rows } = await db.query<{ document_id: string; last_modified: string }>(
      `select document_id, last_modified from site_documents where state = 'live' and year = $1
       order by published_at, document_id`,
      [year],
    );
    return rows.map((row) => ({ documentId: row.document_id, lastModified: row.last_modified }));
  },

  async sitemapYears(db: Db): Promise<Array<{ year: string; lastModified: string }>> {
    const { rows } = await db.query<{ year: string; last_modified: string }>(
      `select year, max(last_modified) as last_modified from site_documents where state = 'live' group by 1 order by 1`,
    );
    return rows.map((row) => ({ year: row.year, lastModified: row.last_modified }));
  },

  async fact(db: Db, name: string): Promise<string | undefined> {
    const { rows } = await db.query<{ value: string }>('select value from site_facts where name = $1', [name]);
    return rows[0]?.value;
  },

  async setFact(db: Db, name: string, value: string): Promise<void> {
    await db.query(
      'insert into site_facts (name, value) values ($1, $2) on conflict (name) do update set value = excluded.value',
      [name, value],
    );
  },

  /** The digests of what the portal last wrote at these keys. */
  async objectDigests(db: Db, keys: readonly string[]): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const { rows } = await db.query<{ key: string; digest: string }>('select key, digest from site_objects where key = any($1)', [
      keys,
    ]);
    return new Map(rows.map((row) => [row.key, row.digest]));
  },

  async recordObjects(db: Db, objects: ReadonlyArray<{ key: string; digest: string }>): Promise<void> {
    if (objects.length === 0) return;
    await db.query(
      `insert into site_objects (key, digest) select * from unnest($1::text[], $2::text[])
       on conflict (key) do update set digest = excluded.digest`,
      [objects.map((object) => object.key), objects.map((object) => object.digest)],
    );
  },

  async forgetObjects(db: Db, keys: readonly string[]): Promise<void> {
    await db.query('delete from site_objects where key = any($1)', [keys]);
  },
};
