import { createHash } from 'node:crypto';
import type { ContentPublished, DocumentRevision, ImageBlock } from '@tongyuan/contracts';
import { InvalidInputError } from '@tongyuan/errors';
import {
  type AccountProfile,
  articleImagesOf,
  type FeedItem,
  feedItemOf,
  feedItemText,
  prepareInlineImage,
  recentResults,
  renderH5Page,
  renderJsonFeed,
} from '@tongyuan/newmedia-article';
import type { ObjectStore, Provenance } from '@tongyuan/object-store';
import { CoalescingQueue } from '../concurrency.js';
import type { DeliveryStore, FeedPlace } from '../delivery/delivery-store.js';

/** The bucket layout the ops audit reads: keep these exactly. */
export const newmediaKeys = {
  feed: (accountId: string) => `accounts/${accountId}/feed.json`,
  /** Older items, in pages of FEED_PAGE cut from the oldest (page 1 holds the oldest): the feed's `next_url` chain. */
  feedPage: (accountId: string, page: number) => `accounts/${accountId}/feed/${page}.json`,
  h5: (accountId: string, documentId: string) => `accounts/${accountId}/articles/${documentId}/index.html`,
  record: (accountId: string, documentId: string, revision: number) =>
    `accounts/${accountId}/wechat/${documentId}/r${revision}.json`,
  /** In-article images as the H5 page shows them, by the original's SHA-256: shared by every account. */
  media: (image: ImageBlock, mediaType: 'image/jpeg' | 'image/png') =>
    `media/${image.sha256}.${mediaType === 'image/png' ? 'png' : 'jpg'}`,
};

export interface PreparedImage {
  block: ImageBlock;
  original: Buffer;
  bytes: Buffer;
  mediaType: 'image/jpeg' | 'image/png';
  key: string;
}

const PAGE_CACHE = 'public, max-age=60';
const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';

export interface AccountFeedOptions {
  store: ObjectStore;
  assets: ObjectStore;
  deliveries: DeliveryStore;
  portalBaseUrl: string;
  newmediaBaseUrl: string;
  /** Items in feed.json, newest first (default 50). */
  feedWindow?: number;
  /** Items per archive page (default 100). */
  feedPage?: number;
}

/** Where in the account's feed order something changed since its last rebuild; `all` after a start (nothing known). */
type DirtyPlaces = FeedPlace[] | 'all';

/** The one of two places that comes first in feed order (oldest first, ties by document id, descending). */
const earlierPlace = (a: FeedPlace | undefined, b: FeedPlace): FeedPlace => {
  if (a === undefined) return b;
  const [ta, tb] = [Date.parse(a.publishedAt), Date.parse(b.publishedAt)];
  if (ta !== tb) return ta < tb ? a : b;
  return a.documentId > b.documentId ? a : b;
};

/** What the project serves itself per account: the JSON Feed and the H5 reading pages, always the current revision. */
export class AccountFeeds {
  // Under load an account's feed is rewritten at most twice a second: deliveries finishing meanwhile share a rebuild.
  private readonly feedRebuilds = new CoalescingQueue(500);
  /** Per account, the items last rendered, with their JSON text: a rebuild reads and renders only what changed. */
  private readonly itemTexts = new Map<string, Map<string, { item: FeedItem; text: string }>>();
  /** Per account, where its feed changed since the last rebuild began. */
  private readonly dirty = new Map<string, DirtyPlaces>();
  /** The images of the latest few revisions, as prepared (by documentId/revision/fingerprint). */
  private readonly preparedImages = recentResults<Map<string, PreparedImage>>(8);
  /** Per account, the archive pages as last written (unknown after a start: the first rebuild lists them). */
  private readonly pageCounts = new Map<string, number>();

  private itemCache(accountId: string): Map<string, { item: FeedItem; text: string }> {
    return this.itemTexts.get(accountId) ?? new Map();
  }
  constructor(private readonly options: AccountFeedOptions) {}

  portalUrl(documentId: string): string {
    return `${this.options.portalBaseUrl.replace(/\/+$/, '')}/documents/${documentId}/`;
  }

  h5Url(accountId: string, documentId: string): string {
    return `${this.base}/accounts/${accountId}/articles/${documentId}/`;
  }

  feedUrl(accountId: string): string {
    return `${this.base}/${newmediaKeys.feed(accountId)}`;
  }

  private get base(): string {
    return this.options.newmediaBaseUrl.replace(/\/+$/, '');
  }

  /**
   * Every in-article image, read from the assets bucket (refused unless its SHA-256 is the one the revision was
   * reviewed with), re-encoded for WeChat (JPG/PNG < 1 MB) and stored for the H5 page.
   */
  prepareImages(revision: DocumentRevision, provenance: Provenance): Promise<Map<string, PreparedImage>> {
    // The same for every account and both stages of a delivery: the latest few revisions' are kept (a failure is not).
    const key = `${provenance.documentId}/${provenance.revision}/${provenance.fingerprint}`;
    return this.preparedImages(key, () => this.prepareImagesOf(revision, provenance));
  }

