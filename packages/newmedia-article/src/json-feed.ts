import type { DocumentRevision, ImageBlock } from '@tongyuan/contracts';
import sanitizeHtml from 'sanitize-html';
import { correctionOf } from './document-notices.js';
import { h5BodyHtml } from './h5-body.js';
import { escapeHtml } from './html-text.js';
import { digestOf } from './limits.js';
import type { AccountProfile } from './wechat-article.renderer.js';

/** One JSON Feed 1.1 item, with the provenance every artifact carries. */
export interface FeedItem {
  /** the document id: a correction replaces the item, it does not add one */
  id: string;
  /** the H5 reading page */
  url: string;
  /** the portal page */
  external_url: string;
  title: string;
  content_html: string;
  summary: string;
  /** the article's cover (JSON Feed's main image), when the account serves it */
  image?: string;
  date_published: string;
  date_modified: string;
  tags: string[];
  language: 'zh-CN';
  _tongyuan: { document_id: string; revision: number; fingerprint: string };
}

export interface FeedItemInput {
  revision: DocumentRevision;
  fingerprint: string;
  h5Url: string;
  portalUrl: string;
  /** where in-article images are served from; absent = images appear by caption only */
  imageUrl?: (image: ImageBlock) => string;
  /** the cover's URL, given to feed readers as the item's image */
  coverUrl?: string;
}

// Feed readers render content_html themselves: plain structure only, no class, id, style or script.
const feedTags = [
  'h2',
  'h3',
  'h4',
  'h5',
  'p',
  'strong',
  'ul',
  'ol',
  'li',
  'table',
  'caption',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'figure',
  'figcaption',
  'img',
  'a',
  'br',
  'aside',
  'time',
];

const sanitizeForFeed = (html: string): string =>
  sanitizeHtml(html, {
    allowedTags: feedTags,
    allowedAttributes: {
      img: ['src', 'alt', 'width', 'height'],
      a: ['href'],
      th: ['scope', 'colspan', 'rowspan'],
      td: ['colspan', 'rowspan'],
      time: ['datetime'],
    },
    allowedSchemes: ['https', 'http'],
    allowProtocolRelative: false,
  });

/** The feed item of a revision: its H5 page, the body HTML, the digest, and the correction note when corrected. */
export function feedItemOf(input: FeedItemInput): FeedItem {
  const { revision } = input;
  if (revision.status === 'withdrawn') {
    throw new Error(`revision ${revision.revision} of ${revision.documentId} withdraws it: remove its item from the feed`);
  }
  const correction = correctionOf(revision);
  const note =
    correction === null
      ? ''
      : `<aside><p><strong>${correction.heading}</strong>：本文于 <time datetime="${escapeHtml(correction.changedAt)}">${escapeHtml(
          correction.changedAtText,
        )}</time> ${correction.verb}，现为第 ${correction.revision} 版。原因：${escapeHtml(correction.reason)}</p></aside>\n`;
  const body = h5BodyHtml(revision, { imageUrl: input.imageUrl ?? null, portalUrl: input.portalUrl, labelsAsText: true });
  return {
    id: revision.documentId,
    url: input.h5Url,
    external_url: input.portalUrl,
    title: revision.title,
    content_html: sanitizeForFeed(`${note}${body}`),
    summary: digestOf(revision),
    ...(input.coverUrl === undefined ? {} : { image: input.coverUrl }),
    date_published: revision.publishedAt,
    date_modified: revision.correction?.changedAt ?? revision.publishedAt,
    tags: [...revision.topics],
    language: 'zh-CN',
    _tongyuan: { document_id: revision.documentId, revision: revision.revision, fingerprint: input.fingerprint },
  };
}

export interface JsonFeedInput {
  account: AccountProfile;
  feedUrl: string;
  homePageUrl: string;
  items: readonly FeedItem[];
  /** JSON Feed pagination: the page that carries on with older items (absent on the last page). */
  nextUrl?: string;
}

/** Newest first by date_published, then by id, so equal dates never swap between renders. */
const newestFirst = (a: FeedItem, b: FeedItem): number =>
  Date.parse(b.date_published) - Date.parse(a.date_published) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

const itemJson = (item: FeedItem) => ({
  id: item.id,
  url: item.url,
  external_url: item.external_url,
  title: item.title,
  content_html: item.content_html,
  summary: item.summary,
  ...(item.image === undefined ? {} : { image: item.image }),
  date_published: item.date_published,
  date_modified: item.date_modified,
  tags: [...item.tags],
  language: item.language,
  _tongyuan: {
    document_id: item._tongyuan.document_id,
    revision: item._tongyuan.revision,
    fingerprint: item._tongyuan.fingerprint,
  },
});

/**
 * The account's JSON Feed 1.1 (accounts/<accountId>/feed.json), newest first. Byte-deterministic: members are
 * written in a fixed order and items sorted, so the same items give the same bytes (and putIfChanged skips a rewrite).
 * One item per document: when two revisions of a document are passed, the higher revision wins.
 */
export function renderJsonFeed(input: JsonFeedInput, itemText: (item: FeedItem) => string = feedItemText): string {
  const latest = new Map<string, FeedItem>();
  for (const item of input.items) {
    const held = latest.get(item.id);
    // Ties (one revision passed twice) go to the greater fingerprint, so the order items come in never matters.
    const newer =
      held === undefined ||
      held._tongyuan.revision < item._tongyuan.revision ||
      (held._tongyuan.revision === item._tongyuan.revision && held._tongyuan.fingerprint < item._tongyuan.fingerprint);
    if (newer) latest.set(item.id, item);
  }
  const head = JSON.stringify(
    {
      version: 'https://jsonfeed.org/version/1.1',
      title: input.account.name,
      home_page_url: input.homePageUrl,
      feed_url: input.feedUrl,
      ...(input.nextUrl === undefined ? {} : { next_url: input.nextUrl }),
      description: `${input.account.name}发布的政府信息，与政府网站同源`,
      language: 'zh-CN',
      authors: [{ name: input.account.name }],
      items: [],
    },
    null,
    2,
  );
  const items = [...latest.values()].sort(newestFirst);
  if (items.length === 0) return `${head}\n`;
  // The same bytes as JSON.stringify(feed, null, 2), from each item's own text (which a caller may keep between renders).
  return `${head.slice(0, -'[]\n}'.length)}[\n${items.map(itemText).join(',\n')}\n  ]\n}\n`;
}

/** One item as it sits in the feed's items array (JSON, indented two levels deep). */
export const feedItemText = (item: FeedItem): string => `    ${JSON.stringify(itemJson(item), null, 2).replace(/\n/g, '\n    ')}`;
