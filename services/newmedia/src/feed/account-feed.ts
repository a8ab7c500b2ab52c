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
  renderH5Page,
  renderJsonFeed,
} from '@tongyuan/newmedia-article';
import type { ObjectStore, Provenance } from '@tongyuan/object-store';
import { CoalescingQueue } from '../concurrency.js';
import type { DeliveryStore } from '../delivery/delivery-store.js';

/** The bucket layout the ops audit reads: keep these exactly. */
export const newmediaKeys = {
  feed: (accountId: string) => `accounts/${accountId}/feed.json`,
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
}

/** What the project serves itself per account: the JSON Feed and the H5 reading pages, always the current revision. */
export class AccountFeeds {
  // A feed holds every item the account carries (megabytes): under load it is rewritten at most twice a second.
  private readonly feedRebuilds = new CoalescingQueue(500);
  /** Per account, the feed's items as last rendered, with their JSON text: a rebuild reads and renders only what changed. */
  private readonly itemTexts = new Map<string, Map<string, { item: FeedItem; text: string }>>();

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
  async prepareImages(revision: DocumentRevision, provenance: Provenance): Promise<Map<string, PreparedImage>> {
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
    if (!carried) return null;
    const h5Key = newmediaKeys.h5(account.id, revision.documentId);
    const page = renderH5Page({ revision, fingerprint, account, portalUrl, feedUrl: this.feedUrl(account.id), imageUrl });
    await this.options.store.putIfChanged(h5Key, page, {
      contentType: 'text/html; charset=utf-8',
      cacheControl: PAGE_CACHE,
      provenance,
    });
    await this.rebuildFeed(account);
    return [newmediaKeys.feed(account.id), h5Key, ...[...images.values()].map((image) => image.key)];
  }

  /** A withdrawal: the item leaves the feed and the H5 page is deleted. Returns the keys changed, or null for an older revision. */
  async withdraw(account: AccountProfile, event: ContentPublished): Promise<string[] | null> {
    const { revision, fingerprint } = event;
    const carried = await this.options.deliveries.carry({
      documentId: revision.documentId,
      accountId: account.id,
      revision: revision.revision,
      fingerprint,
      status: 'withdrawn',
      feedItem: null,
    });
    if (!carried) return null;
    await this.options.store.delete(newmediaKeys.h5(account.id, revision.documentId));
    await this.rebuildFeed(account);
    return [newmediaKeys.feed(account.id)];
  }

  /**
   * The feed from what the account carries now (PostgreSQL), one writer per account at a time; deliveries finishing
   * while a rebuild waits share it (it reads the state after theirs).
   */
  private rebuildFeed(account: AccountProfile): Promise<void> {
    return this.feedRebuilds.run(account.id, async () => {
      const cache = this.itemCache(account.id);
      const rows = await this.options.deliveries.feedItemsExcept(account.id, new Set(cache.keys()));
      const items: FeedItem[] = [];
      const texts = new Map<FeedItem, string>();
      const current = new Map<string, { item: FeedItem; text: string }>();
      for (const row of rows) {
        const entry = cache.get(row.key) ?? (row.item === null ? undefined : { item: row.item, text: feedItemText(row.item) });
        if (entry === undefined) continue; // changed between the two reads: the next rebuild (queued behind its change) has it
        current.set(row.key, entry);
        items.push(entry.item);
        texts.set(entry.item, entry.text);
      }
      this.itemTexts.set(account.id, current); // only what the feed holds now: a superseded revision's text goes
      const feed = renderJsonFeed(
        { account, feedUrl: this.feedUrl(account.id), homePageUrl: this.options.portalBaseUrl, items },
        (item) => texts.get(item) ?? feedItemText(item),
      );
      await this.options.store.putIfChanged(newmediaKeys.feed(account.id), feed, {
        contentType: 'application/feed+json; charset=utf-8',
        cacheControl: PAGE_CACHE,
        metadata: { 'item-count': String(items.length) },
      });
    });
  }

  async writeRecord(accountId: string, event: ContentPublished, record: object): Promise<string> {
    const { revision, fingerprint } = event;
    const key = newmediaKeys.record(accountId, revision.documentId, revision.revision);
    await this.options.store.putIfChanged(key, `${JSON.stringify(record, null, 2)}\n`, {
      contentType: 'application/json; charset=utf-8',
      cacheControl: 'no-cache',
      provenance: { documentId: revision.documentId, revision: revision.revision, fingerprint },
    });
    return key;
  }
}
