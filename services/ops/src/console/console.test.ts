import { createHash } from 'node:crypto';
import { type DocumentRevision, LedgerDelivery, toContentPublished, topics } from '@tongyuan/contracts';
import {
  axeViolations,
  integrationTest,
  keyedBy,
  launchChromium,
  readTopic,
  storeFor,
  uniqueName,
  waitFor,
} from '@tongyuan/testing';
import type { Browser, Page } from 'playwright-core';
import { describe, expect } from 'vitest';
import { allSteps, currentDeliveries } from '../ledger/ledger-store.js';
import { consoleSession, freshRevision, type OpsHarness, startOpsHarness } from '../ops.fixture.js';

const test = integrationTest.extend<{ ops: OpsHarness; browser: Browser }>({
  ops: [
    async ({ servers }, use) => {
      const harness = await startOpsHarness(servers, { withPortal: true, env: { AUDIT_INTERVAL_MS: '1000' } });
      await use(harness);
      await harness.stop();
    },
    { scope: 'file' },
  ],
  browser: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const browser = await launchChromium();
      await use(browser);
      await browser.close();
    },
    { scope: 'file' },
  ],
});

/** A revision with one attachment whose file is not (yet) in the assets bucket: the portal refuses it, naming the file. */
const withMissingAttachment = (): { revision: DocumentRevision; bytes: Buffer; key: string } => {
  const bytes = Buffer.from(`任务分解表 ${uniqueName('file')}`, 'utf8');
  const key = `attachments/${uniqueName('att')}.docx`;
  const revision: DocumentRevision = {
    ...freshRevision('haishu-2019-work-plan'),
    attachments: [
      {
        id: 'att1',
        title: '任务分解表',
        fileName: '任务分解表.docx',
        key,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        size: bytes.length,
      },
    ],
  };
  return { revision, bytes, key };
};

// bypassCSP lets axe-core be injected; the console itself runs under its strict policy.
const newPage = async (browser: Browser): Promise<Page> => (await browser.newContext({ bypassCSP: true })).newPage();

const signIn = async (browser: Browser, ops: OpsHarness): Promise<Page> => {
  const page = await newPage(browser);
  await page.goto(`${ops.baseUrl}/`);
  await page.getByLabel('访问令牌（需要 ops 角色）').fill(ops.tokens.ops);
  await page.getByRole('button', { name: '登录' }).click();
  await page.waitForURL(`${ops.baseUrl}/`);
  return page;
};

