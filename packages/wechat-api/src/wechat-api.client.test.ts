// The client against the fake server on a free port: what a caller of the WeChat API sees.

import { once } from 'node:events';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { waitFor } from '@tongyuan/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeWechatServer } from './fake/index.js';
import { parsePublishJobFinished, verifyPushSignature } from './publish-event.js';
import { type WechatAccountApi, WechatApiClient, type WechatClientOptions } from './wechat-api.client.js';
import { WechatApiError } from './wechat-error.js';

const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(size - 4, 7)]);
const png = (size: number) =>
  Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(size - 8, 1)]);
const gif = () => Buffer.from('GIF89a\x01\x00\x01\x00', 'latin1');

let fake: FakeWechatServer;
let appCounter = 0;
const apps: Array<{ appId: string; secret: string }> = [];

/** A fresh account on the fake and a client of its own, so counters and breakers are this test's alone. */
const account = (
  options: Partial<WechatClientOptions> = {},
): { api: WechatAccountApi; appId: string; client: WechatApiClient } => {
  appCounter++;
  const app = { appId: `wx${String(appCounter).padStart(16, '0')}`, secret: `secret-${appCounter}` };
  apps.push(app);
  fake.addApp(app);
  const client = new WechatApiClient({
    baseUrl: fake.url,
    retry: { attempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
    breaker: { resetTimeoutMs: 300, volumeThreshold: 3, errorThresholdPercentage: 50 },
    refreshEarlyMs: 0,
    ...options,
  });
  clients.push(client);
  return { api: client.forAccount(app), appId: app.appId, client };
};
const clients: WechatApiClient[] = [];

const thumbOf = async (api: WechatAccountApi) =>
  (await api.addMaterial('thumb', { bytes: jpeg(2_000), fileName: 'thumb.jpg', mediaType: 'image/jpeg' })).mediaId;

const article = (thumb: string, overrides: Record<string, string> = {}) => ({
  title: '关于印发政务公开工作要点的通知',
  author: '区政府办公室',
  digest: '摘要',
  content: '<p style="line-height:1.75">正文</p>',
  content_source_url: 'https://example.gov.cn/documents/doc_1/',
  thumb_media_id: thumb,
  ...overrides,
});

const refusal = async (promise: Promise<unknown>): Promise<WechatApiError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof WechatApiError)) throw new Error(`expected a WechatApiError, got ${String(error)}`);
  return error;
};

beforeAll(async () => {
  fake = await FakeWechatServer.start({ apps: [], publishDelayMs: 150 });
});
afterEach(() => {
  for (const client of clients.splice(0)) client.shutdown();
});
afterAll(async () => {
  await fake.close();
});

describe('access tokens', () => {
  it('fetches one token for many calls, and refreshes it once when WeChat says 42001', async () => {
    const { api, appId } = account();
    const thumb = await thumbOf(api);
    await api.addDraft([article(thumb)]);
    expect(fake.calls('stable_token', appId)).toBe(1);

    fake.expireTokens(appId);
    const draft = await api.addDraft([article(thumb)]);
    expect(draft.mediaId).toMatch(/\S/);
    expect(fake.calls('draft/add', appId)).toBe(3); // one answered 42001, then the retry with the new token
    expect(fake.accepted('draft/add', appId)).toBe(2);
    expect(fake.calls('stable_token', appId)).toBe(2);
  });

  it('refreshes on 40001 only once: a second refusal reaches the caller', async () => {
    const { api, appId } = account();
    fake.failNext(appId, { errcode: 40001, count: 2 });
    const error = await refusal(thumbOf(api));
    expect(error.code).toBe('WECHAT_40001');
    expect(fake.calls('stable_token', appId)).toBe(2);
  });

  it('refuses a wrong secret without retrying, and the error carries no secret', async () => {
    const { appId, client } = account();
    const api = client.forAccount({ appId: `${appId.slice(0, -1)}x`, secret: 'wrong' });
    expect((await refusal(thumbOf(api))).code).toBe('WECHAT_40013');
    const wrongSecret = client.forAccount({ appId: apps.at(-1)?.appId ?? '', secret: 'not-the-secret' });
    const error = await refusal(thumbOf(wrongSecret));
    expect(error.code).toBe('WECHAT_40125');
    expect(error.retryable).toBe(false);
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain('not-the-secret');
  });
});

