// Replays, restarts, quota and outages, counted on the fake WeChat server's counters.
import { KafkaBus } from '@tongyuan/bus';
import { toContentPublished } from '@tongyuan/contracts';
import type { S3ObjectStore } from '@tongyuan/object-store';
import {
  correctedRevision,
  freePort,
  generatedRevision,
  quietLogger,
  storeFor,
  type TestServers,
  uniqueName,
  waitFor,
} from '@tongyuan/testing';
import { WechatApiClient } from '@tongyuan/wechat-api';
import sharp from 'sharp';
import { describe, expect } from 'vitest';
import { AccountFeeds } from '../feed/account-feed.js';
import { type NewmediaHarness, newmediaTest as test } from '../newmedia.fixture.js';
import { type DelivererOptions, NewmediaDeliverer } from './newmedia-deliverer.js';
import { StatusReporter } from './status-reporter.js';

/** A document for one account only, so each test counts its own calls. */
const forAccount = (n: number, accountId: string) => {
  const revision = generatedRevision(n, 5);
  return { ...revision, targeting: { ...revision.targeting, accounts: [accountId] } };
};

/** The WeChat record newmedia keeps of revision 1 on the city account. */
const recordOf = async (newmedia: NewmediaHarness, documentId: string): Promise<{ article_id?: string }> =>
  JSON.parse((await newmedia.store.get(`accounts/city/wechat/${documentId}/r1.json`))?.body.toString('utf8') ?? '{}');

const draftsOf = (
  fake: { drafts: (appId: string) => Array<{ articles: Array<{ contentSourceUrl: string }> }> },
  appId: string,
  documentId: string,
) => fake.drafts(appId).filter((draft) => draft.articles[0]?.contentSourceUrl.includes(documentId)).length;

/** The articles the account published for the document, oldest first. */
const articlesOf = (newmedia: NewmediaHarness, appId: string, documentId: string) =>
  newmedia.fake.articles(appId).filter((a) => a.articles[0]?.contentSourceUrl.includes(documentId));

