// What a timed audit cycle reads back: what changed, what is unsettled, what had findings, and a rotating share of the
// rest — so its cost follows the change, not the corpus — while a cycle on demand reads everything.
import { toContentPublished, topics } from '@tongyuan/contracts';
import { integrationTest, storeFor, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { openAlerts } from '../alerts/alert-store.js';
import { currentDeliveries } from '../ledger/ledger-store.js';
import { freshRevision, type OpsHarness, startOpsHarness } from '../ops.fixture.js';

const test = integrationTest.extend<{ ops: OpsHarness }>({
  ops: [
    async ({ servers }, use) => {
      // One document of the rest per timed cycle; the timer itself never fires during the test (cycles are run by hand).
      const harness = await startOpsHarness(servers, {
        withPortal: true,
        env: { AUDIT_INTERVAL_MS: '3600000', AUDIT_SAMPLE_DOCUMENTS: '1' },
      });
      await use(harness);
      await harness.stop();
    },
    { scope: 'file' },
  ],
});

describe('the audit, cycle by cycle', () => {
  test('a timed cycle reads one more untouched document each time; a cycle on demand reads them all', async ({
    ops,
    servers,
  }) => {
    const revisions = (['haishu-2019-work-plan', 'laiyang-2024-work-plan', 'zigong-2022-task-division'] as const).map((name) =>
      freshRevision(name),
    );
    for (const revision of revisions) await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
    await waitFor(
      async () =>
        (await currentDeliveries(ops.service.pool)).filter((d) => d.channel === 'portal' && d.state === 'delivered').length ===
        revisions.length,
      { what: 'every document live on the portal', timeoutMs: 40_000 },
    );
    await ops.service.checks.run(); // the first cycle after a start reads everything
    const drifted = async () =>
      new Set((await openAlerts(ops.service.pool)).filter((a) => a.kind === 'drift').map((a) => a.documentId));
    expect(await drifted()).toEqual(new Set());

    // Every page edited by hand in the bucket: nothing in the ledger says so.
    const store = storeFor(servers, ops.portal?.bucket ?? '');
    const editEvery = async (edit: (html: string) => string) => {
      for (const revision of revisions) {
        const key = `site/documents/${revision.documentId}/index.html`;
        const page = await store.get(key);
        await store.put(key, edit(page?.body.toString('utf8') ?? ''), {
          contentType: 'text/html; charset=utf-8',
          provenance: page?.provenance,
        });
      }
    };
    const insertInBody = (words: string) => (html: string) => {
      const at = html.indexOf('data-tongyuan-text>', html.indexOf('document-body')) + 'data-tongyuan-text>'.length;
      return `${html.slice(0, at)}${words}${html.slice(at)}`;
    };
    await editEvery(insertInBody('（已改）'));

    // Untouched in the ledger, settled, without findings: one of them per timed cycle is read, in turn.
    const seen: number[] = [];
    for (let cycle = 0; cycle < revisions.length; cycle++) {
      await ops.service.checks.run();
      seen.push((await drifted()).size);
    }
    expect(seen).toEqual([1, 2, 3]);

    // Put right by hand: a document with findings is read every cycle, so all resolve in the next one.
    await editEvery((html) => html.replace('（已改）', ''));
    await ops.service.checks.run();
    expect(await drifted()).toEqual(new Set());

    // Edited again; the console's 立即核查 (a cycle on demand) finds every one at once.
    await editEvery(insertInBody('（再改）'));
    await ops.service.checks.run(true);
    expect((await drifted()).size).toBe(revisions.length);
  });
});
