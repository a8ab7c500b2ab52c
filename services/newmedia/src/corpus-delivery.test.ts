// Every corpus document through the service to the fake WeChat: what the fake accepted, what the feed and H5 show.
import { createHash } from 'node:crypto';
import { type DocumentRevision, type ImageBlock, revisionText, routeToAccounts, toContentPublished } from '@tongyuan/contracts';
import { axeViolations, launchChromium } from '@tongyuan/testing';
import sharp from 'sharp';
import { describe, expect } from 'vitest';
import { type CorpusName, revisionFromCorpus } from '../../../packages/contracts/src/corpus-revision.fixture.js';
import { newmediaKeys } from './feed/account-feed.js';
import { newmediaTest as test } from './newmedia.fixture.js';

const corpus: CorpusName[] = [
  'zigong-2022-task-division',
  'haishu-2019-work-plan',
  'hongqiao-amr-2019-work-plan',
  'laiyang-2024-work-plan',
];

/** A photo as an editor would upload it, in the assets bucket, and the image block that shows it. */
const uploadPhoto = async (assets: { put: (key: string, body: Buffer, options: { contentType: string }) => Promise<void> }) => {
  const bytes = await sharp({ create: { width: 1600, height: 1000, channels: 3, background: '#2a6' } })
    .composite([
      {
        input: Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="1000"><circle cx="800" cy="500" r="300" fill="#fd3"/></svg>',
        ),
      },
    ])
    .jpeg({ quality: 90 })
    .toBuffer();
  const key = 'uploads/2022/meeting-photo.jpg';
  await assets.put(key, bytes, { contentType: 'image/jpeg' });
  const block: ImageBlock = {
    id: 'photo',
    type: 'image',
    key,
    alt: '政务公开工作会议现场',
    caption: '全市政务公开工作推进会',
    width: 1600,
    height: 1000,
    mediaType: 'image/jpeg',
    size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  };
  return block;
};

const htmlProblems = (content: string, uploaded: Set<string>): string[] => {
  const problems: string[] = [];
  if (/<style[\s>]/i.test(content)) problems.push('<style>');
  if (/<script[\s>]/i.test(content)) problems.push('<script>');
  if (/<link[\s>]/i.test(content)) problems.push('<link>');
  if (/\sclass\s*=/i.test(content)) problems.push('class attribute');
  if (/\sid\s*=/i.test(content)) problems.push('id attribute');
  for (const match of content.matchAll(/\ssrc\s*=\s*"([^"]*)"/gi))
    if (!uploaded.has(match[1] ?? '')) problems.push(`external src ${match[1]}`);
  return problems;
};