describe('retries and the breaker', () => {
  it('backs off on 45009 and -1, then succeeds', async () => {
    const { api, appId } = account();
    const thumb = await thumbOf(api);
    fake.failNext(appId, { errcode: 45009, endpoint: 'draft/add' });
    fake.failNext(appId, { errcode: -1, endpoint: 'draft/add' });
    const started = Date.now();
    await api.addDraft([article(thumb)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(20 + 40);
    expect(fake.calls('draft/add', appId)).toBe(3);
    expect(fake.accepted('draft/add', appId)).toBe(1);
  });

  it('gives up after its attempts with a retryable WECHAT_45009', async () => {
    const { api, appId } = account();
    const thumb = await thumbOf(api);
    fake.failNext(appId, { errcode: 45009, count: 10, endpoint: 'draft/add' });
    const error = await refusal(api.addDraft([article(thumb)]));
    expect(error).toMatchObject({ code: 'WECHAT_45009', retryable: true });
    expect(fake.calls('draft/add', appId)).toBe(3);
  });

  it('opens the breaker on a persistent HTTP 500, fails fast while open, and closes when WeChat heals', async () => {
    const { api, appId, client } = account();
    await thumbOf(api);
    fake.failHttp(appId, 500);
    const first = await refusal(thumbOf(api));
    expect(['WECHAT_HTTP_500', 'WECHAT_BREAKER_OPEN']).toContain(first.code);
    expect(first.retryable).toBe(true);
    expect(client.breakerStates()[appId]).toBe('open');

    const callsWhileOpen = fake.calls('material/add_material', appId);
    const fast = await refusal(thumbOf(api));
    expect(fast.code).toBe('WECHAT_BREAKER_OPEN');
    expect(fake.calls('material/add_material', appId)).toBe(callsWhileOpen); // nothing reached WeChat

    fake.failHttp(appId, null);
    await new Promise((resolve) => setTimeout(resolve, 350)); // resetTimeout: the next call is the half-open probe
    expect(client.breakerStates()[appId]).toBe('half-open');
    await thumbOf(api);
    expect(client.breakerStates()[appId]).toBe('closed');
  });

  it("keeps one account's breaker from touching another's", async () => {
    const down = account();
    const up = account();
    down.client.shutdown();
    const shared = new WechatApiClient({ baseUrl: fake.url, retry: { attempts: 1 }, breaker: { volumeThreshold: 1 } });
    clients.push(shared);
    const a = shared.forAccount(apps.at(-2) ?? { appId: '', secret: '' });
    const b = shared.forAccount(apps.at(-1) ?? { appId: '', secret: '' });
    fake.failHttp(down.appId, 503);
    await refusal(thumbOf(a));
    await refusal(thumbOf(a));
    expect(shared.breakerStates()[down.appId]).toBe('open');
    expect(await thumbOf(b)).toMatch(/\S/);
    expect(shared.breakerStates()[up.appId]).toBe('closed');
    fake.failHttp(down.appId, null);
  });

  it('never retries a submit whose answer was lost (it may have been done); retries reads', async () => {
    const { api, appId } = account();
    const { mediaId } = await api.addDraft([article(await thumbOf(api))]);
    fake.loseAnswers(appId, 'freepublish/submit');
    const error = await refusal(api.submitPublish(mediaId));
    expect(error).toMatchObject({ code: 'WECHAT_HTTP_504', retryable: true });
    expect(fake.calls('freepublish/submit', appId)).toBe(1);
    expect(fake.publishJobs(appId)).toHaveLength(1); // it was done, only the answer is gone

    fake.loseAnswers(appId, 'freepublish/get');
    expect((await api.getPublishStatus(fake.publishJobs(appId)[0]?.publishId ?? '')).publishId).toMatch(/\d/);
    expect(fake.calls('freepublish/get', appId)).toBe(2);
  });

  it('times out a slow answer as WECHAT_TIMEOUT, retryable', async () => {
    const { api, appId } = account({ timeoutMs: 100, retry: { attempts: 1 } });
    fake.setLatency(appId, 300);
    expect(await refusal(thumbOf(api))).toMatchObject({ code: 'WECHAT_TIMEOUT', retryable: true });
    fake.setLatency(appId, 0);
  });

  it('does not count errcode answers about the request as an outage', async () => {
    const { api, appId, client } = account();
    const thumb = await thumbOf(api);
    for (let i = 0; i < 6; i++) await refusal(api.addDraft([article(thumb, { title: '长'.repeat(33) })]));
    expect(client.breakerStates()[appId]).toBe('closed');
  });
});

describe('limits, answered with the WeChat errcode', () => {
  it.each([
    ['title over 32 characters', { title: '题'.repeat(33) }, 'WECHAT_45003'],
    ['author over 16 characters', { author: '作'.repeat(17) }, 'WECHAT_45110'],
    ['digest over 128 characters', { digest: '摘'.repeat(129) }, 'WECHAT_45004'],
    ['content of 20,000 characters', { content: `<p>${'字'.repeat(19_993)}</p>` }, 'WECHAT_45002'],
    ['an unknown thumb_media_id', { thumb_media_id: 'nope' }, 'WECHAT_40007'],
  ])('refuses a draft with %s', async (_what, overrides, code) => {
    const { api } = account();
    const thumb = await thumbOf(api);
    const error = await refusal(api.addDraft([article(thumb, overrides)]));
    expect(error).toMatchObject({ code, retryable: false });
  });

  it('accepts exactly the limits (32, 16, 128 characters; astral characters count once)', async () => {
    const { api } = account();
    const thumb = await thumbOf(api);
    await api.addDraft([article(thumb, { title: `${'题'.repeat(31)}𠀀`, author: '作'.repeat(16), digest: '摘'.repeat(128) })]);
  });

  it.each([
    [
      'uploadimg of a GIF',
      (api: WechatAccountApi) => api.uploadImage({ bytes: gif(), fileName: 'a.gif', mediaType: 'image/gif' }),
      'WECHAT_40005',
    ],
    [
      'uploadimg of 1 MB',
      (api: WechatAccountApi) => api.uploadImage({ bytes: jpeg(1024 * 1024), fileName: 'a.jpg', mediaType: 'image/jpeg' }),
      'WECHAT_40009',
    ],
    [
      'a thumb over 64 KB',
      (api: WechatAccountApi) =>
        api.addMaterial('thumb', { bytes: jpeg(64 * 1024 + 1), fileName: 't.jpg', mediaType: 'image/jpeg' }),
      'WECHAT_40012',
    ],
    [
      'a PNG thumb',
      (api: WechatAccountApi) => api.addMaterial('thumb', { bytes: png(500), fileName: 't.png', mediaType: 'image/png' }),
      'WECHAT_40005',
    ],
  ])('refuses %s', async (_what, upload, code) => {
    const { api } = account();
    expect((await refusal(upload(api))).code).toBe(code);
  });

  it('strips scripts and images that were not uploaded through the account, and keeps uploaded ones', async () => {
    const { api, appId } = account();
    const thumb = await thumbOf(api);
    const { url } = await api.uploadImage({ bytes: png(2_000), fileName: 'figure.png', mediaType: 'image/png' });
    await api.addDraft([
      article(thumb, {
        content: `<p>正文</p><script>alert(1)</script><img src="https://evil.example/x.png"><img src="${url}">`,
      }),
    ]);
    const [stored] = fake.drafts(appId)[0]?.articles ?? [];
    expect(stored?.content).toBe(`<p>正文</p><img src="${url}">`);
    expect(stored?.stripped).toEqual({ scripts: 1, externalImages: ['https://evil.example/x.png'] });
    const served = await fetch(url);
    expect(Buffer.from(await served.arrayBuffer()).equals(png(2_000))).toBe(true);
  });
});

describe('the fake server itself', () => {
  it('outlives a caller that goes away in the middle of its request body', async () => {
    const { api } = account();
    const socket = connect(new URL(fake.url).port ? Number(new URL(fake.url).port) : 80, '127.0.0.1');
    await once(socket, 'connect');
    socket.write('POST /cgi-bin/draft/add?access_token=x HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n{"articles":');
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await api.listDrafts()).length).toBe(0); // still answering, and nothing was made of the torn request
  });
});

