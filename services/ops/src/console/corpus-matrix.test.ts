// The first check: after the corpus is published, the console shows every document live on the portal and new
// media, and its 规范性文件 filed as a gazette candidate, with times; read in Chromium.
import { toContentPublished, topics } from '@tongyuan/contracts';
import { axeViolations, integrationTest, launchChromium, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import type { CorpusName } from '../../../../packages/contracts/src/corpus-revision.fixture.js';
import { currentDeliveries } from '../ledger/ledger-store.js';
import { freshRevision } from '../ops.fixture.js';
import { cityAccount, startPipeline } from '../pipeline.fixture.js';

const corpus: CorpusName[] = [
  'zigong-2022-task-division',
  'haishu-2019-work-plan',
  'hongqiao-amr-2019-work-plan',
  'laiyang-2024-work-plan',
];

describe('the corpus on every channel', () => {
  integrationTest(
    'the matrix shows each document live on portal and new media, and the gazette candidacy',
    { timeout: 120_000 },
    async ({ servers }) => {
      const pipeline = await startPipeline(servers, { gazette: true });
      const { ops } = pipeline;
      const browser = await launchChromium();
      try {
        const revisions = corpus.map((name) => freshRevision(name));
        for (const revision of revisions) await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
        const normative = revisions.filter((r) => r.kind === '规章' || r.kind === '规范性文件');
        expect(normative.length).toBeGreaterThan(0);
        await waitFor(
          async () => {
            const live = (await currentDeliveries(ops.service.pool)).map((d) => `${d.documentId} ${d.channel} ${d.state}`);
            return (
              revisions.every(
                (r) => live.includes(`${r.documentId} portal delivered`) && live.includes(`${r.documentId} newmedia delivered`),
              ) && normative.every((r) => live.includes(`${r.documentId} gazette pending`))
            );
          },
          { what: 'every document on every channel it is routed to', timeoutMs: 80_000, intervalMs: 500 },
        );

        const page = await (await browser.newContext({ bypassCSP: true })).newPage();
        await page.goto(`${ops.baseUrl}/login`);
        await page.getByLabel('访问令牌（需要 ops 角色）').fill(ops.tokens.ops);
        await page.getByRole('button', { name: '登录' }).click();
        await page.goto(`${ops.baseUrl}/documents`);
        for (const revision of revisions) {
          const row = page.locator(`tr[data-document-id="${revision.documentId}"]`);
          expect(await row.locator('th').textContent()).toBe(revision.title);
          const portal = row.locator('td[data-channel="portal"]');
          expect(await portal.textContent()).toContain(`${ops.siteId} 已送达`);
          expect(await portal.locator('time').count()).toBe(1);
          const newmedia = row.locator('td[data-channel="newmedia"]');
          expect(await newmedia.textContent()).toContain(`${cityAccount.id} 已送达`);
          expect(await newmedia.locator('time').count()).toBe(1);
          const gazette = await row.locator('td[data-channel="gazette"]').textContent();
          if (normative.includes(revision)) expect(gazette).toMatch(/\d{4}-\d{2} 已列为候选/);
          else expect(gazette?.trim()).toBe('—');
        }
        expect(await axeViolations(page)).toEqual([]);

        // And the audit finds every channel holding the source: pages, feed items, send records, the WeChat articles.
        await ops.service.checks.run();
        expect(pipeline.wechat.calls('freepublish/getarticle')).toBeGreaterThanOrEqual(revisions.length);
        // publish→live, per channel, from the ledger: a sample for each delivery that went live.
        const metrics = await (await fetch(`${ops.baseUrl}/metrics`)).text();
        for (const [channel, count] of [
          ['portal', revisions.length],
          ['newmedia', revisions.length],
          ['gazette', normative.length],
        ] as const) {
          expect(metrics, channel).toContain(
            `tongyuan_publish_to_live_seconds_count{service="ops",channel="${channel}"} ${count}`,
          );
        }
        const { rows } = await ops.service.pool.query(
          'select kind, channel, target, detail from alerts where resolved_at is null',
        );
        expect(rows).toEqual([]);
      } finally {
        await browser.close();
        await pipeline.stop();
      }
    },
  );
});
