import { sourceFingerprint } from '@tongyuan/contracts';
import { describe, expect, it } from 'vitest';
import { type FeedItem, feedItemOf, renderJsonFeed } from './json-feed.js';
import {
  account,
  corpusRevisions,
  correctedRichRevision,
  fragmentElements,
  HOSTILE,
  pageRoot,
  portalUrl,
  richRevision,
  textOf,
  withdrawnRevision,
} from './newmedia-article.fixture.js';

const base = 'https://newmedia.zg.gov.cn/accounts/zigong-fabu';
const itemOf = (revision = richRevision()): FeedItem =>
  feedItemOf({
    revision,
    fingerprint: sourceFingerprint(revision),
    h5Url: `${base}/articles/${revision.documentId}/index.html`,
    portalUrl: portalUrl(revision),
  });
const feedOf = (items: FeedItem[]) =>
  renderJsonFeed({ account, feedUrl: `${base}/feed.json`, homePageUrl: 'https://www.zg.gov.cn/', items });

describe('feedItemOf', () => {
  it('is a JSON Feed 1.1 item with the H5 page, the portal page, the digest, dates and provenance', () => {
    const revision = richRevision();
    const item = itemOf(revision);
    expect(item).toMatchObject({
      id: revision.documentId,
      url: `${base}/articles/${revision.documentId}/index.html`,
      external_url: portalUrl(revision),
      title: revision.title,
      date_published: revision.publishedAt,
      date_modified: revision.publishedAt,
      tags: revision.topics,
      language: 'zh-CN',
      _tongyuan: { document_id: revision.documentId, revision: 1, fingerprint: sourceFingerprint(revision) },
    });
    expect(item.summary.startsWith('为做好2022年政务公开工作')).toBe(true);
    expect(item.image).toBeUndefined();
    const withCover = feedItemOf({
      revision,
      fingerprint: sourceFingerprint(revision),
      h5Url: item.url,
      portalUrl: item.external_url,
      coverUrl: `${base}/articles/${revision.documentId}/cover.jpg`,
    });
    expect(JSON.parse(feedOf([withCover])).items[0].image).toBe(`${base}/articles/${revision.documentId}/cover.jpg`);
  });

  it('carries the body as sanitized HTML: hostile text stays text, no script, class, id, style or event handler', () => {
    const item = itemOf();
    const elements = fragmentElements(item.content_html);
    expect(elements.filter((e) => ['script', 'style', 'link', 'iframe'].includes(e.tagName))).toEqual([]);
    expect(
      elements.flatMap((e) =>
        e.attrs.filter((a) => a.name === 'class' || a.name === 'id' || a.name === 'style' || a.name.startsWith('on')),
      ),
    ).toEqual([]);
    const text = textOf(pageRoot(item.content_html));
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain(HOSTILE.breakout);
    expect(text).toContain('一、总体要求');
    expect(text).toContain('2022年政务公开重点任务责任分工表');
    expect(text).toContain(`附件：${richRevision().attachments[0]!.title}`);
    // No image URL was given: images appear by caption, never as an <img> to somewhere unknown.
    expect(elements.filter((e) => e.tagName === 'img')).toEqual([]);
    expect(text).toContain('图为2022年政务公开工作推进会现场');
  });

  it('refuses a withdrawn revision: its item leaves the feed', () => {
    expect(() => itemOf(withdrawnRevision())).toThrow(/remove its item from the feed/);
  });

  it('shows a correction: the notice opens the content and date_modified is when it changed', () => {
    const item = itemOf(correctedRichRevision());
    expect(item.date_modified).toBe('2022-05-06T10:00:00+08:00');
    expect(item._tongyuan.revision).toBe(2);
    const text = textOf(pageRoot(item.content_html));
    expect(text.startsWith('更正说明：本文于 2022-05-06 10:00 更正，现为第 2 版。原因：第一段文字有误')).toBe(true);
    expect(text).toContain('现将更正后的事项通知如下');
  });
});

describe('renderJsonFeed', () => {
  const items = [...corpusRevisions().map((revision) => itemOf(revision)), itemOf()];

  it('is a JSON Feed 1.1 of the account, newest first', () => {
    const feed = JSON.parse(feedOf(items));
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.title).toBe('自贡发布');
    expect(feed.feed_url).toBe(`${base}/feed.json`);
    expect(feed.home_page_url).toBe('https://www.zg.gov.cn/');
    const dates = feed.items.map((item: FeedItem) => Date.parse(item.date_published));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(feed.items).toHaveLength(5);
    for (const item of feed.items) expect(Object.keys(item._tongyuan)).toEqual(['document_id', 'revision', 'fingerprint']);
  });

  it('gives the same bytes for the same items in any order', () => {
    const bytes = feedOf(items);
    expect(feedOf([...items].reverse())).toBe(bytes);
    expect(feedOf([items[2]!, items[0]!, items[4]!, items[1]!, items[3]!])).toBe(bytes);
  });

  it('holds one item per document: the corrected revision replaces the first', () => {
    const feed = JSON.parse(feedOf([itemOf(correctedRichRevision()), ...items]));
    const rich = feed.items.filter((item: FeedItem) => item.id === richRevision().documentId);
    expect(rich).toHaveLength(1);
    expect(rich[0]._tongyuan.revision).toBe(2);
    expect(rich[0]._tongyuan.fingerprint).toBe(sourceFingerprint(correctedRichRevision()));
  });

  it('leaves a withdrawn document out when its item is no longer passed', () => {
    const feed = JSON.parse(feedOf(items.slice(1)));
    expect(feed.items.map((item: FeedItem) => item.id)).not.toContain(items[0]!.id);
  });
});
