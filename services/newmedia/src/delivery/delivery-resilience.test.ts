// Replays, restarts, quota and outages, counted on the fake WeChat server's counters.
import { toContentPublished } from '@tongyuan/contracts';
import { generatedRevision, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { newmediaTest as test } from '../newmedia.fixture.js';

/** A document for one account only, so each test counts its own calls. */
const forAccount = (n: number, accountId: string) => {
  const revision = generatedRevision(n, 5);
  return { ...revision, targeting: { ...revision.targeting, accounts: [accountId] } };
};

const draftsOf = (
  fake: { drafts: (appId: string) => Array<{ articles: Array<{ contentSourceUrl: string }> }> },
  appId: string,
  documentId: string,
) => fake.drafts(appId).filter((draft) => draft.articles[0]?.contentSourceUrl.includes(documentId)).length;

describe('exactly once per (document, revision, account)', () => {
  test('the same event three times and a restart mid-publish: one draft/add and one freepublish/submit', async ({ newmedia }) => {
    const revision = forAccount(1, 'city');
    const appId = newmedia.appIdOf('city');
    newmedia.fake.setPublishOutcome(appId, { delayMs: 4_000 }); // long enough to restart while WeChat is still publishing
    const submitsBefore = newmedia.fake.accepted('freepublish/submit', appId);
    await newmedia.publish(revision);
    await waitFor(() => newmedia.fake.accepted('freepublish/submit', appId) > submitsBefore, { what: 'the submit' });
    const job = newmedia.fake.publishJobs(appId).at(-1);
    expect(job?.endsAt ?? 0).toBeGreaterThan(Date.now()); // still publishing (publish_status 1) as the service goes down

    await newmedia.restart();
    for (let i = 0; i < 3; i++) await newmedia.publish(revision);

    const delivered = await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    expect(delivered.fingerprint).toBe(toContentPublished(revision).fingerprint);
    // Let the replays settle: none of them may add or submit anything.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(draftsOf(newmedia.fake, appId, revision.documentId)).toBe(1);
    expect(newmedia.fake.accepted('freepublish/submit', appId) - submitsBefore).toBe(1);
    expect(newmedia.fake.publishJobs(appId).at(-1)?.publishId).toBe(job?.publishId);
    const deliveredCount = newmedia.statuses.filter(
      (s) => s.documentId === revision.documentId && s.target === 'city' && s.state === 'delivered',
    ).length;
    expect(deliveredCount).toBe(1);
    // Nothing is left for the background worker: no lease, no poll.
    const due = await newmedia.service.pool.query(
      'select count(*)::int as n from newmedia_deliveries where document_id = $1 and (retry_at is not null or poll_at is not null)',
      [revision.documentId],
    );
    expect(due.rows[0]?.n).toBe(0);
    newmedia.fake.setPublishOutcome(appId, {});
  });

  test('two instances receiving the same event (a rebalance, a second consumer): still one draft/add and one submit', async ({
    newmedia,
  }) => {
    const twin = await newmedia.startTwin();
    try {
      const revision = forAccount(6, 'district');
      const appId = newmedia.appIdOf('district');
      const submitsBefore = newmedia.fake.accepted('freepublish/submit', appId);
      await newmedia.publish(revision);
      await newmedia.statusOf(revision.documentId, 1, 'district', 'delivered');
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(draftsOf(newmedia.fake, appId, revision.documentId)).toBe(1);
      expect(newmedia.fake.accepted('freepublish/submit', appId) - submitsBefore).toBe(1);
    } finally {
      await twin.stop();
    }
  });

  test('a submit whose answer is lost is not sent again: the article is found among the published (batchget)', async ({
    newmedia,
  }) => {
    const revision = forAccount(5, 'city');
    const appId = newmedia.appIdOf('city');
    const submitsBefore = newmedia.fake.accepted('freepublish/submit', appId);
    newmedia.fake.loseAnswers(appId, 'freepublish/submit');
    await newmedia.publish(revision);
    const failed = await newmedia.statusOf(revision.documentId, 1, 'city', 'failed');
    expect(failed.error).toMatchObject({ code: 'WECHAT_HTTP_504', retryable: true });
    const delivered = await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    expect(newmedia.fake.accepted('freepublish/submit', appId) - submitsBefore).toBe(1);
    expect(newmedia.fake.calls('freepublish/batchget', appId)).toBeGreaterThan(0);
    const record = JSON.parse(
      (await newmedia.store.get(`accounts/city/wechat/${revision.documentId}/r1.json`))?.body.toString('utf8') ?? '{}',
    );
    expect(record.article_id).toBe(newmedia.fake.publishJobs(appId).at(-1)?.articleId);
    expect(delivered.artifactKeys).toContain(`accounts/city/wechat/${revision.documentId}/r1.json`);
  });

  test('a draft/add whose answer is lost is not sent again: the draft it made is found (draft/batchget) and published', async ({
    newmedia,
  }) => {
    const revision = forAccount(8, 'city');
    const appId = newmedia.appIdOf('city');
    const addsBefore = newmedia.fake.accepted('draft/add', appId);
    newmedia.fake.loseAnswers(appId, 'draft/add');
    await newmedia.publish(revision);
    await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    expect(newmedia.fake.accepted('draft/add', appId) - addsBefore).toBe(1);
    expect(newmedia.fake.calls('draft/batchget', appId)).toBeGreaterThan(0);
    expect(draftsOf(newmedia.fake, appId, revision.documentId)).toBe(1);
  });

  test('45009 (daily quota) answered, then success: delivered after backoff', async ({ newmedia }) => {
    const revision = forAccount(2, 'zwgk');
    const withTopic = { ...revision, topics: ['政务公开'] };
    const appId = newmedia.appIdOf('zwgk');
    newmedia.fake.failNext(appId, { errcode: 45009, endpoint: 'draft/add', count: 2 });
    const callsBefore = newmedia.fake.calls('draft/add', appId);
    await newmedia.publish(withTopic);
    await newmedia.statusOf(revision.documentId, 1, 'zwgk', 'delivered');
    expect(newmedia.fake.calls('draft/add', appId) - callsBefore).toBe(3);
    expect(draftsOf(newmedia.fake, appId, revision.documentId)).toBe(1);
  });

  test('a persistent HTTP 500: the breaker opens, the delivery fails with the reason, other accounts are delivered, and it recovers', async ({
    newmedia,
  }) => {
    const revision = generatedRevision(3, 5);
    const both = { ...revision, topics: ['政务公开'], targeting: { ...revision.targeting, accounts: ['city', 'district'] } };
    const down = newmedia.appIdOf('district');
    newmedia.fake.failHttp(down, 500);
    await newmedia.publish(both);

    await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    const failed = await newmedia.statusOf(revision.documentId, 1, 'district', 'failed');
    expect(failed.error).toMatchObject({ retryable: true });
    expect(['WECHAT_HTTP_500', 'WECHAT_BREAKER_OPEN']).toContain(failed.error?.code);
    await waitFor(() => newmedia.service.wechat.breakerStates()[down] === 'open', { what: 'the breaker to open' });
    const open = await waitFor(
      () =>
        newmedia.statuses.find(
          (s) => s.documentId === revision.documentId && s.target === 'district' && s.error?.code === 'WECHAT_BREAKER_OPEN',
        ),
      { what: 'a failure while the breaker is open' },
    );
    expect(open.state).toBe('failed');
    expect(newmedia.service.wechat.breakerStates()[newmedia.appIdOf('city')]).toBe('closed');

    newmedia.fake.failHttp(down, null);
    const recovered = await newmedia.statusOf(revision.documentId, 1, 'district', 'delivered');
    expect(recovered.attempt).toBeGreaterThan(1);
    expect(draftsOf(newmedia.fake, down, revision.documentId)).toBe(1);
    expect(newmedia.service.wechat.breakerStates()[down]).toBe('closed');
  });

  test('a limit refused by WeChat is not retried in the background; the same event delivered again retries it', async ({
    newmedia,
  }) => {
    const revision = forAccount(4, 'city');
    const appId = newmedia.appIdOf('city');
    newmedia.fake.failNext(appId, { errcode: 45166, endpoint: 'draft/add' });
    await newmedia.publish(revision);
    const failed = await newmedia.statusOf(revision.documentId, 1, 'city', 'failed');
    expect(failed.error).toMatchObject({ code: 'WECHAT_45166', retryable: false });
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(newmedia.statuses.some((s) => s.documentId === revision.documentId && s.state === 'delivered')).toBe(false);

    await newmedia.publish(revision); // ops re-publishes the canonical event
    const delivered = await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    expect(delivered.attempt).toBe(2);
    expect(draftsOf(newmedia.fake, appId, revision.documentId)).toBe(1);
  });
});
