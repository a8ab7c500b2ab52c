import { fileURLToPath } from 'node:url';
import { type DocumentRevision, toContentPublished } from '@tongyuan/contracts';
import { createPool, migrate, sqlFilesIn } from '@tongyuan/database';
import type { ObjectStore } from '@tongyuan/object-store';
import {
  correctedRevision,
  freshDatabaseUrl,
  generatedRevision,
  storeFor,
  integrationTest as test,
  uniqueName,
  withdrawnRevision,
} from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { SitePublisher } from './site-publisher.js';

const config = { siteId: 'main', title: '政府信息公开', baseUrl: 'http://127.0.0.1:8082', pageSize: 3 };

const freshSite = async (servers: Parameters<typeof freshDatabaseUrl>[0]) => {
  const pool = createPool(await freshDatabaseUrl(servers, 'replay'), 4);
  await migrate(pool, await sqlFilesIn(fileURLToPath(new URL('../../migrations', import.meta.url))));
  const store = storeFor(servers, uniqueName('replay'));
  await store.ensureBucket();
  return { pool, store, publisher: new SitePublisher({ pool, store, assets: store, prefix: 'site/', config }) };
};

const snapshot = async (store: ObjectStore): Promise<Map<string, string>> => {
  const objects = new Map<string, string>();
  for await (const item of store.list('site/')) objects.set(item.key, (await store.get(item.key))?.body.toString('base64') ?? '');
  return objects;
};

describe('replaying the same revisions', () => {
  test('rebuilds a byte-identical site, whatever the order and however often they arrive', { timeout: 120_000 }, async ({
    servers,
  }) => {
    const documents = Array.from({ length: 12 }, (_, n) => generatedRevision(n, 7));
    const corrected = correctedRevision(
      documents[4] as DocumentRevision,
      { reason: '更正日期', body: [{ type: 'paragraph', text: '更正后的正文。' }] },
      '2026-05-01T00:00:00.000Z',
    );
    const events = [...documents, corrected].map(toContentPublished);
    const first = await freshSite(servers);
    const second = await freshSite(servers);
    try {
      for (const event of events) await first.publisher.apply(event);
      // The replay sees the correction before the original and every event twice: the newest still wins.
      for (const event of [...events].reverse()) await second.publisher.apply(event);
      for (const event of events) await second.publisher.apply(event);
      const [a, b] = [await snapshot(first.store), await snapshot(second.store)];
      expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
      // The corrected document's own page lists the revisions the site saw: the reversed replay skipped revision 1 (older after
      // newer), as a compacted topic may have dropped it. Everything else must match byte for byte.
      const ownPages = [`documents/${corrected.documentId}/index.html`, `documents/${corrected.documentId}/index.json`].map(
        (path) => `site/${path}`,
      );
      const different = [...a.keys()].filter((key) => a.get(key) !== b.get(key) && !ownPages.includes(key));
      expect(different).toEqual([]);
    } finally {
      await first.pool.end();
      await second.pool.end();
    }
  });

  test('applying revisions in batches gives the same site, byte for byte, as applying them one by one', {
    timeout: 120_000,
  }, async ({ servers }) => {
    const documents = Array.from({ length: 40 }, (_, n) => generatedRevision(n, 11));
    const withdrawn = (previous: DocumentRevision, changedAt: string) => withdrawnRevision(previous, changedAt, '内容已过时');
    const nth = (n: number) => documents[n] as DocumentRevision;
    const corrected = (n: number) =>
      correctedRevision(
        nth(n),
        { reason: '更正日期', body: [{ type: 'paragraph', text: '更正后的正文。' }] },
        '2026-05-01T00:00:00.000Z',
      );
    // Both sites start from the same 20 documents (even n: every column there); then older documents arrive between them
    // (items move on every page after theirs), corrections stay in place, withdrawals shrink listings, repeats change nothing.
    const base = documents.filter((_, n) => n % 2 === 0).map(toContentPublished);
    const events = [
      ...[37, 35, 33, 31, 29, 27].map(nth),
      corrected(4),
      withdrawn(nth(10), '2026-05-02T00:00:00.000Z'),
      ...[25, 23, 21, 19, 17, 15, 13].map(nth),
      corrected(30),
      withdrawn(nth(12), '2026-05-03T00:00:00.000Z'),
      withdrawn(nth(33), '2026-05-04T00:00:00.000Z'),
      ...[11, 9, 7, 5, 3, 1].map(nth),
      nth(2),
      corrected(4),
    ].map(toContentPublished);
    const single = await freshSite(servers);
    const batched = await freshSite(servers);
    try {
      for (const event of base) {
        await single.publisher.apply(event);
        await batched.publisher.apply(event);
      }
      for (const event of events) await single.publisher.apply(event);
      let at = 0;
      for (const size of [4, 9, 1, 20]) {
        const outcomes = await batched.publisher.applyAll(events.slice(at, at + size));
        expect(outcomes).toHaveLength(Math.min(size, events.length - at));
        at += size;
      }
      const [a, b] = [await snapshot(single.store), await snapshot(batched.store)];
      expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
      expect([...a.keys()].filter((key) => a.get(key) !== b.get(key))).toEqual([]);
    } finally {
      await single.pool.end();
      await batched.pool.end();
    }
  });
});
