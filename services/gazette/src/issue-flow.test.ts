import { createHash } from 'node:crypto';
import {
  DeliveryStatus,
  type DocumentRevision,
  GazetteIssueDetail,
  GazetteIssueSummary,
  GazetteRendition,
  GazetteSearchResult,
  toContentPublished,
} from '@tongyuan/contracts';
import { readTopic, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { corpusMonth, correctionOf, type GazetteHarness, gazetteTest } from './gazette.fixture.js';
import { pdfFonts, pdfPages, squeezed } from './testing-pdf.fixture.js';

const openIssueWith = (gazette: GazetteHarness, count: number) =>
  waitFor(
    async () => {
      const open = await gazette.call('archivist', 'GET', '/v1/issues/open');
      const included = open.status === 200 ? open.body.sections.flatMap((s: { candidates: unknown[] }) => s.candidates) : [];
      return included.length === count ? open.body : undefined;
    },
    { what: `${count} candidates in the open issue`, timeoutMs: 120_000 },
  );

const firstParagraph = (revision: DocumentRevision): string => {
  const block = revision.body.find((b) => b.type === 'paragraph');
  return block?.type === 'paragraph' ? block.text : '';
};

// A shared 2-core machine under load renders and joins consumer groups slowly: generous bounds, same assertions.
describe('a month of documents becomes an issue through the API', { timeout: 240_000 }, () => {
  gazetteTest(
    'candidates → sections → close → second archivist approves → publish: the fixed S3 keys',
    async ({ gazette, servers }) => {
      const documents = corpusMonth('2026-03');
      const [, other, another] = corpusMonth('2026-03') as [DocumentRevision, DocumentRevision, DocumentRevision];
      // Neither is carried: a 通知 is not a gazette kind, and only 主动公开 documents are released at all.
      const notice: DocumentRevision = { ...other, kind: '通知', docNumber: null, validity: null };
      const onRequest: DocumentRevision = { ...another, openness: '依申请公开' };
      await gazette.release(...documents, notice, onRequest);

      const open = await openIssueWith(gazette, 4);
      // Every answer is what the contract says (the OpenAPI document is generated from the same schemas).
      GazetteIssueDetail.parse(open);
      expect(open.issue).toMatchObject({
        issueId: '2026-01',
        label: '2026年第1期（总第301期）',
        releaseMonth: '2026-03',
        state: 'open',
      });
      const normative = open.sections.find((s: { name: string }) => s.name === '规范性文件');
      expect(normative.candidates.map((c: { documentId: string }) => c.documentId)).toEqual(documents.map((d) => d.documentId));

      const [a, b, c, d] = documents as [DocumentRevision, DocumentRevision, DocumentRevision, DocumentRevision];
      // Arrange: d moves to 其他, c one place up, b is excluded.
      expect(
        (await gazette.call('archivist', 'PATCH', `/v1/issues/2026-01/candidates/${d.documentId}`, { section: '其他' })).status,
      ).toBe(200);
      for (const _ of [1, 2]) {
        expect(
          (await gazette.call('archivist', 'PATCH', `/v1/issues/2026-01/candidates/${c.documentId}`, { move: 'up' })).status,
        ).toBe(200);
      }
      const top = await gazette.call('archivist', 'PATCH', `/v1/issues/2026-01/candidates/${c.documentId}`, { move: 'up' });
      expect(top.status).toBe(409);
      expect(top.body.detail).toBe('the document is already first in 规范性文件');
      const arranged = await gazette.call('archivist', 'PATCH', `/v1/issues/2026-01/candidates/${b.documentId}`, {
        included: false,
      });
      expect(
        arranged.body.sections
          .find((s: { name: string }) => s.name === '规范性文件')
          .candidates.map((x: { documentId: string }) => x.documentId),
      ).toEqual([c.documentId, a.documentId]);
      expect(arranged.body.excluded.map((x: { documentId: string }) => x.documentId)).toEqual([b.documentId]);
      expect(
        (await gazette.call('editor', 'PATCH', `/v1/issues/2026-01/candidates/${b.documentId}`, { included: true })).status,
      ).toBe(403);
      expect((await gazette.call(null, 'POST', '/v1/issues/2026-01/close')).status).toBe(401);

      const preview = await gazette.call('archivist', 'POST', '/v1/issues/2026-01/preview');
      expect(preview.status).toBe(200);
      expect(preview.body.keys).toContain('previews/2026-01/gazette.pdf');

      const closed = await gazette.call('archivist', 'POST', '/v1/issues/2026-01/close');
      expect(closed.body.issue).toMatchObject({ state: 'closed', closed: { id: 'staff-archivist' } });
      const early = await gazette.call('archivist2', 'POST', '/v1/issues/2026-01/publish');
      expect(early.status).toBe(409);
      expect(early.body.detail).toMatch(/second archivist must approve/);
      const self = await gazette.call('archivist', 'POST', '/v1/issues/2026-01/approve');
      expect(self.status).toBe(403);
      expect(self.body.detail).toContain('孙档案员 closed issue 2026-01; a second archivist must approve it');
      expect((await gazette.call('archivist2', 'POST', '/v1/issues/2026-01/approve')).body.issue.approved.name).toBe('吴档案员');

      const published = await gazette.call('archivist', 'POST', '/v1/issues/2026-01/publish');
      expect(published.status).toBe(200);
      GazetteRendition.parse(published.body);
      const keys = [
        'issues/2026-01/gazette.pdf',
        'issues/2026-01/manifest.json',
        'issues/2026-01/index.html',
        'issues/2026-01/mobile.html',
        ...[c, a, d].map((x) => `issues/2026-01/documents/${x.documentId}.html`),
        'archive/index.html',
        'archive/2026/index.html',
      ];
      for (const key of keys) expect(await gazette.store.head(key), key).not.toBeNull();
      expect(await gazette.store.head(`issues/2026-01/documents/${b.documentId}.html`)).toBeNull();

      const pdf = (await gazette.store.get('issues/2026-01/gazette.pdf'))?.body as Buffer;
      const manifest = await gazette.json('issues/2026-01/manifest.json');
      expect(manifest).toMatchObject({
        issueId: '2026-01',
        total: 301,
        pdf: { sha256: createHash('sha256').update(pdf).digest('hex') },
      });
      expect(manifest.documents.map((x: { documentId: string; section: string }) => [x.documentId, x.section])).toEqual([
        [c.documentId, '规范性文件'],
        [a.documentId, '规范性文件'],
        [d.documentId, '其他'],
      ]);
      for (const entry of manifest.documents) {
        const source = documents.find((x) => x.documentId === entry.documentId) as DocumentRevision;
        expect(entry).toMatchObject({ revision: 1, docNumber: source.docNumber, title: source.title });
        expect(entry.fingerprint).toMatch(/^sha256:/);
      }

      // The PDF as a reader's tools see it: the CJK font embedded as a subset, titles and first paragraphs exactly, TOC pages right.
      const fonts = await pdfFonts(pdf);
      expect(fonts.some((font) => /CJK/i.test(font.name) && font.embedded && font.subset)).toBe(true);
      const pages = await pdfPages(pdf);
      expect(pages.length).toBe(manifest.pdf.pageCount);
      const all = squeezed(pages.join(''));
      for (const entry of manifest.documents) {
        const source = documents.find((x) => x.documentId === entry.documentId) as DocumentRevision;
        const startPage = squeezed(pages[entry.page - 1] ?? '');
        expect(startPage).toContain(squeezed(source.title));
        expect(all).toContain(squeezed(firstParagraph(source)));
        // The table of contents prints, after each title (and 文号), the page the document starts on.
        // (without the page footers —N—, which pdftotext may read in between)
        const toc = squeezed(pages.slice(1, 4).join('')).replace(/—\d+—/g, '');
        const escaped = squeezed(source.title).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        expect(toc).toMatch(new RegExp(`${escaped}(（[^）]*）)?${entry.page}(?!\\d)`));
      }

      // Document pages: same source, provenance on the object.
      const page = await gazette.store.get(`issues/2026-01/documents/${a.documentId}.html`);
      expect(page?.provenance).toMatchObject({ documentId: a.documentId, revision: 1 });
      expect(page?.body.toString('utf8')).toContain(`<meta name="tongyuan:document-id" content="${a.documentId}">`);
      expect(squeezed(page?.body.toString('utf8') ?? '')).toContain(squeezed(firstParagraph(a)));

      // A second publish writes nothing and answers the same.
      const before = await gazette.store.head('issues/2026-01/gazette.pdf');
      const again = await gazette.call('archivist', 'POST', '/v1/issues/2026-01/publish');
      expect(again.body).toEqual(published.body);
      expect((await gazette.store.head('issues/2026-01/gazette.pdf'))?.lastModified).toEqual(before?.lastModified);

      // The API describes itself; the issue list says what happened.
      const openapi = await gazette.call(null, 'GET', '/v1/openapi.json');
      expect(Object.keys(openapi.body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/issues/{issueId}/approve',
          '/v1/issues/{issueId}/publish',
          '/v1/history/imports',
          '/v1/search',
        ]),
      );
      const listed = await gazette.call('archivist2', 'GET', '/v1/issues');
      GazetteIssueSummary.array().parse(listed.body);
      expect(listed.body).toMatchObject([
        {
          issueId: '2026-01',
          state: 'published',
          documentCount: 3,
          closed: { name: '孙档案员' },
          approved: { name: '吴档案员' },
        },
      ]);
      expect((await gazette.call(null, 'GET', '/v1/issues')).status).toBe(401);

      // The public archive and search, anonymous.
      const archive = await fetch(`${gazette.baseUrl}/archive/2026/`);
      expect(archive.status).toBe(200);
      expect(await archive.text()).toContain('2026年第1期');
      const phrase = firstParagraph(a).slice(4, 14);
      const found = await gazette.call(null, 'GET', `/v1/search?q=${encodeURIComponent(phrase)}`);
      GazetteSearchResult.parse(found.body);
      expect(found.body.hits.map((hit: { documentId: string }) => hit.documentId)).toContain(a.documentId);
      const byNumber = await gazette.call(null, 'GET', `/v1/search?docNumber=${encodeURIComponent(c.docNumber ?? '')}&year=2026`);
      expect(byNumber.status, JSON.stringify(byNumber.body)).toBe(200);
      expect(byNumber.body.hits.map((hit: { documentId: string; url: string }) => [hit.documentId, hit.url])).toEqual([
        [c.documentId, `/issues/2026-01/documents/${c.documentId}.html`],
      ]);
      const html = await (await fetch(`${gazette.baseUrl}/search?q=${encodeURIComponent(phrase)}&issue=1`)).text();
      expect(html).toContain(a.title);

      // Delivery states: pending on filing, withdrawn on exclusion, delivered with the artifact keys on publish (and
      // again, the same, when publish is asked again: a report lost after the first publish can be completed).
      const statuses = (
        await readTopic(servers.kafkaBrokers, gazette.deliveryTopic, { count: 4 + 1 + 3 + 3, timeoutMs: 120_000, settleMs: 500 })
      ).map((message) => DeliveryStatus.parse(JSON.parse(message.value?.toString('utf8') ?? '')));
      expect(
        statuses
          .filter((s) => s.state === 'pending')
          .map((s) => s.documentId)
          .sort(),
      ).toEqual(documents.map((x) => x.documentId).sort());
      expect(statuses.filter((s) => s.state === 'withdrawn').map((s) => s.documentId)).toEqual([b.documentId]);
      const delivered = statuses.filter((s) => s.state === 'delivered');
      expect(delivered.map((s) => s.documentId).sort()).toEqual([a, a, c, c, d, d].map((x) => x.documentId).sort());
      expect(statuses).toHaveLength(11);
      for (const status of delivered) {
        expect(status).toMatchObject({ channel: 'gazette', target: '2026-01' });
        expect(status.artifactKeys).toEqual(
          expect.arrayContaining(['issues/2026-01/gazette.pdf', `issues/2026-01/documents/${status.documentId}.html`]),
        );
      }
    },
  );

  gazetteTest(
    'later revisions update a candidate, older ones and replays change nothing, withdrawals remove it',
    async ({ gazette }) => {
      const [first, second, third, fourth] = corpusMonth('2026-04') as [
        DocumentRevision,
        DocumentRevision,
        DocumentRevision,
        DocumentRevision,
      ];
      const corrected = correctionOf(first, '2026-04-20T10:00:00+08:00');
      // GAZETTE_KINDS' default carries 政策解读 in its own section; a release targeted at the portal only is not carried.
      const interpretation: DocumentRevision = { ...third, kind: '政策解读', docNumber: null, validity: null };
      const portalOnly: DocumentRevision = { ...fourth, targeting: { ...fourth.targeting, channels: ['portal'] } };
      // The correction arrives before the first release (another partition, a slow relay): revision 1 then changes nothing.
      await gazette.release(corrected, first, first, second, interpretation, portalOnly);
      const open = await openIssueWith(gazette, 3);
      expect(open.issue.releaseMonth).toBe('2026-04');
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const detail = (await gazette.call('archivist', 'GET', `/v1/issues/${open.issue.issueId}`)).body;
      const bySection = (body: {
        sections: Array<{ name: string; candidates: Array<{ documentId: string; revision: number }> }>;
      }) =>
        Object.fromEntries(
          body.sections
            .filter((s) => s.candidates.length > 0)
            .map((s) => [s.name, s.candidates.map((x) => [x.documentId, x.revision])]),
        );
      expect(bySection(detail)).toEqual({
        规范性文件: [
          [first.documentId, 2],
          [second.documentId, 1],
        ],
        政策解读: [[interpretation.documentId, 1]],
      });

      await gazette.release(correctionOf(second, '2026-04-21T10:00:00+08:00', 'withdrawal'));
      const after = await openIssueWith(gazette, 2);
      expect(bySection(after)).toEqual({ 规范性文件: [[first.documentId, 2]], 政策解读: [[interpretation.documentId, 1]] });
      expect(after.excluded).toEqual([]);
    },
  );

  gazetteTest(
    'a revision filed whose report was lost with the process (killed after the commit) is reported when its event comes again',
    async ({ gazette, servers }) => {
      const [document] = corpusMonth('2026-10') as [DocumentRevision];
      // What a process killed between the commit and the send leaves: the candidate on file, nothing on delivery.status.
      const filed = await gazette.service.filing.apply(toContentPublished(document));
      expect(filed.kind).toBe('filed');
      // The next consumer gets the event on its first attempt (the old one never committed the offset).
      await gazette.release(document);
      const ofDocument = (message: { value: Buffer | null }) =>
        message.value?.toString('utf8').includes(document.documentId) === true;
      const told = (
        await readTopic(servers.kafkaBrokers, gazette.deliveryTopic, {
          count: 1,
          filter: ofDocument,
          timeoutMs: 60_000,
          settleMs: 2_000,
        })
      ).map((message) => DeliveryStatus.parse(JSON.parse(message.value?.toString('utf8') ?? '')));
      expect(told.map((status) => [status.revision, status.state])).toEqual([[1, 'pending']]);
    },
  );
});