describe('every corpus document, to every account it is routed to', () => {
  test('a draft the fake accepted, within every limit, with covers 900×383 and a square thumb ≤ 64 KB; feed and H5 carry it', async ({
    newmedia,
  }) => {
    const photo = await uploadPhoto(newmedia.assets);
    const revisions: DocumentRevision[] = corpus.map((name, i) => {
      const revision = revisionFromCorpus(name);
      // The first one carries a photo: inline upload and a cover cut from it.
      return i === 0 ? { ...revision, body: [revision.body[0]!, photo, ...revision.body.slice(1)] } : revision;
    });
    for (const revision of revisions) await newmedia.publish(revision);

    for (const revision of revisions) {
      const routed = routeToAccounts(revision, newmedia.accounts).map((account) => account.id);
      expect(routed.length, revision.title).toBeGreaterThan(0);
      expect(routed).not.toContain('paused');
      for (const accountId of routed) {
        const delivered = await newmedia.statusOf(revision.documentId, 1, accountId, 'delivered');
        const { fingerprint } = toContentPublished(revision);
        expect(delivered.fingerprint).toBe(fingerprint);
        expect(delivered.artifactKeys).toEqual(
          expect.arrayContaining([
            newmediaKeys.feed(accountId),
            newmediaKeys.h5(accountId, revision.documentId),
            newmediaKeys.record(accountId, revision.documentId, 1),
          ]),
        );
      }
    }

    for (const account of newmedia.accounts.filter((a) => a.enabled)) {
      const appId = account.appId;
      const drafts = newmedia.fake.drafts(appId);
      const expected = revisions.filter((r) => routeToAccounts(r, [account]).length > 0);
      expect(drafts).toHaveLength(expected.length);
      const uploaded = new Set(newmedia.fake.uploadedImages(appId).map((image) => image.url));
      for (const draft of drafts) {
        const [article] = draft.articles;
        expect(article).toBeDefined();
        if (!article) continue;
        expect([...article.title].length).toBeLessThanOrEqual(32);
        expect([...article.author].length).toBeLessThanOrEqual(16);
        expect([...article.digest].length).toBeLessThanOrEqual(128);
        expect(article.content.length).toBeLessThan(20_000);
        expect(Buffer.byteLength(article.content)).toBeLessThan(1024 * 1024);
        expect(htmlProblems(article.content, uploaded)).toEqual([]);
        // WeChat took nothing out: no script, no image that was not uploaded.
        expect(article.stripped).toEqual({ scripts: 0, externalImages: [] });
        expect(article.contentSourceUrl).toMatch(/^https:\/\/www\.zg\.gov\.cn\/documents\/doc_\w+\/$/);
        const cover = newmedia.fake.materials(appId).find((m) => m.mediaId === article.thumbMediaId);
        expect(cover?.type).toBe('image');
        const coverSize = await sharp(cover?.bytes).metadata();
        expect([coverSize.width, coverSize.height]).toEqual([900, 383]);
      }
      const thumbs = newmedia.fake.materials(appId).filter((m) => m.type === 'thumb');
      expect(thumbs).toHaveLength(expected.length);
      for (const thumb of thumbs) {
        const size = await sharp(thumb.bytes).metadata();
        expect(size.width).toBe(size.height);
        expect(thumb.bytes.length).toBeLessThanOrEqual(64 * 1024);
        expect(size.format).toBe('jpeg');
      }
      expect(newmedia.fake.accepted('freepublish/submit', appId)).toBe(expected.length);
    }

    // The photo went up through uploadimg for every account that carries the first document, and is in its article.
    const first = revisions[0]!;
    for (const account of routeToAccounts(first, newmedia.accounts)) {
      const images = newmedia.fake.uploadedImages(account.appId).filter((image) => image.url.includes('/mmbiz_jpg/'));
      const draft = newmedia.fake.drafts(account.appId).find((d) => d.articles[0]?.contentSourceUrl.includes(first.documentId));
      expect(images.some((image) => draft?.articles[0]?.content.includes(image.url))).toBe(true);
    }

    // The feed and the H5 page of each account carry the same revision, with its provenance.
    const city = 'city';
    const feed = JSON.parse((await newmedia.store.get(newmediaKeys.feed(city)))?.body.toString('utf8') ?? '{}');
    expect(feed.version).toBe('https://jsonfeed.org/version/1.1');
    expect(feed.items.map((item: { _tongyuan: { document_id: string } }) => item._tongyuan.document_id).sort()).toEqual(
      revisions
        .filter((r) => routeToAccounts(r, [newmedia.accounts[0]!]).length > 0)
        .map((r) => r.documentId)
        .sort(),
    );
    for (const revision of revisions) {
      const page = await fetch(`${newmedia.baseUrl}/accounts/${city}/articles/${revision.documentId}/`);
      expect(page.status).toBe(200);
      const html = await page.text();
      const { fingerprint } = toContentPublished(revision);
      expect(html).toContain(`<meta name="tongyuan:fingerprint" content="${fingerprint}">`);
      expect(html).toContain('data-tongyuan-text');
      const stored = await newmedia.store.head(newmediaKeys.h5(city, revision.documentId));
      expect(stored?.provenance).toEqual({ documentId: revision.documentId, revision: 1, fingerprint });
      const record = JSON.parse(
        (await newmedia.store.get(newmediaKeys.record(city, revision.documentId, 1)))?.body.toString('utf8') ?? '{}',
      );
      expect(record).toMatchObject({ document_id: revision.documentId, revision: 1, fingerprint });
      expect(record.article_url).toMatch(/^https:\/\/mp\.weixin\.qq\.com\/s\//);
      expect(revisionText(revision).length).toBeGreaterThan(0);
    }
  });
});

describe('the pages the service serves', () => {
  test('H5 pages in Chromium: zh-CN, no WCAG 2.1 A/AA violation, and the marked text is the revision text (same source)', async ({
    newmedia,
  }) => {
    const revisions = corpus.map((name) => {
      const revision = revisionFromCorpus(name);
      // Other documents than the first test's, for the district account only.
      return {
        ...revision,
        documentId: revision.documentId.replace(/.$/, 'Z'),
        targeting: { ...revision.targeting, accounts: ['district'] },
      };
    });
    for (const revision of revisions) await newmedia.publish(revision);
    const browser = await launchChromium();
    try {
      // The page forbids every script by its CSP; axe is injected by the test, so the context bypasses it.
      const context = await browser.newContext({ bypassCSP: true, viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      for (const revision of revisions) {
        await newmedia.statusOf(revision.documentId, 1, 'district', 'delivered');
        const response = await page.goto(`${newmedia.baseUrl}/accounts/district/articles/${revision.documentId}/`);
        expect(response?.status()).toBe(200);
        expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
        const shown = (await page.locator('[data-tongyuan-text]').allInnerTexts()).join('').replace(/\s/g, '');
        expect(shown).toBe(revisionText(revision).replace(/\s/g, ''));
        expect(await axeViolations(page)).toEqual([]);
      }
      const feed = await page.goto(`${newmedia.baseUrl}/accounts/district/feed.json`);
      expect(feed?.headers()['content-type']).toMatch(/^application\/feed\+json/);
    } finally {
      await browser.close();
    }
  });
});
