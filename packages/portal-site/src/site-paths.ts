import type { SiteConfig } from './site.js';

export type ListingKind =
  | 'latest'
  | 'topic'
  | 'kind'
  | 'organ'
  | 'year'
  | 'catalogue'
  | 'normative-valid'
  | 'normative-expired'
  | 'normative-repealed';

export interface ListingRef {
  id: string;
  title: string;
  /** folder of the listing's pages, e.g. 'latest/', 'topics/e694bf…/' — use listingPath() */
  path: string;
}

/** The Atom feed of the latest documents, the sitemap index and the search page the service serves dynamically. */
export const FEED_PATH = 'feed.atom';
export const SITEMAP_INDEX_PATH = 'sitemap.xml';
export const SEARCH_PATH = 'search';

/** Folder of one document: the page is documentPath + 'index.html', the JSON view documentPath + 'index.json'. */
export const documentPath = (documentId: string): string => `documents/${encodeURIComponent(documentId)}/`;

// Hex of the UTF-8 bytes: ASCII-only, so the S3 key and the URL are the same string whether or not a server decodes paths.
const slug = (value: string): string => Buffer.from(value, 'utf8').toString('hex');

const required = (kind: ListingKind, value: string | undefined): string => {
  if (value === undefined || value === '') throw new RangeError(`listingPath('${kind}') needs a value`);
  return value;
};

/** The folder of a listing; the same value always gives the same path, and every path is URL- and key-safe ASCII. */
export const listingPath = (kind: ListingKind, value?: string): string => {
  switch (kind) {
    case 'latest':
      return 'latest/';
    case 'catalogue':
      return 'catalogue/';
    case 'normative-valid':
      return 'normative/valid/';
    case 'normative-expired':
      return 'normative/expired/';
    case 'normative-repealed':
      return 'normative/repealed/';
    case 'topic':
      return `topics/${slug(required(kind, value))}/`;
    case 'kind':
      return `kinds/${slug(required(kind, value))}/`;
    case 'organ':
      return `organs/${slug(required(kind, value))}/`;
    case 'year': {
      const year = required(kind, value);
      if (!/^\d{4}$/.test(year)) throw new RangeError(`listingPath('year') needs a four-digit year, got ${JSON.stringify(year)}`);
      return `years/${year}/`;
    }
  }
};

/**
 * Pagination that keeps old pages stable. Items, ordered oldest → newest, are cut into chunks of pageSize from the
 * OLDEST, so a full chunk never gains or loses an item when documents are added. Chunk i (0-based from the oldest) is
 * the file `<path>page-<i+1>.html`; `<path>index.html` (listingIndexKey) shows the newest chunk again and is what links
 * point to. Readers count pages from the newest: reader page p (1 = newest) is chunk pageCount − p, so its key is
 * `<path>page-<pageCount − p + 1>.html`. Page 0 names the file of a chunk newer than the newest: what a listing that
 * shrank by one page leaves behind, for the caller to delete. Adding a document rewrites the newest page and index.html;
 * the page numbers shown on older pages shift only when a new chunk opens, once every pageSize documents.
 */
export const listingPageKey = (listing: ListingRef, page: number, pageCount: number): string => {
  if (!Number.isInteger(pageCount) || pageCount < 1) {
    throw new RangeError(`pageCount must be a positive integer, got ${pageCount}`);
  }
  if (!Number.isInteger(page) || page < 0 || page > pageCount) {
    throw new RangeError(`page must be an integer from 0 to ${pageCount}, got ${page}`);
  }
  return `${listing.path}page-${pageCount - page + 1}.html`;
};

/** The listing's front page: the newest chunk, the page every link to the listing points at. */
export const listingIndexKey = (listing: ListingRef): string => `${listing.path}index.html`;

/** Number of pages a listing of itemCount items has; an empty listing still has its (empty) index page. */
export const pageCountOf = (itemCount: number, pageSize: number): number => Math.max(1, Math.ceil(itemCount / pageSize));

/** Cuts items (oldest → newest) into reader-numbered pages, each with the keys to write it at (page 1: also index.html). */
export const paginateListing = <T>(
  listing: ListingRef,
  itemsOldestFirst: readonly T[],
  pageSize: number,
): Array<{ keys: string[]; listing: ListingRef; page: number; pageCount: number; items: T[] }> => {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`pageSize must be a positive integer, got ${pageSize}`);
  const pageCount = pageCountOf(itemsOldestFirst.length, pageSize);
  return Array.from({ length: pageCount }, (_, chunk) => {
    const page = pageCount - chunk;
    const key = listingPageKey(listing, page, pageCount);
    return {
      keys: page === 1 ? [key, listingIndexKey(listing)] : [key],
      listing,
      page,
      pageCount,
      items: itemsOldestFirst.slice(chunk * pageSize, (chunk + 1) * pageSize),
    };
  });
};

/** Absolute URL of a site path; a folder path means its index.html, so links work on any static host. */
export const siteUrl = (config: SiteConfig, path: string): string =>
  `${config.baseUrl}/${path.endsWith('/') || path === '' ? `${path}index.html` : path}`;

/** A link target from the service: absolute http(s) URLs as given; site paths, with or without a leading "/", under baseUrl. */
export const resolveHref = (config: SiteConfig, href: string): string => {
  if (/^https?:\/\//i.test(href)) return href;
  // Anything else with a scheme (javascript:, data:) or protocol-relative would leave the site or run code.
  if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) {
    throw new TypeError(`refusing link target ${JSON.stringify(href)}`);
  }
  return siteUrl(config, href.replace(/^\/+/, ''));
};
