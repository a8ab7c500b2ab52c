// The benchmark's render loop, shared by the disk and S3 runs: events in, every object of the site out through `sink`.
import { readFileSync } from 'node:fs';
import { ContentPublished } from '@tongyuan/contracts';
import {
  type DocumentSummary,
  documentPath,
  type ListingRef,
  listingPageKey,
  listingPath,
  renderAtomFeed,
  renderDocumentJson,
  renderDocumentPage,
  renderListingPage,
  renderSitemap,
  siteAssets,
  summaryOf,
} from '@tongyuan/portal-site';

export type Sink = (path: string, body: string, contentType: string) => Promise<void> | void;

const config = { siteId: 'bench', title: '政府信息公开', baseUrl: 'http://127.0.0.1:8082', pageSize: 20 };
const nav = { columns: [{ title: '最新信息', href: `/${listingPath('latest')}` }] };
const html = 'text/html; charset=utf-8';

export const readEvents = (file: string): ContentPublished[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => ContentPublished.parse(JSON.parse(line)));

/** Pages and JSON views of every document, the paginated latest listing, the feed, the sitemap and the assets. */
export const renderSite = async (events: readonly ContentPublished[], sink: Sink): Promise<number> => {
  let objects = 0;
  const put = async (path: string, body: string, contentType: string) => {
    objects += 1;
    await sink(path, body, contentType);
  };
  const summaries: DocumentSummary[] = [];
  for (const { revision, fingerprint } of events) {
    const input = {
      revision,
      fingerprint,
      history: [{ revision: 1, fingerprint, status: 'published' as const, correction: null }],
      related: [],
    };
    await put(`${documentPath(revision.documentId)}index.html`, renderDocumentPage(input, nav, config), html);
    await put(`${documentPath(revision.documentId)}index.json`, renderDocumentJson(input, config), 'application/json');
    summaries.push(summaryOf(revision, fingerprint));
  }
  const latest: ListingRef = { id: 'latest', title: '最新信息', path: listingPath('latest') };
  const pageCount = Math.ceil(summaries.length / config.pageSize);
  for (let chunk = 0; chunk < pageCount; chunk += 1) {
    const page = pageCount - chunk;
    const items = summaries.slice(chunk * config.pageSize, (chunk + 1) * config.pageSize);
    await put(
      listingPageKey(latest, page, pageCount),
      renderListingPage({ listing: latest, page, pageCount, items }, nav, config),
      html,
    );
  }
  await put('feed.atom', renderAtomFeed(summaries.slice(-50).reverse(), config), 'application/atom+xml');
  await put(
    'sitemap.xml',
    renderSitemap(
      summaries.map((s) => ({ path: documentPath(s.documentId), lastModified: s.publishedAt })),
      config,
    ),
    'application/xml',
  );
  for (const asset of siteAssets()) await put(asset.path, asset.body, asset.contentType);
  return objects;
};
