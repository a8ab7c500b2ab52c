// Every page the gazette writes, in real headless Chromium: zero WCAG 2.1 A/AA violations from axe-core, a working
// skip link, and a mobile page that fits a phone's width.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, normalize } from 'node:path';
import { axeViolations, launchChromium } from '@tongyuan/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archiveSummaries, corpusIssue } from '../gazette-issue.fixture.js';
import { renderIssuePdf } from '../pdf/issue-pdf.renderer.js';
import { renderArchivePages } from './archive-pages.renderer.js';
import { issueKeys, renderIssueHtml } from './issue-html.renderer.js';

// The page.evaluate callbacks run in the browser; the project is type-checked without the DOM library.
declare const document: {
  activeElement: { id: string; className: string } | null;
  documentElement: { scrollWidth: number; clientWidth: number };
};

const serveFolder = (root: string): Server =>
  createServer((request, response) => {
    const pathname = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(root, pathname));
    if (!file.startsWith(root)) {
      response.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body),
      () => response.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });

describe('the gazette pages in headless Chromium', () => {
  let dir: string;
  let server: Server;
  let browser: Browser;
  let base: string;
  const pages = new Map<string, string>();

  beforeAll(async () => {
    const issue = corpusIssue();
    const { layout } = await renderIssuePdf(issue);
    const html = renderIssueHtml(issue, layout, { pdfUrl: 'gazette.pdf', archiveUrl: '../../archive/index.html' });
    const keys = issueKeys(issue);
    pages.set(keys.desktop, html.desktop);
    pages.set(keys.mobile, html.mobile);
    for (const [id, page] of html.documents) pages.set(keys.document(id), page);
    const archive = renderArchivePages(archiveSummaries(), { gazetteTitle: issue.gazetteTitle, searchUrl: '../search' });
    pages.set('archive/index.html', archive.index);
    for (const [year, page] of archive.years) pages.set(`archive/${year}/index.html`, page);
    // A page that breaks the rules on purpose, so a silent axe (not loaded, wrong tags) cannot pass the tests.
    pages.set('broken.html', '<!DOCTYPE html><html><head><title>x</title></head><body><img src="x.png"></body></html>');
    dir = await mkdtemp(join(tmpdir(), 'gazette-html-'));
    for (const [path, body] of pages) {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), body);
    }
    server = serveFolder(dir);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('finds the violations of a broken page (axe is really running)', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/broken.html`);
    expect((await axeViolations(page)).join('\n')).toMatch(/html-has-lang|image-alt/);
    await page.close();
  });

  it('has no WCAG 2.1 A/AA violation on any issue, document or archive page, desktop and phone', async () => {
    const paths = [...pages.keys()].filter((path) => path !== 'broken.html');
    expect(paths.length).toBeGreaterThanOrEqual(10);
    for (const viewport of [
      { width: 1280, height: 900 },
      { width: 390, height: 844 },
    ]) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      for (const path of paths) {
        const response = await page.goto(`${base}/${path}`);
        expect(response?.status(), path).toBe(200);
        expect(await axeViolations(page), `${path} at ${viewport.width}px`).toEqual([]);
      }
      await context.close();
    }
  }, 120_000);

  it('skips to the main content from the keyboard, and the mobile TOC fits a phone without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${base}/issues/2026-05/mobile.html`);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.className)).toBe('skip-link');
    expect(await page.getByRole('link', { name: '跳到主要内容' }).isVisible()).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('main');
    const { scrollWidth, clientWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
    }));
    expect(scrollWidth).toBeLessThanOrEqual(clientWidth);
    // The TOC links lead to the document pages.
    await page.getByRole('link', { name: '自贡市2022年政务公开重点工作任务分工方案' }).click();
    await page.waitForURL(/documents\/doc_[0-9A-Z]+\.html$/);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('自贡市2022年政务公开重点工作任务分工方案');
    await context.close();
  });
});
