// The whole public API of @tongyuan/portal-site: pure functions from canonical revisions to the portal's files.
// No I/O at render time; the same input always gives byte-identical output.

export { type SiteAsset, siteAssets } from './assets.js';
export {
  type DocumentPageInput,
  documentJsonUrl,
  documentUrl,
  type RelatedLink,
  type RevisionHistoryEntry,
  renderDocumentJson,
  renderDocumentPage,
  renderWithdrawnPage,
  shortFingerprint,
} from './document-page.js';
export { escapeXml, renderAtomFeed, renderSitemap, renderSitemapIndex, SITEMAP_MAX_URLS } from './feeds.js';
export { type ListingPageInput, renderHomePage, renderListingPage, renderSearchPage } from './listing-page.js';
export { attachmentPath, IMAGE_WIDTHS, type ImageVariant, imageVariantKeys } from './media.js';
export { type NavLink, navFingerprint, type SiteConfig, type SiteNav } from './site.js';
export {
  documentPath,
  FEED_PATH,
  type ListingKind,
  type ListingRef,
  listingIndexKey,
  listingPageKey,
  listingPath,
  pageCountOf,
  paginateListing,
  SEARCH_PATH,
  SITEMAP_INDEX_PATH,
  siteUrl,
} from './site-paths.js';
export { contentFingerprint, type DocumentSummary, newestFirst, summaryOf } from './summary.js';