  private async prepareImagesOf(revision: DocumentRevision, provenance: Provenance): Promise<Map<string, PreparedImage>> {
    const prepared = new Map<string, PreparedImage>();
    for (const block of articleImagesOf(revision)) {
      const stored = await this.options.assets.get(block.key);
      if (stored === null) {
        throw new InvalidInputError(
          `image ${block.key} is not in bucket ${this.options.assets.bucket}`,
          [{ field: 'body.key', reason: 'missing' }],
          'MEDIA_MISSING',
        );
      }
      const sha256 = createHash('sha256').update(stored.body).digest('hex');
      if (sha256 !== block.sha256) {
        throw new InvalidInputError(
          `image ${block.key}: stored SHA-256 ${sha256}, the revision states ${block.sha256}`,
          [{ field: 'body.sha256', reason: 'mismatch' }],
          'MEDIA_SHA256_MISMATCH',
        );
      }
      const { bytes, mediaType } = await prepareInlineImage(stored.body);
      const key = newmediaKeys.media(block, mediaType);
      if ((await this.options.store.head(key)) === null) {
        await this.options.store.put(key, bytes, { contentType: mediaType, cacheControl: IMMUTABLE_CACHE, provenance });
      }
      prepared.set(block.key, { block, original: stored.body, bytes, mediaType, key });
    }
    return prepared;
  }

  /** The account now carries this revision: its H5 page and its feed item. Returns the keys, or null for an older revision. */
  async show(account: AccountProfile, event: ContentPublished, images: Map<string, PreparedImage>): Promise<string[] | null> {
    const keys = await this.showPage(account, event, images);
    if (keys !== null) await this.writeFeed(account);
    return keys;
  }

  /** A withdrawal: the item leaves the feed and the H5 page is deleted. Returns the keys changed, or null for an older revision. */
  async withdraw(account: AccountProfile, event: ContentPublished): Promise<string[] | null> {
    const keys = await this.dropPage(account, event);
    if (keys !== null) await this.writeFeed(account);
    return keys;
  }

  /**
   * The feed as the account carries it now (a rebuild that starts after the call: it has every change made before).
   * Rebuilds are shared: deliveries finishing meanwhile wait for the same one.
   */
  writeFeed(account: AccountProfile): Promise<void> {
    return this.rebuildFeed(account);
  }

  /** `show` without the feed: the item stored (the feed's next rebuild has it) and the H5 page written. */
  async showPage(account: AccountProfile, event: ContentPublished, images: Map<string, PreparedImage>): Promise<string[] | null> {
    const { revision, fingerprint } = event;
    const provenance = { documentId: revision.documentId, revision: revision.revision, fingerprint };
    const imageUrl = (image: ImageBlock) => {
      const found = images.get(image.key);
      return found ? `${this.base}/${found.key}` : '';
    };
    const h5Url = this.h5Url(account.id, revision.documentId);
    const portalUrl = this.portalUrl(revision.documentId);
    const feedItem = feedItemOf({ revision, fingerprint, h5Url, portalUrl, imageUrl });
    const carried = await this.options.deliveries.carry({
      documentId: revision.documentId,
      accountId: account.id,
      revision: revision.revision,
      fingerprint,
      status: 'live',
      feedItem,
    });
    if (carried === null) return null;
    this.touch(account.id, { publishedAt: feedItem.date_published, documentId: revision.documentId }, carried.before);
    const h5Key = newmediaKeys.h5(account.id, revision.documentId);
    const page = renderH5Page({ revision, fingerprint, account, portalUrl, feedUrl: this.feedUrl(account.id), imageUrl });
    // Written, not compared first (a HEAD per page): a page is written again only when a delivery is run again, and
    // the same bytes keep the same ETag for readers' caches.
    await this.options.store.put(h5Key, page, {
      contentType: 'text/html; charset=utf-8',
      cacheControl: PAGE_CACHE,
      provenance,
    });
    return [newmediaKeys.feed(account.id), h5Key, ...[...images.values()].map((image) => image.key)];
  }

  /** `withdraw` without the feed: the item marked withdrawn (the feed's next rebuild drops it) and the H5 page deleted. */
  async dropPage(account: AccountProfile, event: ContentPublished): Promise<string[] | null> {
    const { revision, fingerprint } = event;
    const carried = await this.options.deliveries.carry({
      documentId: revision.documentId,
      accountId: account.id,
      revision: revision.revision,
      fingerprint,
      status: 'withdrawn',
      feedItem: null,
    });
    if (carried === null) return null;
    this.touch(account.id, carried.before);
    await this.options.store.delete(newmediaKeys.h5(account.id, revision.documentId));
    return [newmediaKeys.feed(account.id)];
  }

  private touch(accountId: string, ...places: Array<FeedPlace | null>): void {
    const dirty = this.dirty.get(accountId) ?? 'all';
    if (dirty === 'all') return;
    for (const place of places) if (place !== null) dirty.push(place);
  }

