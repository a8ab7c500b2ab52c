import { dateOf } from './display-format.js';
import { documentUrl } from './document-page.js';
import type { SiteConfig } from './site.js';
import { FEED_PATH, siteUrl } from './site-paths.js';
import { contentFingerprint, type DocumentSummary, newestFirst } from './summary.js';

/** A sitemap part may list at most 50,000 URLs (sitemaps.org protocol). */
export const SITEMAP_MAX_URLS = 50_000;

// XML 1.0 forbids these characters even escaped; a stray one would make the whole feed unreadable.
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export const escapeXml = (text: string): string =>
  text
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

const element = (name: string, text: string): string => `<${name}>${escapeXml(text)}</${name}>`;

const latestInstant = (times: readonly string[]): string | null =>
  times.reduce<string | null>((latest, time) => (latest === null || Date.parse(time) > Date.parse(latest) ? time : latest), null);

const TONGYUAN_NS = 'urn:tongyuan:portal';

/**
 * Atom 1.0 feed of the latest documents. Ids are stable: the feed's from the site id, each entry's from the document id,
 * so a correction updates its entry (new <updated>) rather than adding one. No clock: an empty feed is dated 1970.
 */
export function renderAtomFeed(latest: DocumentSummary[], config: SiteConfig): string {
  const shown = [...latest].sort(newestFirst);
  const updated = latestInstant(shown.map((summary) => summary.updatedAt)) ?? '1970-01-01T00:00:00Z';
  const entries = shown.map((summary) => {
    const href = documentUrl(config, summary.documentId);
    const about = [
      summary.docNumber === null ? null : `发文字号：${summary.docNumber}`,
      `发文机关：${summary.issuingOrgan}`,
      `发布日期：${dateOf(summary.publishedAt)}`,
      `类别：${summary.kind}`,
    ].filter((part) => part !== null);
    return [
      '<entry>',
      element('id', `urn:tongyuan:document:${summary.documentId}`),
      `<title type="text">${escapeXml(summary.title)}</title>`,
      `<link rel="alternate" type="text/html" href="${escapeXml(href)}"/>`,
      element('published', summary.publishedAt),
      element('updated', summary.updatedAt),
      `<author>${element('name', summary.issuingOrgan)}</author>`,
      ...summary.topics.map((topic) => `<category term="${escapeXml(topic)}"/>`),
      `<summary type="text">${escapeXml(about.join('；'))}</summary>`,
      element('tongyuan:document-id', summary.documentId),
      element('tongyuan:revision', String(summary.revision)),
      element('tongyuan:fingerprint', summary.fingerprint),
      '</entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:tongyuan="${TONGYUAN_NS}" xml:lang="zh-CN">`,
    element('id', `urn:tongyuan:site:${config.siteId}:latest`),
    `<title type="text">${escapeXml(`${config.title}：最新信息`)}</title>`,
    `<link rel="self" type="application/atom+xml" href="${escapeXml(siteUrl(config, FEED_PATH))}"/>`,
    `<link rel="alternate" type="text/html" href="${escapeXml(siteUrl(config, ''))}"/>`,
    element('updated', updated),
    `<author>${element('name', config.title)}</author>`,
    element('tongyuan:listing', 'latest'),
    element('tongyuan:content-fingerprint', contentFingerprint(shown)),
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** One sitemap part; entries keep the caller's order. */
export function renderSitemap(entries: Array<{ path: string; lastModified: string }>, config: SiteConfig): string {
  if (entries.length > SITEMAP_MAX_URLS)
    throw new RangeError(`a sitemap part holds at most ${SITEMAP_MAX_URLS} URLs, got ${entries.length}`);
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...entries.map(
      (entry) => `<url>${element('loc', siteUrl(config, entry.path))}${element('lastmod', entry.lastModified)}</url>`,
    ),
    '</urlset>',
    '',
  ].join('\n');
}

export function renderSitemapIndex(parts: Array<{ path: string; lastModified: string }>, config: SiteConfig): string {
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...parts.map(
      (part) => `<sitemap>${element('loc', siteUrl(config, part.path))}${element('lastmod', part.lastModified)}</sitemap>`,
    ),
    '</sitemapindex>',
    '',
  ].join('\n');
}
