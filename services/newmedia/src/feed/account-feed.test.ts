// An account's feed in pages: feed.json with the newest items, the rest in pages cut from the oldest that its
// `next_url` chain leads through; read back from the real S3 server, over the service's PostgreSQL.
import { type DocumentRevision, toContentPublished } from '@tongyuan/contracts';
import type { FeedItem } from '@tongyuan/newmedia-article';
import type { ObjectStore } from '@tongyuan/object-store';
import { generatedRevision, uniqueName, withdrawnRevision } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { type NewmediaHarness, newmediaTest as test } from '../newmedia.fixture.js';
import { AccountFeeds, newmediaKeys } from './account-feed.js';

interface FeedPage {
  items: FeedItem[];
  next_url?: string;
}

/** The service's bucket, noting each object a write changed. */
const noting = (store: ObjectStore, written: string[]): ObjectStore =>
  new Proxy(store, {
    get(target, property, receiver) {
      if (property !== 'putIfChanged') return Reflect.get(target, property, receiver);
      return async (...args: Parameters<ObjectStore['putIfChanged']>) => {
        const result = await target.putIfChanged(...args);
        if (result.written) written.push(args[0]);
        return result;
      };
    },
  });

const feedsOver = (newmedia: NewmediaHarness, written: string[]) =>
  new AccountFeeds({
    store: noting(newmedia.store, written),
    assets: newmedia.assets,
    deliveries: newmedia.service.deliveries,
    portalBaseUrl: 'https://www.zg.gov.cn',
    newmediaBaseUrl: newmedia.baseUrl,
    feedWindow: 3,
    feedPage: 4,
  });

/** Day n of November 2026, as the document's release time. */
const onDay = (n: number, day: number) => {
  const revision = generatedRevision(n, 3);
  const publishedAt = new Date(Date.UTC(2026, 10, 1) + day * 86_400_000).toISOString().replace('.000Z', '+00:00');
  return { ...revision, publishedAt };
};

const withdrawal = (previous: DocumentRevision | undefined): DocumentRevision => {
  if (previous === undefined) throw new Error('no such document in the test');
  return withdrawnRevision(previous, '2026-11-30T10:00:00+08:00');
};

const read = async (newmedia: NewmediaHarness, key: string): Promise<FeedPage | null> => {
  const stored = await newmedia.store.get(key);
  return stored === null ? null : (JSON.parse(stored.body.toString('utf8')) as FeedPage);
};

/** What a reader gets walking feed.json and its next_url chain: each page's documents, in order. */
const walk = async (newmedia: NewmediaHarness, accountId: string): Promise<string[][]> => {
  const pages: string[][] = [];
  let key: string | undefined = newmediaKeys.feed(accountId);
  while (key !== undefined) {
    const page = await read(newmedia, key);
    if (page === null) throw new Error(`${key} is linked but missing`);
    pages.push(page.items.map((item) => item.id));
    const next = page.next_url === undefined ? undefined : /\/feed\/(\d+)\.json$/.exec(page.next_url)?.[1];
    key = next === undefined ? undefined : newmediaKeys.feedPage(accountId, Number(next));
  }
  return pages;
};

describe('an account feed in pages', () => {
  test('the newest items in feed.json, the rest in pages cut from the oldest; a new item rewrites one page', async ({
    newmedia,
  }) => {
    const accountId = uniqueName('paged');
    const account = { id: accountId, name: '自贡发布', author: '自贡市政府办' };
    const written: string[] = [];
    const feeds = feedsOver(newmedia, written);
    const shown = new Map<number, DocumentRevision>();
    const show = (revision: DocumentRevision) => feeds.show(account, toContentPublished(revision), new Map());
    const byDay = new Map<number, string>();
    for (let day = 1; day <= 10; day++) {
      const revision = onDay(100 + day, day);
      byDay.set(day, revision.documentId);
      shown.set(day, revision);
      await show(revision);
    }
    const ids = (...days: number[]) => days.map((day) => byDay.get(day));

    // feed.json: the 3 newest; then the pages from the newest (days 9–10) to the oldest (days 1–4), newest first in each.
    expect(await walk(newmedia, accountId)).toEqual([ids(10, 9, 8), ids(10, 9), ids(8, 7, 6, 5), ids(4, 3, 2, 1)]);
    const feed = await read(newmedia, newmediaKeys.feed(accountId));
    expect(feed?.next_url).toBe(`${newmedia.baseUrl}/accounts/${accountId}/feed/3.json`);
    expect((await newmedia.store.head(newmediaKeys.feed(accountId)))?.metadata['item-count']).toBe('10');

    // The newest item: feed.json and the last page only.
    written.length = 0;
    const eleventh = onDay(111, 11);
    byDay.set(11, eleventh.documentId);
    await show(eleventh);
    const pagesWritten = written.filter((key) => key.includes('/feed'));
    expect(pagesWritten.sort()).toEqual([newmediaKeys.feed(accountId), newmediaKeys.feedPage(accountId, 3)].sort());
    expect(await walk(newmedia, accountId)).toEqual([ids(11, 10, 9), ids(11, 10, 9), ids(8, 7, 6, 5), ids(4, 3, 2, 1)]);

    // An older document arriving late goes to its place: the pages from there on move up by one.
    const late = onDay(112, 0);
    byDay.set(0, late.documentId);
    shown.set(0, late);
    await show(late);
    expect(await walk(newmedia, accountId)).toEqual([ids(11, 10, 9), ids(11, 10, 9, 8), ids(7, 6, 5, 4), ids(3, 2, 1, 0)]);

    // A withdrawal leaves its page, the later ones move down; a page left empty is deleted.
    for (const day of [5, 6, 7, 8, 9]) await feeds.withdraw(account, toContentPublished(withdrawal(shown.get(day))));
    expect(await walk(newmedia, accountId)).toEqual([ids(11, 10, 4), ids(11, 10, 4), ids(3, 2, 1, 0)]);
    expect(await newmedia.store.head(newmediaKeys.feedPage(accountId, 3))).toBeNull();

    // After a restart nothing is known of the pages: the first change writes them all, and the chain is whole.
    const restarted = feedsOver(newmedia, written);
    const twelfth = onDay(113, 12);
    byDay.set(12, twelfth.documentId);
    await restarted.show(account, toContentPublished(twelfth), new Map());
    expect(await walk(newmedia, accountId)).toEqual([ids(12, 11, 10), ids(12, 11, 10, 4), ids(3, 2, 1, 0)]);
  });
});
