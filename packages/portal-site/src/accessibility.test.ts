// The rendered site in real headless Chromium: axe-core finds no WCAG 2.1 A/AA violation on any page type, in every
// display setting, and the site can be used from the keyboard alone.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { sourceFingerprint } from '@tongyuan/contracts';
import { axeViolations, launchChromium } from '@tongyuan/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { revisionFromCorpus, zigongRevision } from '../../contracts/src/corpus-revision.fixture.js';
import { siteAssets } from './assets.js';
import { renderDocumentJson, renderDocumentPage, renderWithdrawnPage } from './document-page.js';
import { renderAtomFeed } from './feeds.js';
import { renderHomePage, renderListingPage, renderSearchPage } from './listing-page.js';
import { corpusSummaries, manySummaries, pageInputOf, richRevisionInput, testConfig, testNav } from './portal-site.fixture.js';
import type { SiteConfig } from './site.js';
import { documentPath, FEED_PATH, type ListingRef, listingPath, paginateListing } from './site-paths.js';
import { summaryOf } from './summary.js';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json',
  '.atom': 'application/atom+xml; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** Serves a folder as a static host would: a folder URL means its index.html, /search the prerendered search page. */
const serveFolder = (root: string): Server =>
  createServer((request, response) => {
    const pathname = new URL(request.url ?? '/', 'http://localhost').pathname;
    const relative = pathname === '/search' ? 'search.html' : pathname.endsWith('/') ? `${pathname}index.html` : pathname;
    const file = normalize(join(root, relative));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' }).end(body),
      () => response.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });

/** Every page type the portal writes, keyed by the path it is served at. */
const sitePages = (config: SiteConfig): Map<string, string> => {
  const files = new Map<string, string>();
  const rich = richRevisionInput();
  const corpus = ['haishu-2019-work-plan', 'hongqiao-amr-2019-work-plan', 'laiyang-2024-work-plan'] as const;
  const summaries = [...corpusSummaries(), summaryOf(rich.revision, rich.fingerprint)];
  files.set('index.html', renderHomePage(summaries, testNav, config));
  files.set(`${documentPath(rich.revision.documentId)}index.html`, renderDocumentPage(rich, testNav, config));
  files.set(`${documentPath(rich.revision.documentId)}index.json`, renderDocumentJson(rich, config));
  for (const name of corpus) {
    const revision = revisionFromCorpus(name);
    files.set(`${documentPath(revision.documentId)}index.html`, renderDocumentPage(pageInputOf(revision), testNav, config));
  }
  const topic: ListingRef = { id: 'topic:政务公开', title: '政务公开', path: listingPath('topic', '政务公开') };
  for (const page of paginateListing(topic, manySummaries(8), 3)) {
    for (const key of page.keys) files.set(key, renderListingPage(page, testNav, config));
  }
  const catalogue: ListingRef = { id: 'catalogue', title: '政府信息公开目录', path: listingPath('catalogue') };
  files.set(
    `${catalogue.path}index.html`,
    renderListingPage({ listing: catalogue, page: 1, pageCount: 1, items: summaries }, testNav, config),
  );
  const repealed: ListingRef = { id: 'normative-repealed', title: '已废止规范性文件', path: listingPath('normative-repealed') };
  files.set(
    `${repealed.path}index.html`,
    renderListingPage(
      { listing: repealed, page: 1, pageCount: 1, items: [summaryOf(rich.revision, rich.fingerprint)] },
      testNav,
      config,
    ),
  );
  const withdrawn = revisionFromCorpus('hongqiao-amr-2019-work-plan');
  files.set(
    'withdrawn/index.html',
    renderWithdrawnPage(
      summaryOf(withdrawn, sourceFingerprint(withdrawn)),
      '文件内容需要重新审核',
      2,
      sourceFingerprint(withdrawn),
      testNav,
      config,
    ),
  );
  const zigong = zigongRevision();
  files.set(
    'search.html',
    renderSearchPage(
      '政务公开',
      [
        {
          summary: summaryOf(zigong, sourceFingerprint(zigong)),
          excerpt: '……深入贯彻国家、省关于全面推进政务公开工作的系列部署……',
        },
      ],
      testNav,
      config,
    ),
  );
  files.set(FEED_PATH, renderAtomFeed(summaries, config));
  // A page that breaks the rules on purpose, so a silent axe (not loaded, wrong tags) cannot pass the tests.
  files.set(
    'broken.html',
    '<!DOCTYPE html><html><head><title>x</title></head><body><img src="x.png"><p style="color:#bbb">低对比度</p></body></html>',
  );
  for (const asset of siteAssets()) files.set(asset.path, asset.body);
  return files;
};

// The page.evaluate callbacks run in the browser; the project is type-checked without the DOM library, so name what they use.
interface BrowserElement {
  tagName: string;
  className: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  closest(selector: string): BrowserElement | null;
}
declare const document: {
  activeElement: BrowserElement;
  body: BrowserElement;
  documentElement: BrowserElement & { dataset: Record<string, string | undefined> };
};
declare const getComputedStyle: (element: BrowserElement) => { outlineWidth: string; outlineStyle: string; fontSize: string };