describe('publishing', () => {
  it('publishes asynchronously: publishing (1), then success (0) with the article URL; getarticle, batchget and delete', async () => {
    const { api, appId } = account();
    const { mediaId } = await api.addDraft([article(await thumbOf(api))]);
    const { publishId } = await api.submitPublish(mediaId);
    expect((await api.getPublishStatus(publishId)).status).toBe(1);
    const done = await waitFor(async () => {
      const status = await api.getPublishStatus(publishId);
      return status.status === 0 ? status : undefined;
    });
    expect(done.articleId).toMatch(/\S/);
    expect(done.articleUrls).toHaveLength(1);
    expect(done.articleUrls[0]).toBe(`https://mp.weixin.qq.com/s/${done.articleId}`);
    const page = await (await fetch(`${fake.url}/s/${done.articleId}`)).text();
    expect(page).toContain('关于印发政务公开工作要点的通知');

    const [item] = await api.getArticle(done.articleId ?? '');
    expect(item).toMatchObject({ title: '关于印发政务公开工作要点的通知', is_deleted: false });
    expect((await api.listPublished()).map((p) => p.articleId)).toEqual([done.articleId]);

    await api.deletePublished(done.articleId ?? '');
    expect((await api.getPublishStatus(publishId)).status).toBe(5);
    expect((await api.getArticle(done.articleId ?? ''))[0]?.is_deleted).toBe(true);
    expect(fake.accepted('freepublish/delete', appId)).toBe(1);
  });

  it('reports a failed publish job with its status', async () => {
    const { api, appId } = account();
    fake.setPublishOutcome(appId, { delayMs: 50, status: 4 });
    const { publishId } = await api.submitPublish((await api.addDraft([article(await thumbOf(api))])).mediaId);
    const failed = await waitFor(async () => {
      const status = await api.getPublishStatus(publishId);
      return status.status !== 1 ? status : undefined;
    });
    expect(failed).toMatchObject({ status: 4, articleId: null, failIdx: [1] });
  });

  it('takes a submitted draft out of the draft box: a second submit is refused while it publishes and once published, not after a failure', async () => {
    const { api, appId } = account();
    fake.setPublishOutcome(appId, { delayMs: 200 });
    try {
      const { mediaId } = await api.addDraft([article(await thumbOf(api))]);
      expect((await api.listDrafts()).map((draft) => draft.mediaId)).toEqual([mediaId]);
      const { publishId } = await api.submitPublish(mediaId);
      expect((await api.listDrafts()).map((draft) => draft.mediaId)).toEqual([]);
      expect((await refusal(api.submitPublish(mediaId))).code).toBe('WECHAT_40007'); // still publishing
      await waitFor(async () => ((await api.getPublishStatus(publishId)).status === 0 ? true : undefined));
      expect((await refusal(api.submitPublish(mediaId))).code).toBe('WECHAT_40007'); // published
      expect(fake.accepted('freepublish/submit', appId)).toBe(1);

      // "若在发表过程中出现系统失败，草稿箱中会保留这份草稿的备份": a failed job gives the draft back, to submit again.
      fake.setPublishOutcome(appId, { delayMs: 50, status: 3 });
      const { mediaId: second } = await api.addDraft([article(await thumbOf(api), { title: '第二篇' })]);
      const failed = await api.submitPublish(second);
      await waitFor(async () => ((await api.getPublishStatus(failed.publishId)).status === 3 ? true : undefined));
      expect((await api.listDrafts()).map((draft) => draft.mediaId)).toEqual([second]);
      fake.setPublishOutcome(appId, { delayMs: 50 });
      expect((await api.submitPublish(second)).publishId).not.toBe(failed.publishId);
    } finally {
      fake.setPublishOutcome(appId, {});
    }
  });

  it('pushes PUBLISHJOBFINISH, signed, to the account server URL', async () => {
    const { api, appId } = account();
    const receiver = await pushReceiver(appId);
    try {
      const { publishId } = await api.submitPublish((await api.addDraft([article(await thumbOf(api))])).mediaId);
      // Jobs of earlier tests may push here too once the callback is set: wait for this job's push.
      const push = await waitFor(() => receiver.received.find((r) => parsePublishJobFinished(r.body)?.publishId === publishId));
      const query = new URL(push.url, 'http://x').searchParams;
      expect(verifyPushSignature('push-token', Object.fromEntries(query))).toBe(true);
      expect(verifyPushSignature('other-token', Object.fromEntries(query))).toBe(false);
      const event = parsePublishJobFinished(push.body);
      expect(event).toMatchObject({ publishId, publishStatus: 0 });
      expect(event?.articleUrls).toHaveLength(1);
      expect(event?.articleId).toBe((await api.getPublishStatus(publishId)).articleId);
    } finally {
      receiver.close();
    }
  });

  it('pushes a job only once it has ended: 100 short jobs, every push with its final status', async () => {
    // A timer can fire a millisecond before Date.now() reaches its end (≈ 1 in 100 here): such a push said "publishing".
    const { api, appId } = account();
    fake.setPublishOutcome(appId, { delayMs: 3 });
    const receiver = await pushReceiver(appId);
    try {
      const thumb = await thumbOf(api);
      for (let n = 0; n < 100; n++) await api.submitPublish((await api.addDraft([article(thumb)])).mediaId);
      await waitFor(() => receiver.received.length >= 100, { what: '100 pushes' });
      const statuses = receiver.received.map((push) => parsePublishJobFinished(push.body)?.publishStatus);
      expect(statuses.filter((status) => status !== 0)).toEqual([]);
    } finally {
      receiver.close();
      fake.setPublishOutcome(appId, {});
    }
  });
});

/** A server taking the account's PUBLISHJOBFINISH pushes (token 'push-token'), answering "success". */
const pushReceiver = async (appId: string) => {
  const received: Array<{ url: string; body: string }> = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => {
      body += chunk;
    });
    request.on('end', () => {
      received.push({ url: request.url ?? '', body });
      response.end('success');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  fake.setCallback(appId, `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/wechat`, 'push-token');
  return { received, close: () => server.close() };
};
