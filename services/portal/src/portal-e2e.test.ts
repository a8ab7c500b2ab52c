// End to end: events on content.published → the portal service → objects in S3 → the viewer → a visitor in real Chromium.
import { KafkaBus } from '@tongyuan/bus';
import { type DocumentRevision, toContentPublished, topics } from '@tongyuan/contracts';
import { documentPath, listingPath } from '@tongyuan/portal-site';
import { axeViolations, keyedBy, launchChromium, quietLogger, readTopic, withdrawnRevision } from '@tongyuan/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { type CorpusName, revisionFromCorpus } from '../../../packages/contracts/src/corpus-revision.fixture.js';
import { forSite, portalTest as test } from './portal.fixture.js';

const corpus: CorpusName[] = [
  'zigong-2022-task-division',
  'haishu-2019-work-plan',
  'hongqiao-amr-2019-work-plan',
  'laiyang-2024-work-plan',
];

const withdrawalOf = (previous: DocumentRevision): DocumentRevision =>
  withdrawnRevision(previous, '2026-06-01T00:00:00+08:00', '已被新通知替代');

describe('the portal, end to end', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  test('published documents become pages a visitor can read, search and reach by keyboard, with no axe violation', {
    timeout: 180_000,
  }, async ({ portal, servers }) => {
    const bus = new KafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'e2e-editor',
      logger: quietLogger(),
      topicPrefix: portal.topicPrefix,
    });
    // The corpus fixture's attachment is a placeholder with no file behind it: these pages are about text.
    const revisions = corpus.map((name) => forSite({ ...revisionFromCorpus(name), attachments: [] }, portal.siteId));
    const withdrawn = forSite(
      {
        ...revisionFromCorpus('haishu-2019-work-plan'),
        attachments: [],
        documentId: 'doc_01M80000000000000000000001',
        title: '将被撤回的通知',
      },
      portal.siteId,
    );
    try {
      await bus.ensureTopics([topics.contentPublished, topics.deliveryStatus]);
      for (const revision of [...revisions, withdrawn, withdrawalOf(withdrawn)])
        await bus.publish(topics.contentPublished, toContentPublished(revision));
      // Each delivery is reported on delivery.status; wait for all six.
      const ids = [...revisions, withdrawn].map((revision) => revision.documentId);
      const statuses = await readTopic(servers.kafkaBrokers, bus.topicName(topics.deliveryStatus.name), {
        count: 6,
        filter: keyedBy(...ids),
        timeoutMs: 90_000,
      });
      expect(statuses.map((message) => JSON.parse(message.value?.toString() ?? '').state).sort()).toEqual([
        'delivered',
        'delivered',
        'delivered',
        'delivered',
        'delivered',
        'withdrawn',
      ]);
    } finally {
      await bus.close();
    }

    const zigong = revisions[0] as DocumentRevision;
    const pages: Record<string, string> = {
      home: '/',
      document: `/${documentPath(zigong.documentId)}`,
      listing: `/${listingPath('latest')}`,
      catalogue: `/${listingPath('catalogue')}`,
      'normative library': `/${listingPath('normative-valid')}`,
      withdrawn: `/${documentPath(withdrawn.documentId)}`,
      search: `/search?q=${encodeURIComponent('政务公开')}`,
    };
    // bypassCSP lets axe-core be injected; the site itself runs under the viewer's strict policy.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    try {
      const page = await context.newPage();
      for (const [type, path] of Object.entries(pages)) {
        const response = await page.goto(`${portal.baseUrl}${path}`);
        expect(response?.status(), type).toBe(200);
        expect(await axeViolations(page), type).toEqual([]);
      }

      // A visitor searches for a phrase from the body and follows the result.
      const phrase = '多渠道、多维度推动减税降费专项配套支持政策精准传递';
      await page.goto(`${portal.baseUrl}/`);
      await page.getByRole('searchbox').first().fill(phrase);
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/search\?/);
      const result = page
        .locator(`a[href$="/${documentPath(zigong.documentId)}"], a[href$="/${documentPath(zigong.documentId)}index.html"]`)
        .first();
      await expect(result.count()).resolves.toBeGreaterThan(0);
      await result.click();
      await expect(page.locator('h1').textContent()).resolves.toContain(zigong.title);
      await expect(page.locator('meta[name="tongyuan:fingerprint"]').getAttribute('content')).resolves.toBe(
        toContentPublished(zigong).fingerprint,
      );

      // Keyboard only: Tab from the top reaches the skip link first, then a document link that Enter opens.
      await page.goto(`${portal.baseUrl}/`);
      await page.keyboard.press('Tab');
      await expect(
        page.evaluate(
          () =>
            (globalThis as unknown as { document: { activeElement: { textContent: string } } }).document.activeElement
              .textContent,
        ),
      ).resolves.toMatch(/跳/);
      for (let presses = 0; presses < 60; presses += 1) {
        await page.keyboard.press('Tab');
        const href = await page.evaluate(() =>
          (
            globalThis as unknown as { document: { activeElement: { getAttribute(name: string): string | null } } }
          ).document.activeElement.getAttribute('href'),
        );
        if (href?.includes('/documents/')) break;
      }
      await page.keyboard.press('Enter');
      await page.waitForURL(/\/documents\//);
      await expect(page.locator('meta[name="tongyuan:document-id"]').count()).resolves.toBe(1);
      // The withdrawn document is out of the listing.
      await page.goto(`${portal.baseUrl}/${listingPath('latest')}`);
      await expect(page.content()).resolves.not.toContain(withdrawn.documentId);
    } finally {
      await context.close();
    }
  });
});
