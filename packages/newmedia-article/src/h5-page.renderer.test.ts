// The H5 reading page in real headless Chromium at a phone's size: accessible, inert to hostile text, and showing
// exactly the revision's text where the same-source audit looks.
import { type DocumentRevision, revisionText, sourceFingerprint } from '@tongyuan/contracts';
import { axeViolations, launchChromium } from '@tongyuan/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderH5Page } from './h5-page.renderer.js';
import {
  account,
  attr,
  auditedText,
  corpusRevisions,
  correctedRichRevision,
  elementsOf,
  HOSTILE,
  pageRoot,
  portalUrl,
  repealedRevision,
  richRevision,
  withdrawnRevision,
} from './newmedia-article.fixture.js';

// Images are never fetched: the test page routes every image URL to this 1×1 PNG.
const PIXEL = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);
const imageBase = 'https://newmedia.zg.gov.cn/media/';
const feedUrl = 'https://newmedia.zg.gov.cn/accounts/zigong-fabu/feed.json';

const h5Of = (revision: DocumentRevision): string =>
  renderH5Page({
    revision,
    fingerprint: sourceFingerprint(revision),
    account,
    portalUrl: portalUrl(revision),
    feedUrl,
    imageUrl: (image) => `${imageBase}${image.sha256}.jpg`,
  });

const withoutSpace = (text: string): string => text.replace(/\s+/g, '');
const markedText = (page: Page, property: 'textContent' | 'innerText'): Promise<string> =>
  page.evaluate(`[...document.querySelectorAll('[data-tongyuan-text]')].map((e) => e.${property}).join('')`);

let browser: Browser;
const contexts: BrowserContext[] = [];
/** A phone-sized page; bypassCSP lets axe-core's script in (and shows escaping alone keeps hostile text inert). */
const openPage = async (html: string, options: { bypassCSP: boolean }): Promise<{ page: Page; dialogs: string[] }> => {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, bypassCSP: options.bypassCSP });
  contexts.push(context);
  const page = await context.newPage();
  await page.route(`${imageBase}**`, (route) => route.fulfill({ status: 200, contentType: 'image/png', body: PIXEL }));
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.setContent(html, { waitUntil: 'load' });
  return { page, dialogs };
};

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  for (const context of contexts) await context.close();
  await browser?.close();
});

const pages: Array<[string, () => DocumentRevision]> = [
  ...corpusRevisions().map((revision): [string, () => DocumentRevision] => [revision.title.slice(0, 20), () => revision]),
  ['every block, hostile text', richRevision],
  ['a corrected revision', correctedRichRevision],
  ['a repealed revision', repealedRevision],
];

