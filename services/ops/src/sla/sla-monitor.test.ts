import { type DeliveryStatus, sourceFingerprint, toContentPublished, topics } from '@tongyuan/contracts';
import { integrationTest as test, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { openAlerts } from '../alerts/alert-store.js';
import { allSteps, latestRevisions } from '../ledger/ledger-store.js';
import { freshRevision, startOpsHarness } from '../ops.fixture.js';

describe('the publish-availability SLA', () => {
  test('a revision not live on an expected target within the SLA fires an alert; going live resolves it', async ({ servers }) => {
    const ops = await startOpsHarness(servers, { env: { SLA_SECONDS: '5' } });
    try {
      // A 规范性文件 released 30 s ago: expected on the portal site and as a gazette candidate; nothing reported yet.
      const revision = freshRevision('zigong-2022-task-division', new Date(Date.now() - 30_000));
      await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
      await waitFor(async () => (await latestRevisions(ops.service.pool)).length === 1, { what: 'the revision in the ledger' });
      await ops.service.checks.run();
      const misses = (await openAlerts(ops.service.pool)).filter((a) => a.kind === 'sla_miss');
      expect(misses.map((a) => [a.channel, a.documentId]).sort()).toEqual([
        ['gazette', revision.documentId],
        ['portal', revision.documentId],
      ]);
      expect(misses.find((a) => a.channel === 'portal')?.detail).toMatch(/发布 \d+ 秒后仍未上线（无投递记录）/);

      const step = (channel: DeliveryStatus['channel'], target: string, state: DeliveryStatus['state']): DeliveryStatus => ({
        version: 'v1',
        documentId: revision.documentId,
        revision: 1,
        fingerprint: sourceFingerprint(revision),
        channel,
        target,
        state,
        attempt: 1,
        error: null,
        artifactKeys: [],
        occurredAt: new Date().toISOString(),
      });
      expect(misses.find((a) => a.channel === 'portal')?.target).toBe(ops.siteId);
      await ops.bus.publish(topics.deliveryStatus, step('portal', ops.siteId, 'delivered'));
      await ops.bus.publish(topics.deliveryStatus, step('gazette', '2026-13', 'pending'));
      await waitFor(async () => (await allSteps(ops.service.pool)).length === 2, { what: 'both steps' });
      await ops.service.checks.run();
      expect((await openAlerts(ops.service.pool)).filter((a) => a.kind === 'sla_miss')).toEqual([]);

      // Live, but late: the per-channel figure says so, and so does the metric.
      const { onTime } = await ops.service.checks.onTime();
      expect(onTime).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ channel: 'portal', due: 1, onTime: 0, late: 1, percent: 0 }),
          expect.objectContaining({ channel: 'gazette', due: 1, onTime: 0, late: 1, percent: 0 }),
        ]),
      );
      const metrics = await (await fetch(`${ops.baseUrl}/metrics`)).text();
      expect(metrics).toMatch(/tongyuan_publish_to_live_seconds_count\{[^}]*channel="portal"[^}]*\} 1/);
      expect(metrics).toMatch(/tongyuan_publish_to_live_seconds_count\{[^}]*channel="gazette"[^}]*\} 1/);
    } finally {
      await ops.stop();
    }
  });
});
