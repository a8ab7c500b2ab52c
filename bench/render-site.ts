// The benchmark's render loop, shared by the disk and S3 runs: events in, every object of the site out through `sink`.
import { createReadStream } from 'node:fs';
import { ContentPublished } from '@tongyuan/contracts';
import {
  type DocumentSummary,
  documentPath,
  type ListingRef,
  listingPath,
  newestFirst,
  paginateListing,
  renderAtomFeed,
  renderDocumentJson,
  renderDocumentPage,
  renderHomePage,
  renderListingPage,
  renderSitemap,
  siteAssets,
  summaryOf,
} from '@tongyuan/portal-site';

export type Sink = (path: string, body: string, contentType: string) => Promise<void> | void;

export const config = { siteId: 'bench', title: '政府信息公开', baseUrl: 'http://127.0.0.1:8082', pageSize: 20 };
const nav = { columns: [{ title: '最新信息', href: `/${listingPath('latest')}` }] };
const html = 'text/html; charset=utf-8';

/**
 * The events of an NDJSON file, one at a time, each checked against the content.published schema as the portal service
 * would. Streamed: only one chunk of the file and one event are held at once, never the whole file.
 */
export async function* readEvents(file: string): AsyncGenerator<ContentPublished> {
  // Lines are cut from the bytes and decoded one at a time: a decoded chunk or a joined remainder of 64 KiB+ would be a
  // string big enough for V8's old generation, and 60 MB of those makes the heap (and the peak RSS) grow for nothing.
  let rest: Buffer | null = null;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 16 })) {
    const bytes: Buffer = rest === null ? (chunk as Buffer) : Buffer.concat([rest, chunk as Buffer]);
    let start = 0;
    for (let end = bytes.indexOf(10, start); end !== -1; end = bytes.indexOf(10, start)) {
      if (end > start) yield ContentPublished.parse(JSON.parse(bytes.toString('utf8', start, end)));
      start = end + 1;
    }
    rest = start < bytes.length ? bytes.subarray(start) : null;
  }
  if (rest !== null && rest.toString('utf8').trim() !== '') yield ContentPublished.parse(JSON.parse(rest.toString('utf8')));
}

/** What one run wrote, by kind: the driver prints these beside the timings and checks them against the files on disk. */
export interface SiteCounts {
  /** document pages (documents/<id>/index.html) */
  documentPages: number;
  /** JSON views (documents/<id>/index.json) */
  documentJson: number;
  /** objects of the latest listing: page-<n>.html for every chunk, plus latest/index.html */
  listingObjects: number;
  /** everything: the above, home page, feed, sitemap, assets */
  objects: number;
}

/**
 * Pages and JSON views of every document, the paginated latest listing (every chunk, and index.html for the newest),
 * the home page, the feed, the sitemap and the assets.
 */
export const renderSite = async (
  events: AsyncIterable<ContentPublished> | Iterable<ContentPublished>,
  sink: Sink,
): Promise<SiteCounts> => {
  const counts: SiteCounts = { documentPages: 0, documentJson: 0, listingObjects: 0, objects: 0 };
  const put = async (path: string, body: string, contentType: string) => {
    counts.objects += 1;
    await sink(path, body, contentType);
  };
  const summaries: DocumentSummary[] = [];
  for await (const { revision, fingerprint } of events) {
    const input = {
      revision,
      fingerprint,
      history: [{ revision: 1, fingerprint, status: 'published' as const, correction: null }],
      related: [],
    };
    const folder = documentPath(revision.documentId);
    await put(`${folder}index.html`, renderDocumentPage(input, nav, config), html);
    counts.documentPages += 1;
    await put(`${folder}index.json`, renderDocumentJson(input, config), 'application/json');
    counts.documentJson += 1;
    summaries.push(summaryOf(revision, fingerprint));
  }
  // Listings are cut from the oldest document; the events need not arrive in publication order.
  const oldestFirst = summaries.sort((a, b) => newestFirst(b, a));
  const latest: ListingRef = { id: 'latest', title: '最新信息', path: listingPath('latest') };
  for (const { keys, ...page } of paginateListing(latest, oldestFirst, config.pageSize)) {
    const body = renderListingPage(page, nav, config);
    for (const key of keys) {
      await put(key, body, html);
      counts.listingObjects += 1;
    }
  }
  const newest = oldestFirst.slice(-config.pageSize).reverse();
  await put('index.html', renderHomePage(newest, nav, config), html);
  await put('feed.atom', renderAtomFeed(oldestFirst.slice(-50).reverse(), config), 'application/atom+xml');
  await put(
    'sitemap.xml',
    renderSitemap(
      oldestFirst.map((s) => ({ path: documentPath(s.documentId), lastModified: s.updatedAt })),
      config,
    ),
    'application/xml',
  );
  for (const asset of siteAssets()) await put(asset.path, asset.body, asset.contentType);
  return counts;
};
