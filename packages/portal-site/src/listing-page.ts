import { dateOf, highlight } from './display-format.js';
import { documentUrl } from './document-page.js';
import { chromeOf } from './layout.js';
import type { SiteConfig, SiteNav } from './site.js';
import { type ListingRef, listingIndexKey, listingPageKey, listingPath, SEARCH_PATH, siteUrl } from './site-paths.js';
import { contentFingerprint, type DocumentSummary, newestFirst } from './summary.js';
import { renderTemplate } from './templates.js';

export interface ListingPageInput {
  listing: ListingRef;
  /** reader-facing page number, 1 = newest (see listingPageKey) */
  page: number;
  pageCount: number;
  /** the documents of this page, in any order: they are shown newest first */
  items: DocumentSummary[];
}

const itemView = (summary: DocumentSummary, config: SiteConfig, query: string, excerpt: string | null) => ({
  href: documentUrl(config, summary.documentId),
  title: summary.title,
  titleRuns: highlight(summary.title, query),
  excerptRuns: excerpt === null ? null : highlight(excerpt, query),
  corrected: summary.corrected,
  docNumber: summary.docNumber,
  indexNumber: summary.indexNumber,
  publishedAt: summary.publishedAt,
  publishedDate: dateOf(summary.publishedAt),
  kind: summary.kind,
  issuingOrgan: summary.issuingOrgan,
  validity: summary.validity,
});

const listingMetas = (listingId: string, shown: readonly DocumentSummary[]) => [
  { name: 'tongyuan:listing', content: listingId },
  { name: 'tongyuan:content-fingerprint', content: contentFingerprint(shown) },
];

const intros: Record<string, string> = {
  [listingPath('catalogue')]: '政府信息公开目录：按索引号、标题、发文机关和发布日期列出本站主动公开的政府信息。',
  [listingPath('normative-valid')]: '规范性文件库：现行有效的规章和规范性文件。',
  [listingPath('normative-expired')]: '规范性文件库：已失效的规章和规范性文件，仅供查阅。',
  [listingPath('normative-repealed')]: '规范性文件库：已废止的规章和规范性文件，仅供查阅。',
};

/**
 * Links between pages name each chunk by its own file, which never moves; only "最新" names index.html. So a page's bytes
 * change only when its own items change or it stops being the newest: adding a document rewrites the newest page, index.html,
 * and (when it opens a new chunk) the page before it. No page shows a page count, which would change them all.
 */
const chunkUrl = (input: ListingPageInput, page: number, config: SiteConfig): string =>
  siteUrl(config, listingPageKey(input.listing, page, input.pageCount));

/** An older page is labelled by the dates it covers: stable, and more telling to a reader than a page number. */
const dateSpan = (shown: readonly DocumentSummary[]): string => {
  const newest = shown[0];
  const oldest = shown[shown.length - 1];
  if (!newest || !oldest) return '';
  const [from, to] = [dateOf(oldest.publishedAt), dateOf(newest.publishedAt)];
  return from === to ? from : `${from} 至 ${to}`;
};

export function renderListingPage(input: ListingPageInput, nav: SiteNav, config: SiteConfig): string {
  const shown = [...input.items].sort(newestFirst);
  const newest = input.page === 1;
  const span = dateSpan(shown);
  const title = newest ? input.listing.title : `${input.listing.title}（${span}）`;
  return renderTemplate('listing', {
    chrome: chromeOf(
      {
        pageTitle: title,
        canonical: siteUrl(
          config,
          newest ? listingIndexKey(input.listing) : listingPageKey(input.listing, input.page, input.pageCount),
        ),
        metas: listingMetas(input.listing.id, shown),
      },
      nav,
      config,
    ),
    title: input.listing.title,
    intro: intros[input.listing.path] ?? null,
    catalogue: input.listing.path === listingPath('catalogue'),
    span: newest ? null : span,
    items: shown.map((summary) => itemView(summary, config, '', null)),
    pagination:
      input.pageCount > 1
        ? {
            span: newest ? null : span,
            newest: newest ? null : siteUrl(config, listingIndexKey(input.listing)),
            newer: input.page > 1 ? chunkUrl(input, input.page - 1, config) : null,
            older: input.page < input.pageCount ? chunkUrl(input, input.page + 1, config) : null,
          }
        : null,
  });
}

/** The home page: the latest documents and a link to every (non-empty) column. */
export function renderHomePage(latest: DocumentSummary[], nav: SiteNav, config: SiteConfig): string {
  const shown = [...latest].sort(newestFirst);
  return renderTemplate('home', {
    chrome: chromeOf({ pageTitle: null, canonical: siteUrl(config, ''), metas: listingMetas('home', shown) }, nav, config),
    items: shown.map((summary) => itemView(summary, config, '', null)),
    // The latest listing holds at least what the home page shows, so it is never an empty column here.
    latestHref: shown.length > 0 ? siteUrl(config, listingPath('latest')) : null,
  });
}

/** Search results, served dynamically: excerpts are plain text, escaped, with the query marked. Results keep the service's ranking. */
export function renderSearchPage(
  query: string,
  results: Array<{ summary: DocumentSummary; excerpt: string }>,
  nav: SiteNav,
  config: SiteConfig,
): string {
  const trimmed = query.trim();
  const searchUrl = `${config.baseUrl}/${SEARCH_PATH}`;
  return renderTemplate('search', {
    chrome: chromeOf(
      {
        pageTitle: trimmed === '' ? '搜索' : `搜索：${trimmed}`,
        canonical: trimmed === '' ? searchUrl : `${searchUrl}?q=${encodeURIComponent(trimmed)}`,
        metas: listingMetas(
          'search',
          results.map((result) => result.summary),
        ),
        robots: 'noindex',
        searchQuery: query,
      },
      nav,
      config,
    ),
    query,
    searched: trimmed !== '',
    items: results.map((result) => itemView(result.summary, config, trimmed, result.excerpt)),
  });
}