describe('the portal in headless Chromium', () => {
  let dir: string;
  let server: Server;
  let browser: Browser;
  let config: SiteConfig;
  const pageTypes: Record<string, string> = {};

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'portal-site-'));
    server = serveFolder(dir);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    config = testConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    for (const [path, body] of sitePages(config)) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), body);
    }
    const rich = richRevisionInput();
    const base = config.baseUrl;
    Object.assign(pageTypes, {
      home: `${base}/index.html`,
      'document (table, correction, 废止)': `${base}/${documentPath(rich.revision.documentId)}index.html`,
      'document (attachment)': `${base}/${documentPath(revisionFromCorpus('haishu-2019-work-plan').documentId)}index.html`,
      'listing (page 2 of 3)': `${base}/${listingPath('topic', '政务公开')}page-2.html`,
      catalogue: `${base}/${listingPath('catalogue')}index.html`,
      'normative library (废止)': `${base}/${listingPath('normative-repealed')}index.html`,
      withdrawn: `${base}/withdrawn/index.html`,
      search: `${base}/search?q=${encodeURIComponent('政务公开')}`,
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const settings = [
    { name: 'default settings', size: null, contrast: null },
    { name: 'high contrast and 150% text', size: '特大字号', contrast: '高对比度' },
    { name: '125% text', size: '大字号', contrast: null },
  ] as const;

  it.each(settings)(
    'has no WCAG 2.1 A/AA violation on any page type with $name',
    async ({ size, contrast }) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      try {
        const page = await context.newPage();
        await page.goto(pageTypes.home!);
        // Switch the settings with the page's own buttons: they persist in localStorage for every later page.
        if (size !== null) await page.getByRole('button', { name: size, exact: true }).click();
        if (contrast !== null) await page.getByRole('button', { name: contrast, exact: true }).click();
        const expected = {
          size: size === '特大字号' ? '150' : size === '大字号' ? '125' : '100',
          contrast: contrast === null ? 'normal' : 'high',
        };
        const failures: string[] = [];
        for (const [type, url] of Object.entries(pageTypes)) {
          await page.goto(url);
          const applied = await page.evaluate(() => ({
            size: document.documentElement.dataset.textSize,
            contrast: document.documentElement.dataset.contrast,
            fontSize: getComputedStyle(document.body).fontSize,
          }));
          expect(applied.size, type).toBe(expected.size);
          expect(applied.contrast, type).toBe(expected.contrast);
          expect(Number.parseFloat(applied.fontSize), type).toBeGreaterThanOrEqual(18 * (Number(expected.size) / 100) - 0.01);
          failures.push(...(await axeViolations(page)).map((violation) => `${type}: ${violation}`));
        }
        expect(failures).toEqual([]);
      } finally {
        await context.close();
      }
    },
    180_000,
  );

  it('reports violations where there are some', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${config.baseUrl}/broken.html`);
      const ids = new Set((await axeViolations(page)).map((violation) => violation.split(' ')[0]));
      expect([...ids].sort()).toEqual(['color-contrast', 'html-has-lang', 'image-alt']);
    } finally {
      await page.close();
    }
  });

  it('reaches the skip link first, then a document page by Tab and Enter, with a visible focus ring', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      const page = await context.newPage();
      await page.goto(pageTypes.home!);
      const focused = () =>
        page.evaluate(() => {
          const element = document.activeElement;
          const style = getComputedStyle(element);
          return {
            tag: element.tagName.toLowerCase(),
            className: element.className,
            text: element.textContent?.trim() ?? '',
            href: element.getAttribute('href'),
            inMain: element.closest('main') !== null,
            outlineWidth: Number.parseFloat(style.outlineWidth),
            outlineStyle: style.outlineStyle,
          };
        });

      await page.keyboard.press('Tab');
      const skip = await focused();
      expect(skip).toMatchObject({
        tag: 'a',
        className: 'skip-link',
        text: '跳到主要内容',
        href: '#main',
        outlineStyle: 'solid',
      });
      expect(skip.outlineWidth).toBeGreaterThanOrEqual(2);

      await page.keyboard.press('Enter');
      await page.keyboard.press('Tab');
      const link = await focused();
      expect(link.tag).toBe('a');
      expect(link.inMain).toBe(true);
      expect(link.href).toMatch(/\/documents\/doc_\w+\/index\.html$/);
      expect(link.outlineWidth).toBeGreaterThanOrEqual(2);

      await Promise.all([page.waitForURL(/\/documents\/doc_\w+\/index\.html$/), page.keyboard.press('Enter')]);
      expect(await page.locator('h1').textContent()).toBe(link.text);
    } finally {
      await context.close();
    }
  }, 60_000);

  it('works without JavaScript: content and links are there, the settings buttons are not', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(pageTypes['document (table, correction, 废止)']!);
      expect(await page.locator('h1').textContent()).toBe(richRevisionInput().revision.title);
      expect(await page.locator('[data-display-settings]').isVisible()).toBe(false);
      expect(await page.locator('.correction-notice').isVisible()).toBe(true);
      expect(await page.locator('table.metadata th[scope="row"]').count()).toBe(7);
    } finally {
      await context.close();
    }
  }, 60_000);
});
