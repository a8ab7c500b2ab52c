// The audit reading back new-media and gazette artifacts, laid out in S3 exactly as their renderers write them.
import {
  type DeliveryStatus,
  type DocumentRevision,
  revisionText,
  sourceFingerprint,
  toContentPublished,
  topics,
} from '@tongyuan/contracts';
import { correctedRevision, integrationTest, storeFor, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { openAlerts } from '../alerts/alert-store.js';
import { allSteps, latestRevisions } from '../ledger/ledger-store.js';
import { freshRevision, type OpsHarness, startOpsHarness } from '../ops.fixture.js';

const test = integrationTest.extend<{ ops: OpsHarness }>({
  ops: [
    async ({ servers }, use) => {
      const harness = await startOpsHarness(servers);
      await use(harness);
      await harness.stop();
    },
    { scope: 'file' },
  ],
});

const escapeHtml = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

/** An H5 page as the new-media renderer marks it: title and body in data-tongyuan-text elements, provenance meta tags. */
const h5Page = (revision: DocumentRevision, text = revisionText(revision)) => {
  const [title, ...body] = text.split('\n');
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(title ?? '')}</title>
<meta name="tongyuan:document-id" content="${revision.documentId}"><meta name="tongyuan:revision" content="${revision.revision}">
<meta name="tongyuan:fingerprint" content="${sourceFingerprint(revision)}"></head>
<body><h1 data-tongyuan-text>${escapeHtml(title ?? '')}</h1><div data-tongyuan-text>${body.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}</div>
<footer>阅读原文</footer></body></html>`;
};

describe('the audit of new media and the gazette', () => {
  test('checks the H5 page, the feed item and the WeChat record of each account, naming the part that drifted', async ({
    ops,
    servers,
  }) => {
    const revision = freshRevision('laiyang-2024-work-plan');
    const fingerprint = sourceFingerprint(revision);
    const provenance = { documentId: revision.documentId, revision: 1, fingerprint };
    const account = 'laiyang-gov';
    const store = storeFor(servers, ops.buckets.newmedia);
    await store.ensureBucket();
    const keys = {
      h5: `accounts/${account}/articles/${revision.documentId}/index.html`,
      feed: `accounts/${account}/feed.json`,
      record: `accounts/${account}/wechat/${revision.documentId}/r1.json`,
    };
    const html = h5Page(revision);
    await store.put(keys.h5, html, { contentType: 'text/html; charset=utf-8', provenance });
    const feed = (fp: string) =>
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: '莱阳发布',
        items: [
          {
            id: revision.documentId,
            title: revision.title,
            _tongyuan: { document_id: revision.documentId, revision: 1, fingerprint: fp },
          },
        ],
      });
    await store.put(keys.feed, feed(fingerprint), { contentType: 'application/feed+json' });
    await store.put(keys.record, JSON.stringify({ title: revision.title, article_id: 'art-1', fingerprint }), {
      contentType: 'application/json',
      provenance,
    });
    await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
    const delivered: DeliveryStatus = {
      version: 'v1',
      ...provenance,
      channel: 'newmedia',
      target: account,
      state: 'delivered',
      attempt: 1,
      error: null,
      artifactKeys: Object.values(keys),
      occurredAt: new Date().toISOString(),
    };
    await ops.bus.publish(topics.deliveryStatus, delivered);
    await waitFor(
      async () => (await allSteps(ops.service.pool)).length === 1 && (await latestRevisions(ops.service.pool)).length === 1,
      {
        what: 'the ledger',
      },
    );
    await ops.service.checks.run();
    const ofDocument = async () => (await openAlerts(ops.service.pool)).filter((a) => a.documentId === revision.documentId);
    expect(await ofDocument()).toEqual([]);

    // Three kinds of drift at once: edited H5 text, a feed item with a foreign fingerprint, a record of another revision.
    await store.put(keys.h5, html.replace('莱阳', '菜阳'), { contentType: 'text/html; charset=utf-8', provenance });
    const foreign = `sha256:${'a'.repeat(64)}`;
    await store.put(keys.feed, feed(foreign), { contentType: 'application/feed+json' });
    await store.put(keys.record, JSON.stringify({ title: revision.title, article_id: 'art-1', fingerprint: foreign }), {
      contentType: 'application/json',
      provenance,
    });
    await ops.service.checks.run();
    const found = await ofDocument();
    expect(found.map((a) => [a.kind, a.channel, a.target]).sort()).toEqual([
      ['drift', 'newmedia', account],
      ['drift', 'newmedia', `${account}/feed`],
      ['drift', 'newmedia', `${account}/wechat`],
    ]);
    expect(found.find((a) => a.target === account)?.detail).toMatch(/源文 “[^”]*【莱[\s\S]*渠道 “[^”]*【菜/);

    // The item has moved from feed.json to an archive page (the feed is paged): the audit follows next_url to it.
    await store.put(
      keys.feed,
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        items: [],
        next_url: `https://h5.example/accounts/${account}/feed/2.json`,
      }),
      { contentType: 'application/feed+json' },
    );
    await store.put(
      `accounts/${account}/feed/2.json`,
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        items: [],
        next_url: `https://h5.example/accounts/${account}/feed/1.json`,
      }),
      { contentType: 'application/feed+json' },
    );
    await store.put(`accounts/${account}/feed/1.json`, feed(fingerprint), { contentType: 'application/feed+json' });
    await ops.service.checks.run();
    expect((await ofDocument()).filter((a) => a.target === `${account}/feed`)).toEqual([]);
    await store.put(`accounts/${account}/feed/1.json`, feed(foreign), { contentType: 'application/feed+json' });
    await ops.service.checks.run();
    expect((await ofDocument()).filter((a) => a.target === `${account}/feed`).map((a) => a.kind)).toEqual(['drift']);
  });

  test('a closed gazette issue may carry the revision before a correction; a wrong fingerprint in a manifest is drift', async ({
    ops,
    servers,
  }) => {
    const first = freshRevision('zigong-2022-task-division', new Date(Date.now() - 3_600_000));
    const second = correctedRevision(first, { reason: '更正', body: first.body.slice(1) }, new Date().toISOString());
    await ops.bus.publish(topics.contentPublished, toContentPublished(first));
    await ops.bus.publish(topics.contentPublished, toContentPublished(second));
    await waitFor(
      async () => (await latestRevisions(ops.service.pool)).some((r) => r.documentId === first.documentId && r.revision === 2),
      {
        what: 'both revisions',
      },
    );
    const store = storeFor(servers, ops.buckets.gazette);
    await store.ensureBucket();
    const manifest = (fingerprint: string) =>
      JSON.stringify({
        issue: '2026-01',
        documents: [{ documentId: first.documentId, revision: 1, fingerprint, title: first.title, docNumber: first.docNumber }],
      });
    await store.put('issues/2026-01/manifest.json', manifest(sourceFingerprint(first)), { contentType: 'application/json' });
    await ops.service.checks.run();
    const gazette = async () => (await openAlerts(ops.service.pool)).filter((a) => a.channel === 'gazette' && a.kind === 'drift');
    expect(await gazette()).toEqual([]);

    await store.put('issues/2026-01/manifest.json', manifest(sourceFingerprint(second)), { contentType: 'application/json' });
    await ops.service.checks.run();
    const [drift] = await gazette();
    expect(drift).toMatchObject({ documentId: first.documentId, revision: 1, target: '2026-01' });
    expect(drift?.detail).toContain(sourceFingerprint(first));
  });
});
