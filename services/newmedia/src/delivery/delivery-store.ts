import { ContentPublished, type DeliveryError } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';
import type { FeedItem } from '@tongyuan/newmedia-article';

export type DeliveryForm = 'article' | 'correction-notice' | 'withdrawal';
export type DeliveryStep =
  | 'pending'
  | 'images-uploaded'
  | 'cover-uploaded'
  | 'draft-added'
  | 'submitting'
  | 'submitted'
  | 'published'
  | 'withdrawn'
  | 'failed'
  | 'superseded';
export type DeliveryStateName = 'pending' | 'delivering' | 'delivered' | 'failed' | 'withdrawn' | 'superseded';

export interface DeliveryKey {
  documentId: string;
  revision: number;
  accountId: string;
}

export interface CoverMaterials {
  coverMediaId: string;
  coverUrl: string | null;
  thumbMediaId: string;
}

export interface Delivery extends DeliveryKey {
  fingerprint: string;
  form: DeliveryForm;
  step: DeliveryStep;
  state: DeliveryStateName;
  attempt: number;
  imageUrls: Record<string, string>;
  cover: CoverMaterials | null;
  draftMediaId: string | null;
  /** A draft/add was sent and its answer not stored yet. */
  draftingAt: Date | null;
  submittingAt: Date | null;
  publishId: string | null;
  articleId: string | null;
  articleUrl: string | null;
  error: DeliveryError | null;
  /** When the worker takes it up (a retry, or a lease's end). */
  retryAt: Date | null;
  polls: number;
  artifactKeys: string[];
}

/** Where an item sits in its account's feed order. */
export interface FeedPlace {
  publishedAt: string;
  documentId: string;
}

export interface CarriedDocument {
  documentId: string;
  accountId: string;
  revision: number;
  fingerprint: string;
  status: 'live' | 'withdrawn';
  feedItem: FeedItem | null;
  /** The first article published for the document: correction notices name and link it. */
  original: { title: string; url: string | null; revision: number; articleId: string } | null;
}

const columns: Record<string, string> = {
  fingerprint: 'fingerprint',
  form: 'form',
  step: 'step',
  state: 'state',
  attempt: 'attempt',
  imageUrls: 'image_urls',
  cover: 'cover',
  draftMediaId: 'draft_media_id',
  draftingAt: 'drafting_at',
  submittingAt: 'submitting_at',
  publishId: 'publish_id',
  articleId: 'article_id',
  articleUrl: 'article_url',
  error: 'error',
  retryAt: 'retry_at',
  pollAt: 'poll_at',
  polls: 'polls',
  artifactKeys: 'artifact_keys',
};
const jsonColumns = new Set(['image_urls', 'cover', 'error', 'artifact_keys']);

export type DeliveryPatch = Partial<Omit<Delivery, keyof DeliveryKey>> & { retryAt?: Date | null; pollAt?: Date | null };

interface Row {
  document_id: string;
  revision: number;
  account_id: string;
  fingerprint: string;
  form: DeliveryForm;
  step: DeliveryStep;
  state: DeliveryStateName;
  attempt: number;
  image_urls: Record<string, string>;
  cover: CoverMaterials | null;
  draft_media_id: string | null;
  drafting_at: Date | null;
  submitting_at: Date | null;
  publish_id: string | null;
  article_id: string | null;
  article_url: string | null;
  error: DeliveryError | null;
  retry_at: Date | null;
  polls: number;
  artifact_keys: string[];
}

const fromRow = (row: Row): Delivery => ({
  documentId: row.document_id,
  revision: row.revision,
  accountId: row.account_id,
  fingerprint: row.fingerprint,
  form: row.form,
  step: row.step,
  state: row.state,
  attempt: row.attempt,
  imageUrls: row.image_urls,
  cover: row.cover,
  draftMediaId: row.draft_media_id,
  draftingAt: row.drafting_at,
  submittingAt: row.submitting_at,
  publishId: row.publish_id,
  articleId: row.article_id,
  articleUrl: row.article_url,
  error: row.error,
  retryAt: row.retry_at,
  polls: row.polls,
  artifactKeys: row.artifact_keys,
});

const keyParams = (key: DeliveryKey) => [key.documentId, key.revision, key.accountId];
const KEY = 'document_id = $1 and revision = $2 and account_id = $3';
/** The rows of an account's feed ($1 = the account). */
const FEED_ITEMS = "account_id = $1 and status = 'live' and feed_item is not null";

/** The service's PostgreSQL state: revisions received, deliveries, what each account carries, articles on WeChat. */
export class DeliveryStore {
  private readonly recentRevisions = new Map<string, ContentPublished>();

  constructor(private readonly pool: Pool) {}