describe('the ops console in Chromium', () => {
  test('signs in with an ops token only, keeps the session in an HttpOnly SameSite=Strict cookie, and every page passes axe', async ({
    ops,
    browser,
  }) => {
    const page = await newPage(browser);
    await page.goto(`${ops.baseUrl}/documents`);
    expect(new URL(page.url()).pathname).toBe('/login');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await axeViolations(page)).toEqual([]);
    await page.getByLabel('访问令牌（需要 ops 角色）').fill(ops.tokens.editor);
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('此令牌没有 ops 角色');
    await page.context().close();

    const signedIn = await signIn(browser, ops);
    const [cookie] = await signedIn.context().cookies();
    expect(cookie).toMatchObject({ name: 'ops_session', httpOnly: true, sameSite: 'Strict' });
    for (const path of ['/', '/documents', '/audit', '/dead-letters', '/lag', '/statistics']) {
      await signedIn.goto(`${ops.baseUrl}${path}`);
      expect(await signedIn.getAttribute('html', 'lang'), path).toBe('zh-CN');
      expect(await axeViolations(signedIn), path).toEqual([]);
    }
    // A form posted without the session's token is refused, even with the cookie.
    const forged = await fetch(`${ops.baseUrl}/audit/run`, {
      method: 'POST',
      headers: { cookie: `ops_session=${cookie?.value}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'csrf=forged-token-forged-token-1234',
      redirect: 'manual',
    });
    expect(forged.status).toBe(403);
    // A sign-in form posted from another site is refused too (login CSRF).
    const crossSite = await fetch(`${ops.baseUrl}/login`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: ops.tokens.ops }).toString(),
      redirect: 'manual',
    });
    expect(crossSite.status).toBe(403);
    expect(crossSite.headers.get('set-cookie')).toBeNull();
    await signedIn.context().close();
  });

  test('shows the matrix with states and times, a failed delivery with its reason, and a retry that clears it', async ({
    ops,
    browser,
    servers,
  }) => {
    const good = [freshRevision('laiyang-2024-work-plan'), freshRevision('zigong-2022-task-division')];
    const broken = withMissingAttachment();
    for (const revision of [...good, broken.revision])
      await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
    await waitFor(
      async () => {
        const states = (await currentDeliveries(ops.service.pool)).map((d) => `${d.documentId}:${d.state}`);
        return (
          good.every((r) => states.includes(`${r.documentId}:delivered`)) &&
          states.includes(`${broken.revision.documentId}:failed`)
        );
      },
      { what: 'two delivered, one failed', timeoutMs: 40_000 },
    );

    const page = await signIn(browser, ops);
    await page.goto(`${ops.baseUrl}/documents`);
    for (const revision of good) {
      const cell = page.locator(`tr[data-document-id="${revision.documentId}"] td[data-channel="portal"]`);
      await expect.poll(() => cell.textContent()).toContain(`${ops.siteId} 已送达`);
      expect(await cell.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    }
    expect(
      await page.locator(`tr[data-document-id="${broken.revision.documentId}"] td[data-channel="portal"]`).textContent(),
    ).toContain('失败');
    expect(await axeViolations(page)).toEqual([]);

    await page.goto(`${ops.baseUrl}/`);
    const failing = page.locator('table.failing tbody tr', { hasText: broken.revision.title });
    expect(await failing.locator('td.reason').textContent()).toContain('MEDIA_MISSING');
    expect(await failing.locator('td.reason').textContent()).toContain(broken.key);
    expect(await axeViolations(page)).toEqual([]);

    // The fix: the attachment reaches the assets bucket. Then the operator retries from the console.
    const assets = storeFor(servers, ops.portal?.assetsBucket ?? '');
    await assets.ensureBucket();
    await assets.put(broken.key, broken.bytes, { contentType: broken.revision.attachments[0]?.mediaType ?? '' });
    await failing.getByRole('button', { name: `重试 ${broken.revision.title}` }).click();
    await page.waitForURL(/notice=retried/);
    expect(await page.getByRole('status').textContent()).toContain('已重新发布');
    await expect
      .poll(
        async () => {
          await page.reload();
          return page.locator('table.matrix tbody tr').first().textContent();
        },
        { timeout: 30_000 },
      )
      .toContain('已送达');
    expect(await axeViolations(page)).toEqual([]);
    await page.goto(`${ops.baseUrl}/`);
    expect(await page.locator('table.failing tbody').textContent()).not.toContain(broken.revision.title);
    expect(await page.locator('section', { hasText: '操作记录' }).textContent()).toContain('重试投递');
    // The same ledger as JSON, for scripts.
    const deliveries = await fetch(`${ops.baseUrl}/v1/documents/${broken.revision.documentId}/deliveries`, {
      headers: { authorization: `Bearer ${ops.tokens.ops}` },
    });
    expect(LedgerDelivery.array().parse(await deliveries.json())).toEqual([
      expect.objectContaining({ channel: 'portal', target: ops.siteId, state: 'delivered' }),
    ]);
    const { rows } = await ops.service.pool.query('select action, document_id, actor_id from operator_actions');
    expect(rows).toContainEqual({ action: 'retry', document_id: broken.revision.documentId, actor_id: 'staff-ops' });
    await page.context().close();
  });

  test('a poison message lands in the dead-letter view; re-driving after the fix delivers it once, and only once', async ({
    ops,
    browser,
    servers,
  }) => {
    await ops.bus.sendRecords(topics.contentPublished.name, [{ key: 'poison', value: '{"version":"v1",', headers: {} }]);
    const broken = withMissingAttachment();
    await ops.bus.publish(topics.contentPublished, toContentPublished(broken.revision));

    const page = await signIn(browser, ops);
    await expect
      .poll(
        async () => {
          await page.goto(`${ops.baseUrl}/dead-letters`);
          return page.locator('table.dead-letters tbody').textContent();
        },
        { timeout: 40_000 },
      )
      .toMatch(/invalid_json[\s\S]*value is not JSON|media_missing[\s\S]*invalid_json/);
    expect(await axeViolations(page)).toEqual([]);
    const letter = page.locator('table.dead-letters tbody tr', { hasText: broken.key });
    expect(await letter.locator('td.reason').textContent()).toContain(`attachment ${broken.key} is not found`);

    const assets = storeFor(servers, ops.portal?.assetsBucket ?? '');
    await assets.ensureBucket();
    await assets.put(broken.key, broken.bytes, { contentType: broken.revision.attachments[0]?.mediaType ?? '' });
    const id = await letter.getAttribute('data-dead-letter-id');
    await letter.getByRole('button', { name: `重投第 ${id} 条` }).click();
    await page.waitForURL(/notice=redriven/);
    expect(await page.locator(`tr[data-dead-letter-id="${id}"]`).textContent()).toContain('已于');
    await waitFor(
      async () => (await currentDeliveries(ops.service.pool, broken.revision.documentId)).some((d) => d.state === 'delivered'),
      { what: 'the re-driven revision delivered', timeoutMs: 30_000 },
    );

    // A second click (a stale page, another operator) sends nothing.
    const session = await consoleSession(ops.baseUrl, ops.tokens.ops);
    const again = await fetch(`${ops.baseUrl}/dead-letters/redrive`, {
      method: 'POST',
      headers: { cookie: session.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf: session.csrf, deadLetterId: id ?? '' }).toString(),
      redirect: 'manual',
    });
    expect(again.headers.get('location')).toBe('/dead-letters?notice=already');
    const sent = await readTopic(servers.kafkaBrokers, `${ops.topicPrefix}${topics.contentPublished.name}`, {
      count: 2,
      filter: keyedBy(broken.revision.documentId),
      settleMs: 1_500,
    });
    expect(sent).toHaveLength(2); // the original and one re-drive
    const delivered = (await allSteps(ops.service.pool)).filter(
      (s) => s.documentId === broken.revision.documentId && s.state === 'delivered',
    );
    expect(delivered).toHaveLength(1);
    await page.context().close();
  });
});
