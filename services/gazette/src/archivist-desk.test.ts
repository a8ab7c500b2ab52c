import type { DocumentRevision } from '@tongyuan/contracts';
import { axeViolations, launchChromium, waitFor } from '@tongyuan/testing';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { corpusMonth, correctionOf, type GazetteHarness, gazetteTest, type Person } from './gazette.fixture.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

const login = async (gazette: GazetteHarness, person: Person): Promise<Page> => {
  const context = await browser.newContext({ locale: 'zh-CN', bypassCSP: true }); // axe is injected as a script;
  const page = await context.newPage();
  await page.goto(`${gazette.baseUrl}/desk`);
  await page.getByLabel('访问令牌').fill(gazette.tokenOf(person));
  await submit(page, () => page.getByRole('button', { name: '登录' }).click());
  return page;
};

const textOf = async (locator: Locator) => (await locator.first().textContent())?.trim();

/** A form post: the click (or key) submits, the server answers 303, the browser loads the desk again. */
const submit = async (page: Page, act: () => Promise<void>) => {
  await Promise.all([page.waitForNavigation(), act()]);
};

/** A candidate's row on the desk. */
const row = (page: Page, document: DocumentRevision) => page.locator(`tr[data-document-id="${document.documentId}"]`);

const titlesIn = (page: Page, section: string) =>
  page.locator(`section[aria-labelledby="sec-${section}"] .candidate-title`).allTextContents();

const expectAccessible = async (page: Page, what: string) => {
  expect(await axeViolations(page), what).toEqual([]);
};

