import { type DeliveryStatus, sourceFingerprint, toContentPublished, topics } from '@tongyuan/contracts';
import { integrationTest as test, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { freshRevision, startOpsHarness } from '../ops.fixture.js';
import { allSteps, currentDeliveries, latestRevisions } from './ledger-store.js';

const step = (
  base: Pick<DeliveryStatus, 'documentId' | 'revision' | 'fingerprint'>,
  channel: DeliveryStatus['channel'],
  target: string,
  state: DeliveryStatus['state'],
  attempt: number,
  at: string,
  error: DeliveryStatus['error'] = null,
): DeliveryStatus => ({ version: 'v1', ...base, channel, target, state, attempt, error, artifactKeys: [], occurredAt: at });

describe('the delivery ledger', () => {
  test('materializes delivery.status idempotently: a replay into a fresh ledger gives the same ledger', async ({ servers }) => {
    const first = await startOpsHarness(servers);
    let second: Awaited<ReturnType<typeof startOpsHarness>> | undefined;
    try {
      const a = freshRevision('haishu-2019-work-plan');
      const b = freshRevision('zigong-2022-task-division');
      const of = (revision: typeof a) => ({
        documentId: revision.documentId,
        revision: 1,
        fingerprint: sourceFingerprint(revision),
      });
      const t = (seconds: number) => new Date(Date.parse(a.publishedAt) + seconds * 1000).toISOString();
      const steps = [
        step(of(a), 'portal', 'main', 'pending', 1, t(1)),
        step(of(a), 'portal', 'main', 'delivered', 1, t(2)),
        step(of(a), 'newmedia', 'acc-city', 'pending', 1, t(1)),
        step(of(a), 'newmedia', 'acc-city', 'failed', 1, t(3), {
          code: 'WECHAT_UNAVAILABLE',
          message: 'draft/add: 503',
          retryable: true,
        }),
        step(of(a), 'newmedia', 'acc-city', 'delivered', 2, t(9)),
        step(of(b), 'gazette', '2026-12', 'pending', 1, t(4)),
      ];
      await first.bus.publish(topics.contentPublished, toContentPublished(a));
      await first.bus.publish(topics.contentPublished, toContentPublished(b));
      for (const status of steps) await first.bus.publish(topics.deliveryStatus, status);
      // The same step again (a renderer re-reporting after a restart) adds nothing.
      await first.bus.publish(topics.deliveryStatus, steps[1] as DeliveryStatus);

      const ledger = await waitFor(
        async () => {
          const all = await allSteps(first.service.pool);
          return all.length === steps.length && all;
        },
        { what: 'six steps in the ledger' },
      );
      const current = await currentDeliveries(first.service.pool, a.documentId);
      expect(current.map((d) => [d.channel, d.target, d.state, d.attempt])).toEqual([
        ['newmedia', 'acc-city', 'delivered', 2],
        ['portal', 'main', 'delivered', 1],
      ]);
      expect(ledger.find((d) => d.state === 'failed')).toMatchObject({
        errorCode: 'WECHAT_UNAVAILABLE',
        errorMessage: 'draft/add: 503',
      });

      second = await startOpsHarness(servers, { topicPrefix: first.topicPrefix });
      const replayed = await waitFor(
        async () => {
          const all = await allSteps(second!.service.pool);
          return all.length === steps.length && all;
        },
        { what: 'the replayed ledger' },
      );
      expect(replayed).toEqual(ledger);
      expect(await currentDeliveries(second.service.pool)).toEqual(await currentDeliveries(first.service.pool));
      await waitFor(async () => (await latestRevisions(second!.service.pool)).length === 2, { what: 'both revisions' });
      expect(await latestRevisions(second.service.pool)).toEqual(await latestRevisions(first.service.pool));
    } finally {
      await second?.stop();
      await first.stop();
    }
  });
});
