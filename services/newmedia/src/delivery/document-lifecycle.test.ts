// Corrections, withdrawals, older revisions and 定向公开, as readers of the account (WeChat, feed, H5) see them.
import { type DocumentRevision, toContentPublished } from '@tongyuan/contracts';
import { correctedRevision, generatedRevision, waitFor, withdrawnRevision } from '@tongyuan/testing';
import { pushSignature } from '@tongyuan/wechat-api';
import { describe, expect } from 'vitest';
import { newmediaKeys } from '../feed/account-feed.js';
import { PUSH_TOKEN, newmediaTest as test } from '../newmedia.fixture.js';

const forCity = (n: number): DocumentRevision => {
  const revision = generatedRevision(n, 9);
  return { ...revision, targeting: { ...revision.targeting, accounts: ['city'] } };
};

type Feed = { items: Array<{ id: string; content_html: string; _tongyuan: { document_id: string; revision: number } }> };
const feedOf = async (baseUrl: string, accountId: string): Promise<Feed> =>
  (await fetch(`${baseUrl}/accounts/${accountId}/feed.json`)).json() as Promise<Feed>;

describe('corrections and withdrawals', () => {
  test('a correction: a notice article naming and linking the original; feed and H5 show the corrected text and the notice', async ({
    newmedia,
  }) => {
    const original = forCity(1);
    const appId = newmedia.appIdOf('city');
    await newmedia.publish(original);
    await newmedia.statusOf(original.documentId, 1, 'city', 'delivered');
    const [first] = newmedia.fake.articles(appId).filter((a) => a.articles[0]?.contentSourceUrl.includes(original.documentId));
    expect(first).toBeDefined();

    const corrected = correctedRevision(
      original,
      {
        reason: '第二段数字有误',
        body: [{ type: 'paragraph', text: '更正后的正文：全市共公开政府信息七百一十九条。' }, ...original.body.slice(1)],
      },
      '2026-06-01T10:00:00+08:00',
    );
    await newmedia.publish(corrected);
    const delivered = await newmedia.statusOf(original.documentId, 2, 'city', 'delivered');
    expect(delivered.fingerprint).toBe(toContentPublished(corrected).fingerprint);

    const notice = newmedia.fake
      .articles(appId)
      .find((a) => a.articleId !== first?.articleId && a.articles[0]?.contentSourceUrl.includes(original.documentId));
    expect(notice, 'a second article was published').toBeDefined();
    const content = notice?.articles[0]?.content ?? '';
    expect(content).toContain(first?.url ?? '(no url)');
    expect(content).toContain('第二段数字有误');
    expect(notice?.articles[0]?.title).toMatch(/更正/);
    // WeChat has no edit: the original stays published, untouched.
    expect(first?.deleted).toBe(false);

    const feed = await feedOf(newmedia.baseUrl, 'city');
    const item = feed.items.find((i) => i.id === original.documentId);
    expect(item?._tongyuan.revision).toBe(2);
    expect(item?.content_html).toContain('七百一十九条');
    expect(item?.content_html).toContain('第二段数字有误');
    const h5 = await (await fetch(`${newmedia.baseUrl}/accounts/city/articles/${original.documentId}/`)).text();
    expect(h5).toContain('七百一十九条');
    expect(h5).toContain('第二段数字有误');
    expect(h5).toContain(`<meta name="tongyuan:revision" content="2">`);
  });

  test('an older revision after a newer one changes nothing', async ({ newmedia }) => {
    const original = forCity(2);
    const corrected = correctedRevision(original, { reason: '修正错别字', body: original.body }, '2026-06-02T10:00:00+08:00');
    await newmedia.publish(original);
    await newmedia.statusOf(original.documentId, 1, 'city', 'delivered');
    await newmedia.publish(corrected);
    await newmedia.statusOf(original.documentId, 2, 'city', 'delivered');
    const page = await newmedia.store.get(newmediaKeys.h5('city', original.documentId));
    const submits = newmedia.fake.accepted('freepublish/submit', newmedia.appIdOf('city'));

    await newmedia.publish(original); // a late replay of revision 1
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(newmedia.fake.accepted('freepublish/submit', newmedia.appIdOf('city'))).toBe(submits);
    const after = await newmedia.store.get(newmediaKeys.h5('city', original.documentId));
    expect(after?.provenance?.revision).toBe(2);
    expect(after?.body.equals(page?.body ?? Buffer.alloc(0))).toBe(true);
    expect((await feedOf(newmedia.baseUrl, 'city')).items.find((i) => i.id === original.documentId)?._tongyuan.revision).toBe(2);
  });

  test('a withdrawal: freepublish/delete of every article (original and correction notice), the item gone from feed.json, the H5 page gone', async ({
    newmedia,
  }) => {
    const original = forCity(3);
    const appId = newmedia.appIdOf('city');
    await newmedia.publish(original);
    await newmedia.statusOf(original.documentId, 1, 'city', 'delivered');
    const corrected = correctedRevision(original, { reason: '补充说明', body: original.body }, '2026-06-03T09:00:00+08:00');
    await newmedia.publish(corrected);
    await newmedia.statusOf(original.documentId, 2, 'city', 'delivered');
    expect((await feedOf(newmedia.baseUrl, 'city')).items.some((i) => i.id === original.documentId)).toBe(true);
    const deletesBefore = newmedia.fake.accepted('freepublish/delete', appId);

    await newmedia.publish(withdrawnRevision(corrected, '2026-06-03T10:00:00+08:00'));
    const withdrawn = await newmedia.statusOf(original.documentId, 3, 'city', 'withdrawn');
    expect(withdrawn.artifactKeys).toContain(newmediaKeys.feed('city'));
    expect(newmedia.fake.accepted('freepublish/delete', appId) - deletesBefore).toBe(2);
    const articles = newmedia.fake.articles(appId).filter((a) => a.articles[0]?.contentSourceUrl.includes(original.documentId));
    expect(articles.map((a) => a.deleted)).toEqual([true, true]);
    expect((await feedOf(newmedia.baseUrl, 'city')).items.some((i) => i.id === original.documentId)).toBe(false);
    expect((await fetch(`${newmedia.baseUrl}/accounts/city/articles/${original.documentId}/`)).status).toBe(404);
  });
});

