import { createHash } from 'node:crypto';
import { quietLogger, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { corpusMonth, gazetteTest } from './gazette.fixture.js';
import { IssuePublisher } from './publishing/issue-publisher.js';

const sha256 = (bytes: Buffer | undefined) =>
  createHash('sha256')
    .update(bytes ?? Buffer.alloc(0))
    .digest('hex');

// A shared 2-core machine under load renders and joins consumer groups slowly: generous bounds, same assertions.
describe('publishing is crash-safe', { timeout: 240_000 }, () => {
  gazetteTest(
    'a publish that died midway is re-run and writes identical bytes, then the issue is published once',
    async ({ gazette }) => {
      await gazette.release(...corpusMonth('2026-09'));
      await waitFor(async () => (await gazette.call('archivist', 'GET', '/v1/issues/open')).body?.issue?.documentCount === 4, {
        timeoutMs: 120_000,
        what: 'four candidates',
      });
      expect((await gazette.call('archivist', 'POST', '/v1/issues/2026-01/close')).status).toBe(200);
      expect((await gazette.call('archivist2', 'POST', '/v1/issues/2026-01/approve')).status).toBe(200);

      // The store dies after two objects (the PDF and one document page): the process "crashes" mid-publish.
      let writes = 0;
      const dying = Object.create(gazette.store) as typeof gazette.store;
      dying.putIfChanged = async (key, body, options) => {
        writes += 1;
        if (writes > 2) throw Object.assign(new Error('connection reset'), { code: 'ECONNRESET' });
        return gazette.store.putIfChanged(key, body, options);
      };
      const { service } = gazette;
      const crashing = new IssuePublisher({
        pool: service.pool,
        store: dying,
        archive: service.archive,
        gazetteTitle: '自贡市人民政府公报',
        portalBaseUrl: 'http://portal.example.gov.cn',
        logger: quietLogger(),
      });
      await expect(
        crashing.publish('2026-01', { id: 'staff-archivist', name: '孙档案员', at: new Date().toISOString() }),
      ).rejects.toThrow('connection reset');
      const halfway = await gazette.store.get('issues/2026-01/gazette.pdf');
      expect(halfway).not.toBeNull();
      expect(await gazette.store.head('issues/2026-01/manifest.json')).toBeNull(); // the manifest is written last
      expect((await gazette.call('archivist', 'GET', '/v1/issues/2026-01')).body.issue.state).toBe('closed');

      const rerun = await gazette.call('archivist2', 'POST', '/v1/issues/2026-01/publish');
      expect(rerun.status).toBe(200);
      const pdf = await gazette.store.get('issues/2026-01/gazette.pdf');
      expect(sha256(pdf?.body)).toBe(sha256(halfway?.body));
      expect(pdf?.lastModified).toEqual(halfway?.lastModified); // same bytes: not even written again
      expect(rerun.body.pdfSha256).toBe(sha256(halfway?.body));
      const manifest = await gazette.json('issues/2026-01/manifest.json');
      expect(manifest.pdf.sha256).toBe(sha256(halfway?.body));
      expect((await gazette.call('archivist', 'GET', '/v1/issues/2026-01')).body.issue).toMatchObject({
        state: 'published',
        published: { id: 'staff-archivist' },
      });
    },
  );
});
