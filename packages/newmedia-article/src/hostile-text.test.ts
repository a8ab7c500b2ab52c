// Generated hostile text in every field a reader sees: whatever an editor types stays text, on every carrier, and
// the audited text still equals the revision's.
import { type Block, normalizeText, revisionText, sourceFingerprint } from '@tongyuan/contracts';
import { describe, expect, it } from 'vitest';
import { renderH5Page } from './h5-page.renderer.js';
import { feedItemOf } from './json-feed.js';
import {
  account,
  attr,
  auditedText,
  elementsOf,
  fragmentElements,
  pageRoot,
  portalUrl,
  released,
  richRevision,
  textOf,
  uploadedUrls,
} from './newmedia-article.fixture.js';
import { renderArticle } from './wechat-article.renderer.js';

// A small deterministic PRNG (mulberry32): the same cases on every run.
const random = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pieces = [
  '<',
  '>',
  '"',
  "'",
  '&',
  '&amp;',
  '&lt;script&gt;',
  '=',
  '/',
  '<script>',
  '</script>',
  '<img src=x onerror=alert(1)>',
  '<a href="javascript:alert(1)">',
  'javascript:',
  '<style>*{}</style>',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '{{x}}',
  '{{{x}}}',
  ' class="p"',
  ' data-tongyuan-text',
  'style="color:red"',
  '\u200b',
  '\u00a0',
  '😀',
  '政务公开',
  '（一）',
  '一、',
  '\t',
];
const hostileText = (next: () => number): string => {
  let text = '文';
  for (let i = 0; i < 1 + Math.floor(next() * 8); i++) text += pieces[Math.floor(next() * pieces.length)];
  return text;
};

const textOfFragment = (html: string): string => normalizeText(textOf(pageRoot(html)));

const allowedAttributes = new Set(['style', 'src', 'alt', 'href', 'colspan', 'rowspan', 'data-tongyuan-text']);

describe('hostile text, generated', () => {
  it('never becomes markup in the article, the H5 page or the feed, and the audited text stays the revision’s', () => {
    const base = richRevision();
    for (let seed = 1; seed <= 60; seed++) {
      const next = random(seed);
      const body: Block[] = base.body.map((block) => {
        switch (block.type) {
          case 'paragraph':
            return { ...block, text: hostileText(next) };
          case 'heading':
            return { ...block, text: hostileText(next) };
          case 'list':
            return { ...block, items: block.items.map(() => hostileText(next)) };
          case 'image':
            return { ...block, alt: hostileText(next), caption: hostileText(next) };
          case 'table':
            return {
              ...block,
              caption: hostileText(next),
              rows: block.rows.map((row) => row.map((cell) => (cell === '' ? '' : hostileText(next)))),
            };
          default:
            return block;
        }
      });
      const revision = released({ ...base, title: hostileText(next), body });
      const fingerprint = sourceFingerprint(revision);
      const expected = revisionText(revision).replace(/\s+/g, '');

      const article = renderArticle({
        revision,
        fingerprint,
        account,
        portalUrl: portalUrl(revision),
        imageUrls: uploadedUrls(revision),
      });
      const elements = fragmentElements(article.content);
      for (const element of elements) {
        expect(['script', 'style', 'link'].includes(element.tagName), element.tagName).toBe(false);
        if (element.tagName === 'img') expect([...uploadedUrls(revision).values()]).toContain(attr(element, 'src'));
        for (const { name } of element.attrs) expect(allowedAttributes.has(name), `${element.tagName}[${name}]`).toBe(true);
        if (element.tagName === 'a') expect(attr(element, 'href')).toBe(portalUrl(revision));
      }
      expect(auditedText(pageRoot(article.content))).toBe(expected);

      const h5 = renderH5Page({
        revision,
        fingerprint,
        account,
        portalUrl: portalUrl(revision),
        feedUrl: 'https://newmedia.zg.gov.cn/feed.json',
        imageUrl: (image) => `https://newmedia.zg.gov.cn/media/${image.sha256}.jpg`,
      });
      const page = elementsOf(pageRoot(h5));
      expect(page.filter((e) => e.tagName === 'script')).toEqual([]);
      expect(page.filter((e) => e.tagName === 'style')).toHaveLength(1);
      expect(page.flatMap((e) => e.attrs.filter((a) => a.name.startsWith('on')))).toEqual([]);
      expect(auditedText(pageRoot(h5))).toBe(expected);

      // The summary path too: the same hostile paragraphs, repeated past WeChat's limit.
      const long = released({
        ...revision,
        body: Array.from({ length: 10 }, (_, i) => body.map((block) => ({ ...block, id: `r${i}-${block.id}` }))).flat(),
      });
      const summary = renderArticle({
        revision: long,
        fingerprint: sourceFingerprint(long),
        account,
        portalUrl: portalUrl(long),
        imageUrls: uploadedUrls(long),
      });
      expect(summary.form).toBe('summary');
      const summaryText = fragmentElements(summary.content).flatMap((e) => e.attrs.map((a) => a.name));
      for (const name of summaryText) expect(allowedAttributes.has(name) && name !== 'data-tongyuan-text', name).toBe(true);
      const firstParagraph = body.find((block) => block.type === 'paragraph');
      if (firstParagraph?.type === 'paragraph')
        expect(textOfFragment(summary.content)).toContain(normalizeText(firstParagraph.text));

      const feed = feedItemOf({ revision, fingerprint, h5Url: 'https://newmedia.zg.gov.cn/a/', portalUrl: portalUrl(revision) });
      const feedElements = fragmentElements(feed.content_html);
      expect(feedElements.filter((e) => ['script', 'style', 'link', 'iframe'].includes(e.tagName))).toEqual([]);
      expect(feedElements.flatMap((e) => e.attrs.filter((a) => a.name.startsWith('on') || a.name === 'style'))).toEqual([]);
    }
  });
});