describe('renderH5Page in Chromium', () => {
  for (const [name, revisionOf] of pages) {
    it(`${name}: no WCAG 2.1 A/AA violation, and the marked text is exactly the revision's text`, async () => {
      const revision = revisionOf();
      const { page } = await openPage(h5Of(revision), { bypassCSP: true });
      expect(await axeViolations(page)).toEqual([]);
      expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
      const expected = withoutSpace(revisionText(revision));
      expect(withoutSpace(await markedText(page, 'textContent'))).toBe(expected);
      expect(withoutSpace(await markedText(page, 'innerText'))).toBe(expected);
      // Nothing but tables scrolls sideways on a phone.
      expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    });
  }

  it('runs no script from hostile text — by escaping alone, and again with the page’s CSP on', async () => {
    const html = h5Of(richRevision());
    for (const bypassCSP of [true, false]) {
      const { page, dialogs } = await openPage(html, { bypassCSP });
      await page.waitForTimeout(200);
      expect(dialogs).toEqual([]);
      expect(await page.evaluate(`document.querySelectorAll('script').length`)).toBe(0);
      expect(await page.evaluate(`document.querySelectorAll('img[src="x"], [onerror]').length`)).toBe(0);
      expect(await page.getByText(HOSTILE.script).first().isVisible()).toBe(true);
      expect(await page.getByText(HOSTILE.breakout).first().isVisible()).toBe(true);
    }
    expect(html).toContain('<meta http-equiv="Content-Security-Policy" content="default-src \'none\';');
  });

  it('carries the provenance meta tags, links the portal and the feed, and shows the account', async () => {
    const revision = richRevision();
    const root = pageRoot(h5Of(revision));
    const metas = Object.fromEntries(
      elementsOf(root)
        .filter((e) => e.tagName === 'meta' && (attr(e, 'name') ?? '').startsWith('tongyuan:'))
        .map((e) => [attr(e, 'name'), attr(e, 'content')]),
    );
    expect(metas).toEqual({
      'tongyuan:document-id': revision.documentId,
      'tongyuan:revision': '1',
      'tongyuan:fingerprint': sourceFingerprint(revision),
    });
    const { page } = await openPage(h5Of(revision), { bypassCSP: false });
    expect(await page.getByRole('link', { name: '阅读原文：在政府网站查看本文' }).getAttribute('href')).toBe(portalUrl(revision));
    expect(await page.getByRole('link', { name: '订阅自贡发布（JSON Feed）' }).getAttribute('href')).toBe(feedUrl);
    expect(await page.getByRole('banner').textContent()).toBe('自贡发布');
    expect(await page.getByRole('main').getByRole('heading', { level: 1 }).textContent()).toBe(revision.title);
    // 附件： is drawn by CSS, so readers see the label while the audited text stays the attachment's title.
    expect(await page.locator('.attachment').first().textContent()).toBe(revision.attachments[0]!.title);
    expect(await page.evaluate(`getComputedStyle(document.querySelector('.attachment'), '::before').content`)).toBe('"附件："');
  });

  it('lists the related 政策解读 outside the audited text', async () => {
    const revision = richRevision();
    const { page } = await openPage(h5Of(revision), { bypassCSP: false });
    const related = page.getByRole('region', { name: '相关文件' });
    expect(await related.getByRole('listitem').allTextContents()).toEqual([`政策解读：《${revision.related[0]!.title}》`]);
  });

  it('shows a corrected revision with its notice: when, why and what changed, and the corrected text', async () => {
    const { page } = await openPage(h5Of(correctedRichRevision()), { bypassCSP: false });
    const notice = page.getByRole('complementary', { name: '更正说明' });
    expect(await notice.textContent()).toContain('本文于 2022-05-06 10:00 更正，现为第 2 版（替代第 1 版）。');
    expect(await notice.textContent()).toContain('原因：第一段文字有误');
    expect(await notice.getByRole('listitem').allTextContents()).toEqual(['修改第一段', `删除多余字符 ${HOSTILE.script}`]);
    expect(await page.getByText('现将更正后的事项通知如下').isVisible()).toBe(true);
    expect(await page.getByText('现将有关事项通知如下').count()).toBe(0);
  });

  it('shows a 废止 banner on a repealed document', async () => {
    const { page } = await openPage(h5Of(repealedRevision()), { bypassCSP: false });
    const banner = page.getByRole('note');
    expect(await banner.getByRole('heading').textContent()).toBe('本文件已废止');
    expect(await banner.textContent()).toContain('废止日期：2023-06-20');
  });

  it('leaves a notice at the URL of a withdrawn document: why and when, no text, out of search engines', async () => {
    const withdrawn = withdrawnRevision();
    const html = h5Of(withdrawn);
    const { page } = await openPage(html, { bypassCSP: true });
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('该信息已撤回');
    const note = await page.getByRole('note').textContent();
    expect(note).toContain(`《${withdrawn.title}》已于 2019-12-20 09:00 撤回，不再公开。`);
    expect(note).toContain('撤回原因：该文件已被新文件替代，予以撤回');
    expect(await page.locator('[data-tongyuan-text]').count()).toBe(0);
    const paragraph = withdrawn.body.find((block) => block.type === 'paragraph');
    expect(html).not.toContain(paragraph?.type === 'paragraph' ? paragraph.text : '?');
    expect(html).toContain('<meta name="robots" content="noindex">');
    expect(html).toContain('<meta name="tongyuan:revision" content="2">');
  });

  it('refuses links and images that are not http(s)', () => {
    const revision = richRevision();
    const input = { revision, fingerprint: sourceFingerprint(revision), account, portalUrl: portalUrl(revision), feedUrl };
    expect(() => renderH5Page({ ...input, feedUrl: 'javascript:alert(1)', imageUrl: () => 'https://x.gov.cn/a.jpg' })).toThrow(
      /not an http\(s\) URL/,
    );
    expect(() => renderH5Page({ ...input, imageUrl: () => 'javascript:alert(1)' })).toThrow(/not an http\(s\) URL/);
  });

  it('is the same bytes for the same revision', () => {
    expect(h5Of(richRevision())).toBe(h5Of(richRevision()));
    expect(withoutSpace(auditedText(pageRoot(h5Of(richRevision()))))).toBe(withoutSpace(revisionText(richRevision())));
  });
});