describe('routing and completion', () => {
  test('a new revision no longer routed to an account (here: 依申请公开) takes the document down there', async ({ newmedia }) => {
    const original = forCity(7);
    await newmedia.publish(original);
    await newmedia.statusOf(original.documentId, 1, 'city', 'delivered');
    const closed = {
      ...correctedRevision(original, { reason: '调整公开属性', body: original.body }, '2026-06-04T10:00:00+08:00'),
      openness: '依申请公开' as const,
    };
    await newmedia.publish(closed);
    await newmedia.statusOf(original.documentId, 2, 'city', 'withdrawn');
    expect((await feedOf(newmedia.baseUrl, 'city')).items.some((i) => i.id === original.documentId)).toBe(false);
    const articles = newmedia.fake
      .articles(newmedia.appIdOf('city'))
      .filter((a) => a.articles[0]?.contentSourceUrl.includes(original.documentId));
    expect(articles.map((a) => a.deleted)).toEqual([true]);
  });

  test('定向公开: a release targeted at a district goes to the accounts serving it, not to other districts', async ({
    newmedia,
  }) => {
    const revision = generatedRevision(4, 9);
    // 510302 自流井区: the city account (510300) and the district's own account serve it; a 510303 account would not.
    const targeted = { ...revision, topics: ['社会保障'], targeting: { ...revision.targeting, regions: ['510302'] } };
    await newmedia.publish(targeted);
    await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    await newmedia.statusOf(revision.documentId, 1, 'district', 'delivered');
    const pendings = newmedia.statuses
      .filter((s) => s.documentId === revision.documentId && s.state === 'pending')
      .map((s) => s.target);
    expect(pendings.sort()).toEqual(['city', 'district']); // zwgk carries 政务公开 only; paused is disabled
  });

  test('a signed PUBLISHJOBFINISH push completes the delivery before any poll; an unsigned one is refused', async ({
    newmedia,
  }) => {
    const revision = forCity(5);
    const appId = newmedia.appIdOf('city');
    const jobsBefore = newmedia.fake.publishJobs(appId).length;
    await newmedia.publish(revision);
    await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    // The fake pushes 0.2 s after the submit; the first poll of this job would come 6 s after it.
    const jobs = newmedia.fake.publishJobs(appId).slice(jobsBefore);
    expect(jobs).toHaveLength(1);
    expect(newmedia.fake.polls(jobs[0]?.publishId ?? '')).toBe(0);
    expect(newmedia.fake.pushes.filter((p) => p.appId === newmedia.appIdOf('city')).every((p) => p.status === 200)).toBe(true);

    const unsigned = await fetch(`${newmedia.baseUrl}/wechat/push/city`, { method: 'POST', body: '<xml></xml>' });
    expect(unsigned.status).toBe(403);
    const forged = await fetch(
      `${newmedia.baseUrl}/wechat/push/city?timestamp=1&nonce=2&signature=${pushSignature('wrong', '1', '2')}`,
      {
        method: 'POST',
        body: '<xml></xml>',
      },
    );
    expect(forged.status).toBe(403);
    const check = await fetch(
      `${newmedia.baseUrl}/wechat/push/city?timestamp=1&nonce=2&echostr=hello&signature=${pushSignature(PUSH_TOKEN, '1', '2')}`,
    );
    expect(await check.text()).toBe('hello');
  });

  test('a push that arrives before the submit answer is stored still completes the delivery, without a poll', async ({
    newmedia,
  }) => {
    const appId = newmedia.appIdOf('city');
    newmedia.fake.setPublishOutcome(appId, { delayMs: 0, pushBeforeAnswer: true }); // the push overtakes the answer
    try {
      const jobsBefore = newmedia.fake.publishJobs(appId).length;
      for (const n of [11, 12, 13]) {
        const revision = forCity(n);
        await newmedia.publish(revision);
        await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
      }
      const jobs = newmedia.fake.publishJobs(appId).slice(jobsBefore);
      expect(jobs).toHaveLength(3);
      expect(jobs.map((job) => newmedia.fake.polls(job.publishId))).toEqual([0, 0, 0]);
    } finally {
      newmedia.fake.setPublishOutcome(appId, {});
    }
  });

  test('without a push, polling freepublish/get completes the delivery', async ({ newmedia }) => {
    const appId = newmedia.appIdOf('city');
    newmedia.fake.setCallback(appId, undefined);
    const revision = forCity(6);
    await newmedia.publish(revision);
    await newmedia.statusOf(revision.documentId, 1, 'city', 'delivered');
    await waitFor(() => newmedia.fake.calls('freepublish/get', appId) > 0, { what: 'a poll' });
  });
});
