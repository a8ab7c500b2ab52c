import { type DocumentRevision, toContentPublished } from '@tongyuan/contracts';
import { documentPath, summaryOf } from '@tongyuan/portal-site';
import { correctedRevision, generatedRevision, withdrawnRevision } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { portalTest as test } from '../portal.fixture.js';
import { navigationFingerprint } from './site-publisher.js';
import { siteStore } from './site-store.js';

const pageOf = async (portal: { store: { get(key: string): Promise<{ body: Buffer } | null> }; prefix: string }, path: string) =>
  (await portal.store.get(`${'site/'}${path}`))?.body.toString('utf8');

describe('SitePublisher against the real PostgreSQL and S3 server', () => {
  test('a revision puts its page, JSON view, listings, feed and sitemap in S3, with its provenance', async ({ portal }) => {
    const revision = generatedRevision(1, 11);
    const outcome = await portal.publisher.apply(toContentPublished(revision));
    expect(outcome.kind).toBe('applied');
    const event = toContentPublished(revision);
    const page = await portal.store.get(`site/${documentPath(revision.documentId)}index.html`);
    expect(page?.provenance).toEqual({ documentId: revision.documentId, revision: 1, fingerprint: event.fingerprint });
    const html = page?.body.toString('utf8') ?? '';
    expect(html).toContain(`<meta name="tongyuan:fingerprint" content="${event.fingerprint}"`);
    expect(html).toContain(revision.title);
    const keys: string[] = [];
    for await (const item of portal.store.list('site/')) keys.push(item.key.slice('site/'.length));
    expect(keys).toEqual(
      expect.arrayContaining(['index.html', 'feed.atom', 'sitemap.xml', `${documentPath(revision.documentId)}index.json`]),
    );
    expect(keys.some((key) => key.startsWith('latest/'))).toBe(true);
    expect(await pageOf(portal, 'feed.atom')).toContain(revision.documentId);
  });

  test('out-of-order and repeated revisions leave the newest live', async ({ portal }) => {
    const first = generatedRevision(2, 11);
    const second = correctedRevision(
      first,
      { reason: '更正错别字', body: [{ type: 'paragraph', text: '更正后的第二版正文。' }] },
      '2026-02-01T00:00:00.000Z',
    );
    expect((await portal.publisher.apply(toContentPublished(second))).kind).toBe('applied');
    expect(await portal.publisher.apply(toContentPublished(first))).toEqual({
      kind: 'skipped',
      reason: 'revision 2 is already applied',
    });
    expect((await portal.publisher.apply(toContentPublished(second))).kind).toBe('skipped');
    const html = await pageOf(portal, `${documentPath(first.documentId)}index.html`);
    expect(html).toContain('更正后的第二版正文。');
    expect(html).toContain('更正错别字');
    expect(html).toContain('<meta name="tongyuan:revision" content="2"');
  });

  test('a withdrawal leaves a notice at the URL and takes the document out of every listing and of search', async ({
    portal,
  }) => {
    const revision = generatedRevision(3, 11);
    await portal.publisher.apply(toContentPublished(revision));
    await portal.publisher.apply(toContentPublished(withdrawnRevision(revision, '2026-03-01T00:00:00.000Z', '内容已过时')));
    const html = await pageOf(portal, `${documentPath(revision.documentId)}index.html`);
    expect(html).toContain('已撤回');
    expect(html).toContain('内容已过时');
    const latest = await pageOf(portal, 'latest/index.html');
    expect(latest ?? '').not.toContain(revision.documentId);
    const search = await fetch(`${portal.baseUrl}/search?q=${encodeURIComponent(revision.title)}`).then((response) =>
      response.text(),
    );
    expect(search).not.toContain(revision.documentId);
  });

  test('search finds a document by a body phrase, its 文号 and title words', async ({ portal }) => {
    const revision = { ...generatedRevision(4, 12), docNumber: '自府办发〔2024〕77号', kind: '规范性文件' as const };
    const normative = { ...revision, validity: { status: '现行有效' as const, effectiveFrom: null, expiresOn: null } };
    await portal.publisher.apply(toContentPublished(normative));
    const paragraph = normative.body.find((block) => block.type === 'paragraph');
    const phrase = paragraph && 'text' in paragraph ? paragraph.text.slice(5, 17) : '';
    for (const query of [phrase, '自府办发〔2024〕77号', normative.title.slice(2, 8)]) {
      const page = await fetch(`${portal.baseUrl}/search?q=${encodeURIComponent(query)}`).then((response) => response.text());
      expect(page, query).toContain(`/${documentPath(normative.documentId)}`);
    }
  });

  test('correcting one document in a site of 10,000 rewrites a small, bounded number of objects', { timeout: 240_000 }, async ({
    portal,
  }) => {
    // 10,000 documents go straight into the site's state, as if already rendered (rendering them all is the benchmark's job).
    const revisions = Array.from({ length: 10_000 }, (_, n) => generatedRevision(n, 99));
    for (let start = 0; start < revisions.length; start += 1_000) {
      const rows = revisions.slice(start, start + 1_000).map((revision) => {
        const { fingerprint } = toContentPublished(revision);
        return {
          documentId: revision.documentId,
          fingerprint,
          publishedAt: revision.publishedAt,
          summary: summaryOf(revision, fingerprint),
          record: revision,
          history: [{ revision: 1, fingerprint, status: 'published', correction: null }],
        };
      });
      await portal.pool.query(
        `insert into site_documents (document_id, revision, fingerprint, state, published_at, summary, record, history, year, last_modified)
         select x->>'documentId', 1, x->>'fingerprint', 'live', (x->>'publishedAt')::timestamptz, x->'summary', x->'record', x->'history',
                to_char((x->>'publishedAt')::timestamptz at time zone 'Asia/Shanghai', 'YYYY'), x->>'publishedAt'
         from jsonb_array_elements($1::jsonb) x`,
        [JSON.stringify(rows)],
      );
    }
    await siteStore.setFact(portal.pool, 'nav', navigationFingerprint(await portal.publisher.navigation()));
    expect((await siteStore.documentIds(portal.pool, { liveOnly: true })).length).toBeGreaterThanOrEqual(10_000);

    const middle = revisions[5_000] as DocumentRevision;
    const corrected = correctedRevision(
      middle,
      { reason: '数据有误', body: [{ type: 'paragraph', text: '更正后的正文：完成时限调整为7月31日。' }] },
      '2026-04-01T00:00:00.000Z',
    );
    const outcome = await portal.publisher.apply(toContentPublished(corrected));
    if (outcome.kind !== 'applied') throw new Error(outcome.reason);
    // Its page and JSON view, one page of each listing it sits on, the sitemap part of its year and the index: no more.
    expect(outcome.written.length).toBeLessThanOrEqual(16);
    expect(outcome.written).toEqual(expect.arrayContaining([`site/${documentPath(middle.documentId)}index.html`]));
    const html = await pageOf(portal, `${documentPath(middle.documentId)}index.html`);
    expect(html).toContain('数据有误');
  });
});
