// The audit reading WeChat articles back (freepublish/getarticle) from the fake WeChat server, against the send record.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeliveryStatus, sourceFingerprint, toContentPublished, topics } from '@tongyuan/contracts';
import { integrationTest, storeFor, waitFor } from '@tongyuan/testing';
import { WechatApiClient } from '@tongyuan/wechat-api';
import { FakeWechatServer } from '@tongyuan/wechat-api/fake';
import sharp from 'sharp';
import { describe, expect } from 'vitest';
import { openAlerts } from '../alerts/alert-store.js';
import { allSteps } from '../ledger/ledger-store.js';
import { freshRevision, type OpsHarness, startOpsHarness } from '../ops.fixture.js';

const app = { appId: 'wx0ps0audit0test1', secret: 'audit-test-app-secret' };
const account = 'ops-audit-account';

const test = integrationTest.extend<{ wechat: FakeWechatServer; ops: OpsHarness }>({
  wechat: [
    // biome-ignore lint/correctness/noEmptyPattern: vitest reads the fixture's dependencies from this pattern
    async ({}, use) => {
      const fake = await FakeWechatServer.start({ apps: [app], publishDelayMs: 50 });
      await use(fake);
      await fake.close();
    },
    { scope: 'file' },
  ],
  ops: [
    async ({ servers, wechat }, use) => {
      const secretsFile = join(await mkdtemp(join(tmpdir(), 'ops-secrets-')), 'account-secrets.json');
      await writeFile(secretsFile, JSON.stringify({ [account]: app.secret }));
      const harness = await startOpsHarness(servers, {
        env: { WECHAT_API_BASE_URL: wechat.url, ACCOUNT_SECRETS_FILE: secretsFile },
      });
      await use(harness);
      await harness.stop();
    },
    { scope: 'file' },
  ],
});

describe('the audit of published WeChat articles', () => {
  test('compares what WeChat shows with the send record, and notices an article that was deleted', async ({
    ops,
    wechat,
    servers,
  }) => {
    const revision = freshRevision('hongqiao-amr-2019-work-plan');
    const fingerprint = sourceFingerprint(revision);
    const api = new WechatApiClient({ baseUrl: wechat.url }).forAccount(app);
    const cover = await sharp({ create: { width: 300, height: 128, channels: 3, background: '#0b3d91' } })
      .jpeg()
      .toBuffer();
    const { mediaId: thumb } = await api.addMaterial('thumb', { bytes: cover, fileName: 'cover.jpg', mediaType: 'image/jpeg' });
    const title = '红桥区市场监管局政务公开工作要点';
    const content = `<section><h1 data-tongyuan-text>${title}</h1><div data-tongyuan-text><p>一、总体要求</p><p>坚持以公开为常态。</p></div></section>`;
    const { mediaId } = await api.addDraft([{ title, content, thumb_media_id: thumb }]);
    const { publishId } = await api.submitPublish(mediaId);
    const articleId = await waitFor(async () => (await api.getPublishStatus(publishId)).articleId ?? undefined, {
      what: 'the publish job to finish',
    });

    const store = storeFor(servers, ops.buckets.newmedia);
    await store.ensureBucket();
    const key = `accounts/${account}/wechat/${revision.documentId}/r1.json`;
    const provenance = { documentId: revision.documentId, revision: 1, fingerprint };
    const record = (sent: string) =>
      JSON.stringify({
        document_id: revision.documentId,
        revision: 1,
        fingerprint,
        account_id: account,
        app_id: app.appId,
        title,
        content: sent,
        article_id: articleId,
      });
    await store.put(key, record(content), { contentType: 'application/json', provenance });
    await ops.bus.publish(topics.contentPublished, toContentPublished(revision));
    const delivered: DeliveryStatus = {
      version: 'v1',
      ...provenance,
      channel: 'newmedia',
      target: account,
      state: 'delivered',
      attempt: 1,
      error: null,
      artifactKeys: [key],
      occurredAt: new Date().toISOString(),
    };
    await ops.bus.publish(topics.deliveryStatus, delivered);
    await waitFor(async () => (await allSteps(ops.service.pool)).length === 1, { what: 'the delivered step' });

    const articleAlerts = async () =>
      (await openAlerts(ops.service.pool)).filter((a) => a.target === `${account}/article` || a.target === `${account}/wechat`);
    await ops.service.checks.run();
    expect(await articleAlerts()).toEqual([]);

    // The record says one thing was sent; WeChat shows another.
    await store.put(key, record(content.replace('常态', '惯例')), { contentType: 'application/json', provenance });
    await ops.service.checks.run();
    const [drift] = await articleAlerts();
    expect(drift).toMatchObject({ kind: 'drift', channel: 'newmedia', target: `${account}/article` });
    expect(drift?.detail).toMatch(/记录 “[^”]*【惯例[\s\S]*微信 “[^”]*【常态/);

    await store.put(key, record(content), { contentType: 'application/json', provenance });
    await api.deletePublished(articleId);
    await ops.service.checks.run();
    const [gone] = await articleAlerts();
    expect(gone).toMatchObject({ kind: 'missing', target: `${account}/article` });
    expect(gone?.detail).toContain(articleId);
    // The reader's breaker for the account is on /metrics, closed.
    expect(await (await fetch(`${ops.baseUrl}/metrics`)).text()).toContain(
      `tongyuan_breaker_state{breaker="wechat:${app.appId}",service="ops"} 0`,
    );
  });
});