// A shared 2-core machine under load renders and joins consumer groups slowly: generous bounds, same assertions.
describe('the archivists’ desk in Chromium', { timeout: 240_000 }, () => {
  gazetteTest('build, reorder by keyboard, preview, close, approve as the second archivist, publish', async ({ gazette }) => {
    const documents = corpusMonth('2026-08') as [DocumentRevision, DocumentRevision, DocumentRevision, DocumentRevision];
    await gazette.release(...documents);
    await waitFor(
      async () => {
        const open = await gazette.call('archivist', 'GET', '/v1/issues/open');
        return open.status === 200 && open.body.issue.documentCount === 4;
      },
      { timeoutMs: 120_000, what: 'four candidates' },
    );

    // Not logged in: a login page, and a wrong token is refused with a message.
    const anonymous = await (await browser.newContext({ bypassCSP: true })).newPage();
    await anonymous.goto(`${gazette.baseUrl}/desk`);
    await expectAccessible(anonymous, 'login page');
    await anonymous.getByLabel('访问令牌').fill(gazette.tokenOf('editor'));
    await submit(anonymous, () => anonymous.getByRole('button', { name: '登录' }).click());
    expect(await textOf(anonymous.getByRole('alert'))).toBe('令牌无效，或该用户不是档案员。');

    const page = await login(gazette, 'archivist');
    expect(
      await page
        .getByRole('heading', { level: 2, name: /2026年第1期（总第301期） · 编辑中/ })
        .first()
        .isVisible(),
    ).toBe(true);
    expect(await titlesIn(page, '规范性文件')).toEqual(documents.map((d) => d.title));
    await expectAccessible(page, 'desk, open issue');

    // Keyboard only: focus 下移 of the first document, press Enter; it moves one place down.
    await row(page, documents[0]).getByRole('button', { name: /^下移/ }).focus();
    await submit(page, () => page.keyboard.press('Enter'));
    expect(await textOf(page.getByRole('status'))).toBe('已下移。');
    expect(await titlesIn(page, '规范性文件')).toEqual(
      [documents[1], documents[0], documents[2], documents[3]].map((d) => d.title),
    );
    await submit(page, () => row(page, documents[3]).getByRole('button', { name: /^上移/ }).click());
    expect(await titlesIn(page, '规范性文件')).toEqual(
      [documents[1], documents[0], documents[3], documents[2]].map((d) => d.title),
    );
    // Into another section, and one out of the issue.
    await row(page, documents[2])
      .getByLabel(/移至栏目/)
      .selectOption('政策解读');
    await submit(page, () => row(page, documents[2]).getByRole('button', { name: /^移至/ }).click());
    expect(await titlesIn(page, '政策解读')).toEqual([documents[2].title]);
    await submit(page, () =>
      row(page, documents[1])
        .getByRole('button', { name: /^不收录/ })
        .click(),
    );
    expect(await titlesIn(page, '规范性文件')).toEqual([documents[0], documents[3]].map((d) => d.title));

    await submit(page, () => page.getByRole('button', { name: '生成预览' }).click());
    expect(await textOf(page.getByRole('status'))).toBe('预览已生成。');
    const previewHref = await page.getByRole('link', { name: '预览PDF' }).getAttribute('href');
    const previewPdf = await page.request.get(`${gazette.baseUrl}${previewHref}`);
    expect(previewPdf.headers()['content-type']).toBe('application/pdf');
    expect((await fetch(`${gazette.baseUrl}${previewHref}`)).status).toBe(401); // previews are for archivists only
    await submit(page, () => page.getByRole('link', { name: '预览网页' }).click());
    expect(await textOf(page.locator('main'))).toContain(documents[3].title);
    await page.goto(`${gazette.baseUrl}/desk`);

    await submit(page, () => page.getByRole('button', { name: '截稿（冻结本期文件）' }).click());
    expect(await textOf(page.getByRole('status'))).toBe('本期已截稿，文件版本已冻结。');
    await submit(page, () => page.getByRole('button', { name: '审核通过' }).click());
    expect(await textOf(page.getByRole('alert'))).toContain('a second archivist must approve it');
    await expectAccessible(page, 'desk, closed issue with a refusal');

    const second = await login(gazette, 'archivist2');
    await submit(second, () => second.getByRole('button', { name: '审核通过' }).click());
    expect(await textOf(second.getByRole('status'))).toBe('本期已审核通过。');
    await submit(second, () => second.getByRole('button', { name: '发布本期' }).click());
    expect(await textOf(second.getByRole('status'))).toBe('本期已发布。');
    await expectAccessible(second, 'desk, published issue');

    await submit(second, () => second.getByRole('link', { name: '本期网页版' }).click());
    expect(await textOf(second.locator('main'))).toContain(documents[0].title);
    const printed = await gazette.call('archivist', 'GET', '/v1/issues/2026-01');
    expect(
      printed.body.sections
        .filter((s: { candidates: unknown[] }) => s.candidates.length > 0)
        .map((s: { name: string; candidates: Array<{ documentId: string }> }) => [s.name, s.candidates.map((c) => c.documentId)]),
    ).toEqual([
      ['规范性文件', [documents[0].documentId, documents[3].documentId]],
      ['政策解读', [documents[2].documentId]],
    ]);

    // The public side: search (by keyboard, from the form) and the archive, anonymous and accessible.
    const reader = await (await browser.newContext({ bypassCSP: true })).newPage();
    await reader.goto(`${gazette.baseUrl}/search`);
    await expectAccessible(reader, 'search form');
    await reader.getByLabel('关键词').fill(documents[3].title.slice(0, 8));
    await submit(reader, () => reader.keyboard.press('Enter'));
    expect(await textOf(reader.locator('#results'))).toBe('检索结果：共1条');
    expect(await reader.getByRole('link', { name: documents[3].title }).getAttribute('href')).toBe(
      `/issues/2026-01/documents/${documents[3].documentId}.html`,
    );
    await expectAccessible(reader, 'search results');
    await reader.goto(`${gazette.baseUrl}/archive/2026/`);
    expect(await textOf(reader.locator('main'))).toContain('2026年第1期');
    await expectAccessible(reader, 'archive year page');

    // A correction after publication: the next issue proposes an erratum, and an archivist rewords it on the page.
    await gazette.release(correctionOf(documents[0], '2026-09-02T09:00:00+08:00'));
    await waitFor(async () => (await gazette.call('archivist', 'GET', '/v1/issues/2026-02')).body?.errata?.length === 1, {
      timeoutMs: 120_000,
      what: 'the proposed erratum',
    });
    await second.goto(`${gazette.baseUrl}/desk?issue=2026-02`);
    const wording = second.getByLabel('勘误文字');
    expect(await wording.inputValue()).toContain(`本刊2026年第1期（总第301期）刊登的《${documents[0].title}》`);
    const reworded = `本刊2026年第1期刊登的《${documents[0].title}》第二段有误，现予更正。`;
    await wording.fill(reworded);
    await submit(second, () => second.getByRole('button', { name: '保存勘误文字' }).click());
    expect(await textOf(second.getByRole('status'))).toBe('勘误文字已保存。');
    expect(await second.getByLabel('勘误文字').inputValue()).toBe(reworded);
    await expectAccessible(second, 'desk, erratum editor');

    // A form posted without the page's CSRF token is refused, even with the session cookie.
    const forged = await second.request.post(`${gazette.baseUrl}/desk/issues/2026-01/publish`, { form: { csrf: 'forged' } });
    expect(forged.status()).toBe(403);
  });
});
