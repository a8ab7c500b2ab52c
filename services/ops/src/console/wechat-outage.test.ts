// The outage story across real services: portal, new media (against the fake WeChat API) and ops, in Chromium.
import { toContentPublished, topics } from '@tongyuan/contracts';
import { axeViolations, integrationTest, launchChromium, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { openAlerts } from '../alerts/alert-store.js';
import { currentDeliveries } from '../ledger/ledger-store.js';
import { freshRevision } from '../ops.fixture.js';
import { cityAccount, startPipeline } from '../pipeline.fixture.js';

describe('a WeChat outage, seen and cleared from the console', () => {
  integrationTest(
    'failed new-media deliveries show with their reason, the SLA alert fires, and a retry after recovery clears both',
    { timeout: 120_000 },
    async ({ servers }) => {
      const pipeline = await startPipeline(servers, {
        opsEnv: { SLA_SECONDS: '6', AUDIT_INTERVAL_MS: '1000' },
        // One try: after it, the delivery waits for the event to come again (the console's retry).
        newmediaEnv: { NEWMEDIA_MAX_ATTEMPTS: '1', NEWMEDIA_RETRY_MS: '600000' },
      });
      const { ops, wechat: fake } = pipeline;
      const account = cityAccount;
      const browser = await launchChromium();
      try {
        fake.failHttp(account.appId, 503);
        const revision = freshRevision('laiyang-2024-work-plan');
        await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
        const failed = await waitFor(
          async () =>
            (await currentDeliveries(ops.service.pool, revision.documentId)).find(
              (d) => d.channel === 'newmedia' && d.state === 'failed',
            ),
          { what: 'the new-media delivery failed', timeoutMs: 40_000 },
        );
        expect(failed.target).toBe(account.id);

        const page = await (await browser.newContext({ bypassCSP: true })).newPage();
        await page.goto(`${ops.baseUrl}/login`);
        await page.getByLabel('访问令牌（需要 ops 角色）').fill(ops.tokens.ops);
        await page.getByRole('button', { name: '登录' }).click();
        await page.waitForURL(`${ops.baseUrl}/`);
        const row = page.locator('table.failing tbody tr', { hasText: revision.title });
        expect(await row.textContent()).toContain('政务新媒体');
        expect(await row.locator('td.reason').textContent()).toContain(failed.errorCode ?? 'no code');

        // Past the SLA the miss is an alert, on the console and in the metric.
        await waitFor(
          async () =>
            (await openAlerts(ops.service.pool)).some(
              (a) => a.kind === 'sla_miss' && a.channel === 'newmedia' && a.documentId === revision.documentId,
            ),
          { what: 'the SLA alert', timeoutMs: 20_000 },
        );
        await page.reload();
        expect(await page.locator('table.alerts').first().textContent()).toContain('超出发布时限');
        expect(await axeViolations(page)).toEqual([]);
        expect(await (await fetch(`${ops.baseUrl}/metrics`)).text()).toMatch(
          /tongyuan_ops_open_alerts\{[^}]*kind="sla_miss"[^}]*channel="newmedia"[^}]*\} 1|tongyuan_ops_open_alerts\{[^}]*channel="newmedia"[^}]*kind="sla_miss"[^}]*\} 1/,
        );

        // WeChat recovers; the operator retries from the console.
        fake.failHttp(account.appId, null);
        await row.getByRole('button', { name: `重试 ${revision.title}` }).click();
        await page.waitForURL(/notice=retried/);
        await waitFor(
          async () =>
            (await currentDeliveries(ops.service.pool, revision.documentId)).some(
              (d) => d.channel === 'newmedia' && d.state === 'delivered',
            ),
          { what: 'the new-media delivery after the retry', timeoutMs: 40_000 },
        );
        await waitFor(
          async () =>
            !(await openAlerts(ops.service.pool)).some((a) => a.documentId === revision.documentId && a.kind === 'sla_miss'),
          { what: 'the SLA alert resolved', timeoutMs: 10_000 },
        );
        await page.goto(`${ops.baseUrl}/`);
        expect(await page.locator('table.failing tbody').textContent()).not.toContain(revision.title);
        await page.goto(`${ops.baseUrl}/documents`);
        const cell = page.locator(`tr[data-document-id="${revision.documentId}"] td[data-channel="newmedia"]`);
        expect(await cell.textContent()).toContain(`${account.id} 已送达`);
      } finally {
        await browser.close();
        await pipeline.stop();
      }
    },
  );
});
