import { toContentPublished, topics } from '@tongyuan/contracts';
import { correctedRevision, integrationTest, storeFor, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { openAlerts } from '../alerts/alert-store.js';
import { currentDeliveries, recordRevision } from '../ledger/ledger-store.js';
import { freshRevision, type OpsHarness, startOpsHarness } from '../ops.fixture.js';

const test = integrationTest.extend<{ ops: OpsHarness }>({
  ops: [
    async ({ servers }, use) => {
      const harness = await startOpsHarness(servers, { withPortal: true, env: { AUDIT_INTERVAL_MS: '500' } });
      await use(harness);
      await harness.stop();
    },
    { scope: 'file' },
  ],
});

describe('the same-source audit', () => {
  test('finds the portal pages equal to the source, and flags a tampered page within one cycle', async ({ ops, servers }) => {
    const revisions = [freshRevision('haishu-2019-work-plan'), freshRevision('laiyang-2024-work-plan')];
    for (const revision of revisions) await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
    await waitFor(
      async () =>
        (await currentDeliveries(ops.service.pool)).filter((d) => d.channel === 'portal' && d.state === 'delivered').length === 2,
      { what: 'both documents delivered on the portal', timeoutMs: 40_000 },
    );
    await ops.service.checks.run();
    expect((await openAlerts(ops.service.pool)).filter((a) => a.kind !== 'sla_miss')).toEqual([]);

    const [tampered] = revisions as [(typeof revisions)[number]];
    const store = storeFor(servers, ops.portal?.bucket ?? '');
    const key = `site/documents/${tampered.documentId}/index.html`;
    const original = await store.get(key);
    expect(original?.provenance?.fingerprint).toBe(toContentPublished(tampered).fingerprint);
    const html = original?.body.toString('utf8') ?? '';
    const bodyStart = html.indexOf('data-tongyuan-text>', html.indexOf('document-body'));
    const at = html.indexOf('政务公开', bodyStart);
    expect(at).toBeGreaterThan(bodyStart);
    const edited = `${html.slice(0, at)}政务公示${html.slice(at + 4)}`;
    // Someone edits the object in the bucket by hand: metadata untouched, text changed.
    await store.put(key, edited, {
      contentType: original?.contentType ?? 'text/html; charset=utf-8',
      provenance: original?.provenance,
    });

    const alert = await waitFor(
      async () => (await openAlerts(ops.service.pool)).find((a) => a.kind === 'drift' && a.documentId === tampered.documentId),
      { what: 'a drift alert', timeoutMs: 5_000 },
    );
    expect(alert).toMatchObject({ channel: 'portal', target: ops.portal?.siteId, revision: 1 });
    expect(alert.detail).toContain(key);
    expect(alert.detail).toMatch(/源文 “[^”]*政务公【开/);
    expect(alert.detail).toMatch(/渠道 “[^”]*政务公【示/);

    const page = await (await fetch(`${ops.baseUrl}/audit`, { headers: { authorization: `Bearer ${ops.tokens.ops}` } })).text();
    expect(page).toContain(tampered.documentId);
    expect(page).toContain('内容不一致');

    // Put right, the next cycle resolves it.
    await store.put(key, html, {
      contentType: original?.contentType ?? 'text/html; charset=utf-8',
      provenance: original?.provenance,
    });
    await waitFor(
      async () => !(await openAlerts(ops.service.pool)).some((a) => a.documentId === tampered.documentId && a.kind === 'drift'),
      {
        what: 'the alert resolved',
        timeoutMs: 5_000,
      },
    );
  });

  test('flags a page whose fingerprint belongs to no revision of the document, and a page that is gone', async ({
    ops,
    servers,
  }) => {
    const revision = freshRevision('hongqiao-amr-2019-work-plan');
    await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
    await waitFor(
      async () => (await currentDeliveries(ops.service.pool, revision.documentId)).some((d) => d.state === 'delivered'),
      { what: 'delivered', timeoutMs: 40_000 },
    );
    const store = storeFor(servers, ops.portal?.bucket ?? '');
    const key = `site/documents/${revision.documentId}/index.html`;
    const original = await store.get(key);
    const forged = { documentId: revision.documentId, revision: 1, fingerprint: `sha256:${'0'.repeat(64)}` };
    await store.put(key, original?.body ?? '', { contentType: 'text/html; charset=utf-8', provenance: forged });
    await ops.service.checks.run();
    const drift = (await openAlerts(ops.service.pool)).find((a) => a.documentId === revision.documentId);
    expect(drift?.kind).toBe('drift');
    expect(drift?.detail).toContain('不一致');

    await store.delete(key);
    await ops.service.checks.run();
    const missing = (await openAlerts(ops.service.pool)).filter((a) => a.documentId === revision.documentId);
    expect(missing.map((a) => a.kind)).toEqual(['missing']);
  });
});

describe('correction debt', () => {
  test('a channel still showing the revision before a correction, beyond the SLA, is an alert', async ({ ops }) => {
    const first = freshRevision('zigong-2022-task-division', new Date(Date.now() - 600_000));
    await ops.bus.publish(topics.contentPublished, toContentPublished(first));
    await waitFor(
      async () => (await currentDeliveries(ops.service.pool, first.documentId)).some((d) => d.state === 'delivered'),
      { what: 'delivered', timeoutMs: 40_000 },
    );
    // The correction reaches the ledger, but not (yet) the portal: 90 s after its release the page still shows revision 1.
    const corrected = correctedRevision(
      first,
      { reason: '更正文字错误', body: first.body.slice(1) },
      new Date(Date.now() - 90_000).toISOString(),
    );
    await recordRevision(ops.service.pool, toContentPublished(corrected));
    await ops.service.checks.run();
    const debt = (await openAlerts(ops.service.pool)).find(
      (a) => a.documentId === first.documentId && a.kind === 'correction_debt',
    );
    expect(debt).toMatchObject({ channel: 'portal', revision: 2 });
    expect(debt?.detail).toContain('仍显示第 1 版');
  });
});