  /**
   * The feed from what the account carries now (PostgreSQL), one writer per account at a time; deliveries finishing
   * while a rebuild waits share it (it reads the state after theirs). feed.json holds the newest items and links, by
   * `next_url`, the archive pages, newest page first; the pages are cut from the oldest, so a new item rewrites
   * feed.json and the last page, and an item changed further back rewrites the pages from its own on.
   */
  private rebuildFeed(account: AccountProfile): Promise<void> {
    return this.feedRebuilds.run(account.id, async () => {
      const { deliveries, store } = this.options;
      const windowSize = this.options.feedWindow ?? 50;
      const pageSize = this.options.feedPage ?? 100;
      const changed = this.dirty.get(account.id) ?? 'all';
      this.dirty.set(account.id, []); // changes from now on are the next rebuild's
      try {
        const cache = this.itemCache(account.id);
        const rendered = new Map<string, { item: FeedItem; text: string }>();
        const read = async (slice: { offset: number; limit: number; from: 'oldest' | 'newest' }) => {
          const rows = await deliveries.feedSlice(account.id, slice, new Set(cache.keys()));
          const items: FeedItem[] = [];
          const texts = new Map<FeedItem, string>();
          for (const row of rows) {
            const entry =
              cache.get(row.key) ?? (row.item === null ? undefined : { item: row.item, text: feedItemText(row.item) });
            if (entry === undefined) continue; // changed between the two reads: the next rebuild (queued behind its change) has it
            rendered.set(row.key, entry);
            items.push(entry.item);
            texts.set(entry.item, entry.text);
          }
          return { items, text: (item: FeedItem) => texts.get(item) ?? feedItemText(item) };
        };
        const total = await deliveries.feedCount(account.id);
        const pages = Math.ceil(total / pageSize);
        const pagesBefore = this.pageCounts.get(account.id) ?? (await this.storedPages(account.id));
        // 0-based: pages from this one on are written again — from the earliest place that changed.
        const earliest = changed === 'all' ? undefined : changed.reduce<FeedPlace | undefined>(earlierPlace, undefined);
        const firstChanged =
          changed === 'all'
            ? 0
            : earliest === undefined
              ? pages
              : Math.floor((await deliveries.feedItemsBefore(account.id, earliest)) / pageSize);
        const feedUrl = this.feedUrl(account.id);
        const homePageUrl = this.options.portalBaseUrl;
        const options = { contentType: 'application/feed+json; charset=utf-8', cacheControl: PAGE_CACHE };
        for (let page = firstChanged; page < pages; page++) {
          const { items, text } = await read({ offset: page * pageSize, limit: pageSize, from: 'oldest' });
          const nextUrl = page > 0 ? this.pageUrl(account.id, page) : undefined;
          await store.putIfChanged(
            newmediaKeys.feedPage(account.id, page + 1),
            renderJsonFeed({ account, feedUrl, homePageUrl, items, ...(nextUrl ? { nextUrl } : {}) }, text),
            options,
          );
        }
        const stale = Array.from({ length: Math.max(0, pagesBefore - pages) }, (_, i) =>
          newmediaKeys.feedPage(account.id, pages + i + 1),
        );
        if (stale.length > 0) await store.deleteMany(stale);
        this.pageCounts.set(account.id, pages);

        const { items, text } = await read({ offset: 0, limit: windowSize, from: 'newest' });
        const nextUrl = pages > 0 ? this.pageUrl(account.id, pages) : undefined;
        await store.putIfChanged(
          newmediaKeys.feed(account.id),
          renderJsonFeed({ account, feedUrl, homePageUrl, items, ...(nextUrl ? { nextUrl } : {}) }, text),
          { ...options, metadata: { 'item-count': String(total) } },
        );
        // Only what was rendered now: the window and the pages written (the rest is read again when it changes).
        this.itemTexts.set(account.id, rendered);
      } catch (error) {
        this.dirty.set(account.id, 'all'); // what this rebuild was to write is not known to be written
        throw error;
      }
    });
  }

  /** The archive pages in the bucket, counted once after a start. */
  private async storedPages(accountId: string): Promise<number> {
    let count = 0;
    for await (const _ of this.options.store.list(`accounts/${accountId}/feed/`)) count++;
    return count;
  }

  private pageUrl(accountId: string, page: number): string {
    return `${this.base}/${newmediaKeys.feedPage(accountId, page)}`;
  }

  async writeRecord(accountId: string, event: ContentPublished, record: object): Promise<string> {
    const { revision, fingerprint } = event;
    const key = newmediaKeys.record(accountId, revision.documentId, revision.revision);
    await this.options.store.put(key, `${JSON.stringify(record, null, 2)}\n`, {
      contentType: 'application/json; charset=utf-8',
      cacheControl: 'no-cache',
      provenance: { documentId: revision.documentId, revision: revision.revision, fingerprint },
    });
    return key;
  }
}