  /**
   * Runs fn holding a session advisory lock on `name`, so one instance at a time works on a delivery; false (fn not
   * run) when another holds it. The lock goes with the connection if the process dies.
   */
  async whileLocked(name: string, fn: () => Promise<void>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>(
        "select pg_try_advisory_lock(hashtext('newmedia-delivery'), hashtext($1)) as locked",
        [name],
      );
      if (!rows[0]?.locked) return false;
      try {
        await fn();
      } finally {
        await client.query("select pg_advisory_unlock(hashtext('newmedia-delivery'), hashtext($1))", [name]);
      }
      return true;
    } finally {
      client.release();
    }
  }

  async saveRevision(event: ContentPublished): Promise<void> {
    const saved = await this.pool.query(
      'insert into newmedia_revisions (document_id, revision, fingerprint, event) values ($1, $2, $3, $4) on conflict do nothing',
      [event.revision.documentId, event.revision.revision, event.fingerprint, JSON.stringify(event)],
    );
    if (saved.rowCount === 1) this.remember(event);
  }

  /** A stored revision (read at every step of its deliveries): kept in memory once read, as it never changes. */
  async revision(documentId: string, revision: number): Promise<ContentPublished | null> {
    const cached = this.recentRevisions.get(`${documentId}/${revision}`);
    if (cached !== undefined) return cached;
    const found = await this.pool.query<{ event: unknown }>(
      'select event from newmedia_revisions where document_id = $1 and revision = $2',
      [documentId, revision],
    );
    if (!found.rows[0]) return null;
    const event = ContentPublished.parse(found.rows[0].event);
    this.remember(event);
    return event;
  }

  private remember(event: ContentPublished): void {
    const key = `${event.revision.documentId}/${event.revision.revision}`;
    this.recentRevisions.delete(key);
    this.recentRevisions.set(key, event);
    // Least recently stored first: the oldest goes once the map is full.
    if (this.recentRevisions.size > 500) this.recentRevisions.delete(this.recentRevisions.keys().next().value ?? '');
  }

  async get(key: DeliveryKey): Promise<Delivery | null> {
    const found = await this.pool.query<Row>(`select * from newmedia_deliveries where ${KEY}`, keyParams(key));
    return found.rows[0] ? fromRow(found.rows[0]) : null;
  }

  /**
   * The delivery, created pending when new (`created` says which) and leased until `leaseUntil`: should its run never
   * happen (a crash), the worker starts it then.
   */
  async open(
    key: DeliveryKey,
    fingerprint: string,
    form: DeliveryForm,
    leaseUntil: Date,
  ): Promise<{ delivery: Delivery; created: boolean }> {
    const inserted = await this.pool.query<Row>(
      `insert into newmedia_deliveries (document_id, revision, account_id, fingerprint, form, step, state, retry_at)
       values ($1, $2, $3, $4, $5, 'pending', 'pending', $6) on conflict do nothing returning *`,
      [...keyParams(key), fingerprint, form, leaseUntil],
    );
    if (inserted.rows[0]) return { delivery: fromRow(inserted.rows[0]), created: true };
    const existing = await this.get(key);
    if (!existing) throw new Error(`delivery ${key.documentId}/${key.revision}/${key.accountId} vanished`);
    return { delivery: existing, created: false };
  }

  async update(key: DeliveryKey, patch: DeliveryPatch): Promise<Delivery> {
    const updated = await this.patch(key, patch);
    if (updated === null) throw new Error(`no delivery ${key.documentId}/${key.revision}/${key.accountId}`);
    return updated;
  }

  /**
   * The patch, applied only while the delivery is in one of the states `from`: null (nothing changed) once it has moved
   * on. A state change that may come late — after a run elsewhere finished the delivery — goes through here.
   */
  updateIf(key: DeliveryKey, from: readonly DeliveryStateName[], patch: DeliveryPatch): Promise<Delivery | null> {
    return this.patch(key, patch, from);
  }

  private async patch(key: DeliveryKey, patch: DeliveryPatch, from?: readonly DeliveryStateName[]): Promise<Delivery | null> {
    const sets: string[] = [];
    const values: unknown[] = keyParams(key);
    for (const [field, value] of Object.entries(patch)) {
      const column = columns[field];
      if (column === undefined || value === undefined) continue;
      values.push(jsonColumns.has(column) && value !== null ? JSON.stringify(value) : value);
      sets.push(`${column} = $${values.length}`);
    }
    let where = KEY;
    if (from !== undefined) {
      values.push(from);
      where += ` and state = any($${values.length}::text[])`;
    }
    const updated = await this.pool.query<Row>(
      `update newmedia_deliveries set ${[...sets, 'updated_at = now()'].join(', ')} where ${where} returning *`,
      values,
    );
    return updated.rows[0] ? fromRow(updated.rows[0]) : null;
  }

  /** The state told on delivery.status, if the delivery is (still) in it. */
  async markReported(key: DeliveryKey, state: string): Promise<void> {
    await this.pool.query(`update newmedia_deliveries set reported_state = $4 where ${KEY} and state = $4`, [
      ...keyParams(key),
      state,
    ]);
  }

  /**
   * Deliveries whose end state was stored but not told (the process died in between), settled for `olderThanMs`. Only
   * final states: a failed delivery is retried, and telling a stale `failed` after its retry succeeded would undo it.
   */
  async unreported(olderThanMs: number, limit = 100): Promise<Delivery[]> {
    const found = await this.pool.query<Row>(
      `select * from newmedia_deliveries
       where reported_state is distinct from state and state in ('delivered', 'withdrawn', 'superseded')
         and updated_at < now() - $1 * interval '1 millisecond'
       order by updated_at limit $2`,
      [olderThanMs, limit],
    );
    return found.rows.map(fromRow);
  }

  /** Earlier revisions' deliveries to the account that have not ended. */
  async unfinishedBefore(key: DeliveryKey): Promise<Delivery[]> {
    const found = await this.pool.query<Row>(
      `select * from newmedia_deliveries where document_id = $1 and revision < $2 and account_id = $3
       and state in ('pending', 'delivering', 'failed') order by revision`,
      keyParams(key),
    );
    return found.rows.map(fromRow);
  }

  async byPublishId(accountId: string, publishId: string): Promise<Delivery | null> {
    const found = await this.pool.query<Row>('select * from newmedia_deliveries where account_id = $1 and publish_id = $2', [
      accountId,
      publishId,
    ]);
    return found.rows[0] ? fromRow(found.rows[0]) : null;
  }

  /**
   * Deliveries whose retry or poll is due, leased for `leaseMs` (another instance's worker skips them meanwhile):
   * retries of pending/failed ones, and polls of submitted ones.
   */
  async claimDue(leaseMs: number, limit = 20): Promise<Array<{ delivery: Delivery; due: 'retry' | 'poll' }>> {
    const claimed = await this.pool.query<Row & { due: 'retry' | 'poll' }>(
      `with due as (
         select document_id, revision, account_id from newmedia_deliveries
         where (retry_at <= now() and state in ('pending', 'delivering', 'failed')) or (poll_at <= now() and step = 'submitted')
         order by coalesce(least(retry_at, poll_at), retry_at, poll_at) limit $2 for update skip locked)
       update newmedia_deliveries d set
         retry_at = case when d.retry_at <= now() and d.state in ('pending', 'delivering', 'failed') then now() + $1 * interval '1 millisecond' else d.retry_at end,
         poll_at = case when d.poll_at <= now() and d.step = 'submitted' then now() + $1 * interval '1 millisecond' else d.poll_at end
       from due where d.document_id = due.document_id and d.revision = due.revision and d.account_id = due.account_id
       returning d.*, case when d.step = 'submitted' then 'poll' else 'retry' end as due`,
      [leaseMs, limit],
    );
    return claimed.rows.map((row) => ({ delivery: fromRow(row), due: row.due }));
  }

  async carried(documentId: string, accountId: string): Promise<CarriedDocument | null> {
    const found = await this.pool.query<{
      revision: number;
      fingerprint: string;
      status: 'live' | 'withdrawn';
      feed_item: FeedItem | null;
      original: CarriedDocument['original'];
    }>(
      'select revision, fingerprint, status, feed_item, original from newmedia_documents where document_id = $1 and account_id = $2',
      [documentId, accountId],
    );
    const row = found.rows[0];
    return row
      ? {
          documentId,
          accountId,
          revision: row.revision,
          fingerprint: row.fingerprint,
          status: row.status,
          feedItem: row.feed_item,
          original: row.original,
        }
      : null;
  }

  /** Accounts that carry the document live: a withdrawal reaches each of them, whatever its targeting says now. */
  async accountsCarrying(documentId: string): Promise<string[]> {
    const found = await this.pool.query<{ account_id: string }>(
      "select account_id from newmedia_documents where document_id = $1 and status = 'live'",
      [documentId],
    );
    return found.rows.map((row) => row.account_id);
  }

  /**
   * Records the revision the account now carries; never lowers it (an older revision after a newer changes nothing:
   * then null). Says where the document sat in the feed before, so the pages from there on can be written again.
   */
  async carry(document: Omit<CarriedDocument, 'original'>): Promise<{ before: FeedPlace | null } | null> {
    // Every part of the statement sees the table as it was before it: `previous` is the row before the write.
    const written = await this.pool.query<{ previous_published_at: Date | null }>(
      `with previous as (
         select feed_published_at from newmedia_documents where document_id = $1 and account_id = $2
           and status = 'live' and feed_item is not null)
       insert into newmedia_documents (document_id, account_id, revision, fingerprint, status, feed_item, feed_published_at)
       values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (document_id, account_id) do update set revision = excluded.revision, fingerprint = excluded.fingerprint,
         status = excluded.status, feed_item = excluded.feed_item, feed_published_at = excluded.feed_published_at,
         updated_at = now()
       where newmedia_documents.revision <= excluded.revision
       returning (select feed_published_at from previous) as previous_published_at`,
      [
        document.documentId,
        document.accountId,
        document.revision,
        document.fingerprint,
        document.status,
        document.feedItem === null ? null : JSON.stringify(document.feedItem),
        document.feedItem?.date_published ?? null,
      ],
    );
    const row = written.rows[0];
    if (row === undefined) return null;
    return {
      before:
        row.previous_published_at === null
          ? null
          : { publishedAt: row.previous_published_at.toISOString(), documentId: document.documentId },
    };
  }

  async setOriginal(documentId: string, accountId: string, original: NonNullable<CarriedDocument['original']>): Promise<void> {
    await this.pool.query(
      'update newmedia_documents set original = $3 where document_id = $1 and account_id = $2 and original is null',
      [documentId, accountId, JSON.stringify(original)],
    );
  }

  /** How many items the account's feed holds. */
  async feedCount(accountId: string): Promise<number> {
    const found = await this.pool.query<{ n: number }>(`select count(*)::int as n from newmedia_documents where ${FEED_ITEMS}`, [
      accountId,
    ]);
    return found.rows[0]?.n ?? 0;
  }

  /** How many of the account's feed items come before this place in feed order (oldest first, ties by document id, descending). */
  async feedItemsBefore(accountId: string, place: FeedPlace): Promise<number> {
    const found = await this.pool.query<{ n: number }>(
      `select count(*)::int as n from newmedia_documents where ${FEED_ITEMS}
         and (feed_published_at < $2 or (feed_published_at = $2 and document_id > $3))`,
      [accountId, place.publishedAt, place.documentId],
    );
    return found.rows[0]?.n ?? 0;
  }

  /**
   * A run of the account's feed items in feed order — `newest` counts from the newest end — reading in full only those
   * not in `known` (keyed documentId/revision/fingerprint): the rest the caller has rendered before.
   */
  async feedSlice(
    accountId: string,
    slice: { offset: number; limit: number; from: 'oldest' | 'newest' },
    known: ReadonlySet<string>,
  ): Promise<Array<{ key: string; item: FeedItem | null }>> {
    const order = slice.from === 'oldest' ? 'feed_published_at, document_id desc' : 'feed_published_at desc, document_id';
    const index = await this.pool.query<{ document_id: string; revision: number; fingerprint: string }>(
      `select document_id, revision, fingerprint from newmedia_documents
        where ${FEED_ITEMS} order by ${order} offset $2 limit $3`,
      [accountId, slice.offset, slice.limit],
    );
    const keyOf = (row: { document_id: string; revision: number; fingerprint: string }) =>
      `${row.document_id}/${row.revision}/${row.fingerprint}`;
    const missing = index.rows.filter((row) => !known.has(keyOf(row))).map((row) => row.document_id);
    const full =
      missing.length === 0
        ? []
        : (
            await this.pool.query<{ document_id: string; revision: number; fingerprint: string; feed_item: FeedItem }>(
              `select document_id, revision, fingerprint, feed_item from newmedia_documents
               where ${FEED_ITEMS} and document_id = any($2)`,
              [accountId, missing],
            )
          ).rows;
    const read = new Map(full.map((row) => [keyOf(row), row.feed_item]));
    return index.rows.map((row) => ({ key: keyOf(row), item: read.get(keyOf(row)) ?? null }));
  }

  async addArticle(article: {
    accountId: string;
    articleId: string;
    documentId: string;
    revision: number;
    url: string | null;
  }): Promise<void> {
    await this.pool.query(
      `insert into newmedia_articles (account_id, article_id, document_id, revision, url) values ($1, $2, $3, $4, $5)
       on conflict do nothing`,
      [article.accountId, article.articleId, article.documentId, article.revision, article.url],
    );
  }

  async liveArticles(documentId: string, accountId: string): Promise<Array<{ articleId: string; revision: number }>> {
    const found = await this.pool.query<{ article_id: string; revision: number }>(
      'select article_id, revision from newmedia_articles where document_id = $1 and account_id = $2 and not deleted order by revision',
      [documentId, accountId],
    );
    return found.rows.map((row) => ({ articleId: row.article_id, revision: row.revision }));
  }

  async markArticleDeleted(accountId: string, articleId: string): Promise<void> {
    await this.pool.query('update newmedia_articles set deleted = true where account_id = $1 and article_id = $2', [
      accountId,
      articleId,
    ]);
  }
}
