import { createHash } from 'node:crypto';
import type { DocumentRevision } from '@tongyuan/contracts';
import { waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { corpusMonth, correctionOf, type GazetteHarness, gazetteTest } from './gazette.fixture.js';
import { pdfPages, squeezed } from './testing-pdf.fixture.js';

const sha256 = (bytes: Buffer | undefined) =>
  createHash('sha256')
    .update(bytes ?? Buffer.alloc(0))
    .digest('hex');

const issueAnswer = (gazette: GazetteHarness, issueId: string, ready: (body: any) => boolean, what: string) =>
  waitFor(
    async () => {
      const answer = await gazette.call('archivist', 'GET', `/v1/issues/${issueId}`);
      return answer.status === 200 && ready(answer.body) ? answer.body : undefined;
    },
    { what, timeoutMs: 120_000 },
  );

const closeApprovePublish = async (gazette: GazetteHarness, issueId: string) => {
  for (const [person, step] of [
    ['archivist', 'close'],
    ['archivist2', 'approve'],
    ['archivist', 'publish'],
  ] as const) {
    const answer = await gazette.call(person, 'POST', `/v1/issues/${issueId}/${step}`);
    expect(answer.status, `${step}: ${JSON.stringify(answer.body)}`).toBe(200);
  }
};

// A shared 2-core machine under load renders and joins consumer groups slowly: generous bounds, same assertions.
describe('errata, never rewrites', { timeout: 240_000 }, () => {
  gazetteTest(
    'a correction after close: the closed PDF and manifest stay byte-identical, the next issue carries the erratum, the archive shows the note',
    async ({ gazette }) => {
      const documents = corpusMonth('2026-05');
      await gazette.release(...documents);
      await issueAnswer(
        gazette,
        '2026-01',
        (body) => body.sections.flatMap((s: { candidates: unknown[] }) => s.candidates).length === 4,
        '4 candidates',
      );
      await closeApprovePublish(gazette, '2026-01');
      const pdfBefore = await gazette.store.get('issues/2026-01/gazette.pdf');
      const manifestBefore = await gazette.store.get('issues/2026-01/manifest.json');

      const target = documents[2] as DocumentRevision;
      const corrected = correctionOf(target, '2026-06-03T09:00:00+08:00');
      await gazette.release(corrected);
      // The correction opens June's issue, whose candidates include the proposed erratum.
      const next = await issueAnswer(gazette, '2026-02', (body) => body.errata.length === 1, 'the erratum in the next issue');
      expect(next.issue).toMatchObject({ releaseMonth: '2026-06', total: 302, state: 'open' });
      const [erratum] = next.errata;
      expect(erratum).toMatchObject({ documentId: target.documentId, correctedRevision: 2, originalIssueId: '2026-01' });
      expect(erratum.text).toBe(
        `本刊2026年第1期（总第301期）刊登的《${target.title}》（${target.docNumber}），因第二段表述有误，于2026年6月3日更正如下：第二段末尾补充“已更正”字样；核对文号。更正后的全文见http://portal.example.gov.cn/documents/${target.documentId}/。`,
      );
      // A replay of the correction proposes nothing twice; an archivist rewords it.
      await gazette.release(corrected);
      const text = `本刊2026年第1期刊登的《${target.title}》第二段有误，已更正，更正后的全文见政府网站。`;
      const edited = await gazette.call('archivist2', 'PUT', `/v1/issues/2026-02/errata/${erratum.erratumId}`, { text });
      expect(edited.body.errata).toMatchObject([{ text, editedBy: { name: '吴档案员' } }]);
      expect((await gazette.call('archivist', 'PUT', `/v1/issues/2026-01/errata/${erratum.erratumId}`, { text })).status).toBe(
        409,
      );

      // The closed issue is untouched: same bytes, and a re-publish writes nothing.
      await closeApprovePublish(gazette, '2026-02');
      expect(sha256((await gazette.store.get('issues/2026-01/gazette.pdf'))?.body)).toBe(sha256(pdfBefore?.body));
      expect((await gazette.store.get('issues/2026-01/manifest.json'))?.body.equals(manifestBefore?.body as Buffer)).toBe(true);
      expect((await gazette.store.head('issues/2026-01/gazette.pdf'))?.lastModified).toEqual(pdfBefore?.lastModified);

      // The June issue prints the erratum; the May issue's archive page shows the note with both links.
      const pages = await pdfPages((await gazette.store.get('issues/2026-02/gazette.pdf'))?.body as Buffer);
      expect(squeezed(pages.join(''))).toContain(squeezed(text));
      const manifest = await gazette.json('issues/2026-02/manifest.json');
      expect(manifest.errata).toMatchObject([{ documentId: target.documentId, correctedRevision: 2, text }]);
      const yearPage = await (await fetch(`${gazette.baseUrl}/archive/2026/`)).text();
      const note = yearPage.slice(yearPage.indexOf('2026年第1期'));
      expect(note).toContain(`《${target.title}》`);
      expect(note).toContain('href="/issues/2026-02/index.html#errata-heading"');
      expect(note).toContain(`href="http://portal.example.gov.cn/documents/${target.documentId}/"`);
    },
  );
});