/** Revision 1 on the city account, delivered: its WeChat record names this article and is among the status's artifacts. */
const expectRecordedOnCity = async (
  newmedia: NewmediaHarness,
  delivered: { artifactKeys: string[] },
  documentId: string,
  articleId: string | null | undefined,
) => {
  expect((await recordOf(newmedia, documentId)).article_id).toBe(articleId);
  expect(delivered.artifactKeys).toContain(`accounts/city/wechat/${documentId}/r1.json`);
};

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

  test('a submit whose answer is lost while its job still publishes: the same draft again is refused, the article found once published', async ({
    newmedia,
  }) => {
    const revision = forAccount(5, 'city');
    const appId = newmedia.appIdOf('city');
    const [callsBefore, submitsBefore] = [
      newmedia.fake.calls('freepublish/submit', appId),
      newmedia.fake.accepted('freepublish/submit', appId),
    ];
    newmedia.fake.setPublishOutcome(appId, { delayMs: 4_000 }); // still publishing past the 1 s settle time
    newmedia.fake.loseAnswers(appId, 'freepublish/submit');
    try {
      await newmedia.publish(revision);
      const failed = await newmedia.statusOf(revision.documentId, 1, 'city', 'failed');
      expect(failed.error).toMatchObject({ code: 'WECHAT_HTTP_504', retryable: true });
      const delivered = await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
      // Sent again once settled, and refused by WeChat (the draft is in the job): one job, one article.
      expect(newmedia.fake.calls('freepublish/submit', appId) - callsBefore).toBeGreaterThanOrEqual(2);
      expect(newmedia.fake.accepted('freepublish/submit', appId) - submitsBefore).toBe(1);
      expect(
        newmedia.statuses.some((s) => s.documentId === revision.documentId && s.error?.code === 'WECHAT_SUBMIT_UNANSWERED'),
      ).toBe(true);
      expect(newmedia.fake.calls('freepublish/batchget', appId)).toBeGreaterThan(0);
      await expectRecordedOnCity(newmedia, delivered, revision.documentId, newmedia.fake.publishJobs(appId).at(-1)?.articleId);
    } finally {
      newmedia.fake.setPublishOutcome(appId, {});
    }
  });

  test('a lost submit whose job outlasts the window waits for an operator; re-publishing the event looks again and finds it', async ({
    newmedia,
  }) => {
    const revision = forAccount(13, 'city');
    const appId = newmedia.appIdOf('city');
    const submitsBefore = newmedia.fake.accepted('freepublish/submit', appId);
    newmedia.fake.setPublishOutcome(appId, { delayMs: 40_000 }); // under review past the 10 s window of the fixture
    newmedia.fake.loseAnswers(appId, 'freepublish/submit');
    try {
      await newmedia.publish(revision);
      const parked = await waitFor(
        () =>
          newmedia.statuses.find((s) => s.documentId === revision.documentId && s.error?.code === 'WECHAT_SUBMIT_UNCONFIRMED'),
        { what: 'the operator asked', timeoutMs: 38_000 },
      );
      expect(parked).toMatchObject({ state: 'failed', error: { retryable: false } });
      const lost = newmedia.fake.publishJobs(appId).at(-1);
      await waitFor(() => Date.now() > (lost?.endsAt ?? 0), { what: 'the job published', timeoutMs: 40_000 });
      await newmedia.publish(revision); // the operator, having checked the account
      await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
      expect(newmedia.fake.accepted('freepublish/submit', appId) - submitsBefore).toBe(1);
      expect((await recordOf(newmedia, revision.documentId)).article_id).toBe(lost?.articleId);
    } finally {
      newmedia.fake.setPublishOutcome(appId, {});
    }
  }, 120_000);

  test('a submit whose answer is lost is found among the published however many the account published after it', async ({
    newmedia,
  }) => {
    const revision = forAccount(9, 'city');
    const appId = newmedia.appIdOf('city');
    const submitsBefore = newmedia.fake.accepted('freepublish/submit', appId);
    // Not yet among the published when the service is down (stopping takes a few seconds, its worker retrying meanwhile).
    newmedia.fake.setPublishOutcome(appId, { delayMs: 8_000 });
    newmedia.fake.loseAnswers(appId, 'freepublish/submit');
    await newmedia.publish(revision);
    await newmedia.statusOf(revision.documentId, 1, 'city', 'failed');
    const lost = newmedia.fake.publishJobs(appId).at(-1);
    // While the service is down, the account publishes 21 more (its editors, another tool): ours is on batchget's page 2.
    await newmedia.restart(async () => {
      newmedia.fake.setPublishOutcome(appId, {});
      await waitFor(() => Date.now() > (lost?.endsAt ?? 0), { what: 'the lost submit published' });
      await publishDirectly(newmedia, appId, 21);
    });
    const delivered = await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    expect(newmedia.fake.accepted('freepublish/submit', appId) - submitsBefore).toBe(22);
    await expectRecordedOnCity(newmedia, delivered, revision.documentId, lost?.articleId);
  });

  test('a submit that never reached WeChat is submitted again at once (WeChat refuses a second submit of a draft it took)', async ({
    newmedia,
  }) => {
    // A SIGKILL mid-request: 'submitting' stored, the request torn, WeChat never saw it. The draft is still in the draft
    // box, so the resumed run's submit is the first WeChat gets: no 15-minute wait for an operator.
    const revision = forAccount(12, 'city');
    const appId = newmedia.appIdOf('city');
    const submitsBefore = newmedia.fake.accepted('freepublish/submit', appId);
    newmedia.fake.dropRequests(appId, 'freepublish/submit');
    await newmedia.publish(revision);
    const failed = await newmedia.statusOf(revision.documentId, 1, 'city', 'failed');
    expect(failed.error).toMatchObject({ code: 'WECHAT_HTTP_502', retryable: true });
    const delivered = await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    expect(newmedia.fake.accepted('freepublish/submit', appId) - submitsBefore).toBe(1);
    expect(articlesOf(newmedia, appId, revision.documentId)).toHaveLength(1);
    await expectRecordedOnCity(newmedia, delivered, revision.documentId, newmedia.fake.publishJobs(appId).at(-1)?.articleId);
  });

  test('a correction while the submit of the original is unanswered: feed and H5 show it at once, WeChat gets the notice after', async ({
    newmedia,
  }) => {
    const original = forAccount(10, 'city');
    const appId = newmedia.appIdOf('city');
    newmedia.fake.setPublishOutcome(appId, { delayMs: 4_000 });
    newmedia.fake.loseAnswers(appId, 'freepublish/submit');
    try {
      await newmedia.publish(original);
      await newmedia.statusOf(original.documentId, 1, 'city', 'failed');
      const corrected = correctedRevision(
        original,
        { reason: '数字有误', body: [{ type: 'paragraph', text: '更正后的正文：共七百一十九条。' }] },
        '2026-06-01T10:00:00+08:00',
      );
      await newmedia.publish(corrected);
      await waitFor(
        async () => {
          const feed = (await (await fetch(`${newmedia.baseUrl}/accounts/city/feed.json`)).json()) as {
            items: Array<{ id: string; _tongyuan: { revision: number } }>;
          };
          return feed.items.find((item) => item.id === original.documentId)?._tongyuan.revision === 2;
        },
        { what: 'the correction in the feed', intervalMs: 50 },
      );
      // Our own carriers do not wait for WeChat's job of the original: it is not confirmed yet.
      const originalDelivered = () =>
        newmedia.statuses.some((s) => s.documentId === original.documentId && s.revision === 1 && s.state === 'delivered');
      expect(originalDelivered()).toBe(false);
      const h5 = await (await fetch(`${newmedia.baseUrl}/accounts/city/articles/${original.documentId}/`)).text();
      expect(h5).toContain('七百一十九条');

      // On WeChat the order holds: the original is found and completed (not dropped), then the notice correcting it.
      await newmedia.statusOf(original.documentId, 1, 'city', 'delivered');
      await newmedia.statusOf(original.documentId, 2, 'city', 'delivered');
      const published = articlesOf(newmedia, appId, original.documentId);
      expect(published.map((a) => a.articles[0]?.title.includes('更正'))).toEqual([false, true]);
    } finally {
      newmedia.fake.setPublishOutcome(appId, {});
    }
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

  test('a draft/add whose answer is lost is found among the drafts however many the account added after it', async ({
    newmedia,
  }) => {
    const revision = forAccount(11, 'city');
    const appId = newmedia.appIdOf('city');
    newmedia.fake.loseAnswers(appId, 'draft/add');
    // The search on the retry is refused (a request error, not retried): the delivery waits for an operator meanwhile.
    newmedia.fake.failNext(appId, { errcode: 40007, endpoint: 'draft/batchget' });
    await newmedia.publish(revision);
    const parked = await newmedia.statusOf(revision.documentId, 1, 'city', 'failed');
    await waitFor(() => newmedia.statuses.find((s) => s.documentId === revision.documentId && s.error?.code === 'WECHAT_40007'), {
      what: 'the refused search',
    });
    expect(parked.error?.code).toBe('WECHAT_HTTP_504');
    await publishDirectly(newmedia, appId, 105, { submit: false }); // its editors meanwhile: ours is on page 6
    await newmedia.publish(revision); // the operator's retry
    await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
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

  test('a delivery still waiting for its run when the event is committed is leased: should the process die, the worker takes it up', async ({
    newmedia,
    servers,
  }) => {
    // A second deliverer over the service's own database and buckets, with one slot and a slow WeChat: after receive()
    // returns (the consumer would commit the event), later deliveries still wait in its process for their run.
    const appId = newmedia.appIdOf('city');
    const waiting = await secondDeliverer(newmedia, servers, { concurrency: 1, handlingBudgetMs: 20, leaseMs: 3_000 });
    newmedia.fake.setLatency(appId, 800);
    try {
      const revisions = [41, 42, 43].map((n) => forAccount(n, 'city'));
      for (const revision of revisions) await waiting.deliverer.receive(toContentPublished(revision));
      const ids = revisions.map((revision) => revision.documentId);
      const { rows } = await newmedia.service.pool.query<{ document_id: string; step: string; leased: boolean }>(
        'select document_id, step, retry_at is not null as leased from newmedia_deliveries where document_id = any($1)',
        [ids],
      );
      expect(rows).toHaveLength(3);
      // Not yet run (still at the first step) and yet leased: a crash now leaves them to the worker, not to no one.
      expect(rows.filter((row) => row.step === 'pending').length).toBeGreaterThanOrEqual(1);
      expect(rows.every((row) => row.leased)).toBe(true);
      newmedia.fake.setLatency(appId, 0);
      for (const revision of revisions) await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
      for (const id of ids) expect(draftsOf(newmedia.fake, appId, id)).toBe(1);
    } finally {
      newmedia.fake.setLatency(appId, 0);
      await waiting.close();
    }
  });

  test('our own feed and H5 pages show every revision at once, however long the queue for WeChat is', async ({
    newmedia,
    servers,
  }) => {
    // One WeChat slot and a slow WeChat (each call 600 ms, six or more calls per article): the queue is long.
    const appId = newmedia.appIdOf('city');
    const queued = await secondDeliverer(newmedia, servers, { concurrency: 1, handlingBudgetMs: 60_000 });
    newmedia.fake.setLatency(appId, 600);
    try {
      const revisions = [45, 46, 47].map((n) => forAccount(n, 'city'));
      for (const revision of revisions) await queued.deliverer.receive(toContentPublished(revision));
      const feed = (await (await fetch(`${newmedia.baseUrl}/accounts/city/feed.json`)).json()) as {
        items: Array<{ id: string }>;
      };
      const h5 = await Promise.all(
        revisions.map(async (r) => (await fetch(`${newmedia.baseUrl}/accounts/city/articles/${r.documentId}/`)).status),
      );
      const deliveredOnWechat = revisions.filter((r) =>
        newmedia.statuses.some((s) => s.documentId === r.documentId && s.state === 'delivered'),
      );
      expect(revisions.filter((r) => !feed.items.some((item) => item.id === r.documentId))).toEqual([]);
      expect(h5).toEqual([200, 200, 200]);
      expect(deliveredOnWechat).toEqual([]); // WeChat is still on the first of them
      newmedia.fake.setLatency(appId, 0);
      for (const revision of revisions) await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    } finally {
      newmedia.fake.setLatency(appId, 0);
      await queued.close();
    }
  });

  test('a stop finishes the running delivery and hands on the queued ones: the worker takes them at once', async ({
    newmedia,
    servers,
  }) => {
    const appId = newmedia.appIdOf('city');
    const stopping = await secondDeliverer(newmedia, servers, { concurrency: 1, leaseMs: 120_000 });
    newmedia.fake.setLatency(appId, 300);
    try {
      const revisions = [48, 49, 50].map((n) => forAccount(n, 'city'));
      for (const revision of revisions) await stopping.deliverer.receive(toContentPublished(revision));
      await stopping.deliverer.stop();
      const delivered = (r: { documentId: string }) =>
        newmedia.statuses.some((s) => s.documentId === r.documentId && s.state === 'delivered');
      expect(revisions.filter(delivered).length).toBeLessThan(3); // not all done by this one: the stop did not wait for them
      newmedia.fake.setLatency(appId, 0);
      // Well inside their 120 s lease: released, the service's own worker takes them up.
      for (const revision of revisions) await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
      for (const revision of revisions) expect(draftsOf(newmedia.fake, appId, revision.documentId)).toBe(1);
    } finally {
      newmedia.fake.setLatency(appId, 0);
      await stopping.close();
    }
  });

  test('an outage does not spend the attempts: with every attempt used, a delivery whose S3 is down is still retried', async ({
    newmedia,
    servers,
  }) => {
    // Its S3 server is a port nothing listens on; one attempt allowed.
    const unreachable = { ...servers, s3: { ...servers.s3, endpoint: `http://127.0.0.1:${await freePort()}` } };
    const cut = await secondDeliverer(newmedia, servers, { maxAttempts: 1, store: storeFor(unreachable, 'newmedia-cut-off') });
    try {
      const revision = forAccount(44, 'city');
      await cut.deliverer.receive(toContentPublished(revision));
      await cut.deliverer.drain();
      const failed = await newmedia.statusOf(revision.documentId, 1, 'city', 'failed');
      expect(failed.error).toMatchObject({ retryable: true });
      const { rows } = await newmedia.service.pool.query<{ attempt: number; retry_in_s: number | null }>(
        `select attempt, extract(epoch from retry_at - now())::int as retry_in_s from newmedia_deliveries
          where document_id = $1 and account_id = 'city'`,
        [revision.documentId],
      );
      expect(rows[0]?.attempt).toBe(1);
      expect(rows[0]?.retry_in_s).not.toBeNull(); // a failure of the work itself at its last attempt would have none
      expect(rows[0]?.retry_in_s ?? 99).toBeLessThanOrEqual(30);
      // The service's own worker, whose S3 is up, takes the retry when it is due.
      const delivered = await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
      expect(delivered.attempt).toBe(2);
    } finally {
      await cut.close();
    }
  });
});

/** A deliverer of the test's own over the service's database (and, unless told otherwise, its buckets), with its own bus. */
const secondDeliverer = async (
  newmedia: NewmediaHarness,
  servers: TestServers,
  options: Partial<Pick<DelivererOptions, 'concurrency' | 'handlingBudgetMs' | 'leaseMs' | 'maxAttempts'>> & {
    store?: S3ObjectStore;
  },
) => {
  const bus = new KafkaBus({
    brokers: servers.kafkaBrokers,
    clientId: uniqueName('second'),
    logger: quietLogger(),
    topicPrefix: newmedia.topicPrefix,
  });
  const { deliveries, wechat } = newmedia.service;
  const deliverer = new NewmediaDeliverer({
    deliveries,
    wechat,
    feeds: new AccountFeeds({
      store: options.store ?? newmedia.store,
      assets: newmedia.assets,
      deliveries,
      portalBaseUrl: 'https://www.zg.gov.cn',
      newmediaBaseUrl: newmedia.baseUrl,
    }),
    accounts: newmedia.accounts.map((account) => ({ ...account, secret: `secret-of-${account.id}` })),
    reporter: new StatusReporter(bus, deliveries),
    logger: quietLogger(),
    pollMs: 6_000,
    retryMs: 300,
    maxAttempts: options.maxAttempts ?? 8,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.handlingBudgetMs === undefined ? {} : { handlingBudgetMs: options.handlingBudgetMs }),
    ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
  });
  return {
    deliverer,
    close: async () => {
      await deliverer.drain();
      await bus.close();
    },
  };
};

/** `count` articles added (and published) on the account straight through the WeChat API, not by this service. */
const publishDirectly = async (newmedia: NewmediaHarness, appId: string, count: number, options = { submit: true }) => {
  const client = new WechatApiClient({ baseUrl: newmedia.fake.url });
  const api = client.forAccount({ appId, secret: `secret-of-${newmedia.accounts.find((a) => a.appId === appId)?.id}` });
  try {
    const bytes = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#c00' } })
      .jpeg()
      .toBuffer();
    const { mediaId: thumb } = await api.addMaterial('thumb', { bytes, fileName: 'thumb.jpg', mediaType: 'image/jpeg' });
    for (let n = 0; n < count; n++) {
      const { mediaId } = await api.addDraft([
        { title: `其他来源的文章 ${n}`, content: `<p>正文 ${n}</p>`, thumb_media_id: thumb, content_source_url: '' },
      ]);
      if (options.submit) await api.submitPublish(mediaId);
    }
    await waitFor(() => newmedia.fake.publishJobs(appId).every((job) => job.endsAt < Date.now()), {
      what: 'the direct publishes done',
    });
  } finally {
    client.shutdown();
  }
};
