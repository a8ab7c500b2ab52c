// The manifest: exactly what a closed issue carries (revisions, fingerprints, pages, errata, the PDF's hash), in
// deterministic bytes, so a closed issue can be checked against it for ever.
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusIssue } from './gazette-issue.fixture.js';
import { type IssueLayout, issueId, issueLabel } from './issue.js';
import { type IssueManifest, renderIssueManifest } from './issue-manifest.js';
import { renderIssueOutputs } from './issue-outputs.js';
import { renderIssuePdf } from './pdf/issue-pdf.renderer.js';

describe('the issue manifest', () => {
  const issue = corpusIssue();
  let layout: IssueLayout;
  let sha256: string;

  beforeAll(async () => {
    const rendered = await renderIssuePdf(issue);
    layout = rendered.layout;
    sha256 = createHash('sha256').update(rendered.pdf).digest('hex');
  });

  it('lists every document with its revision, fingerprint, title, 文号, section and page, in print order', () => {
    const manifest = JSON.parse(renderIssueManifest(issue, layout, sha256)) as IssueManifest;
    expect(manifest).toMatchObject({
      version: 'v1',
      issueId: '2026-05',
      year: 2026,
      number: 5,
      total: 128,
      label: '2026年第5期（总第128期）',
      closedAt: '2026-05-30T17:30:00+08:00',
      pdf: { sha256, pageCount: layout.pageCount },
    });
    const expected = issue.sections.flatMap((section) =>
      section.documents.map(({ revision, fingerprint }) => ({
        documentId: revision.documentId,
        revision: revision.revision,
        fingerprint,
        title: revision.title,
        docNumber: revision.docNumber,
        section: section.name,
      })),
    );
    expect(manifest.documents.map(({ issuingOrgans: _, writtenDate: __, page: ___, endPage: ____, ...rest }) => rest)).toEqual(
      expected,
    );
    expect(manifest.documents.map((d) => [d.page, d.endPage])).toEqual(layout.documents.map((d) => [d.startPage, d.endPage]));
    expect(manifest.sections.map((s) => s.name)).toEqual(['规章', '规范性文件', '其他']);
    expect(manifest.errata).toEqual([
      {
        ...issue.errata[0],
        originalIssue: { year: 2026, number: 3, total: 126, issueId: '2026-03' },
        page: layout.errata[0]!.startPage,
      },
    ]);
  });

  it('is the same bytes every time, and ends with a newline', () => {
    const first = renderIssueManifest(issue, layout, sha256);
    expect(renderIssueManifest(corpusIssue(), layout, `sha256:${sha256}`)).toBe(first);
    expect(first.endsWith('}\n')).toBe(true);
  });

  it('refuses a layout that does not belong to the issue', () => {
    expect(() => renderIssueManifest(issue, { ...layout, documents: layout.documents.slice(1) }, sha256)).toThrow(
      /render the PDF/,
    );
  });

  it('names issues with two-digit numbers and their running total', () => {
    expect(issueId({ year: 2026, number: 5 })).toBe('2026-05');
    expect(issueId({ year: 2026, number: 12 })).toBe('2026-12');
    expect(issueLabel({ year: 2026, number: 12, total: 135 })).toBe('2026年第12期（总第135期）');
  });

  it('hands the service every output of a closing with its key, its content type and the PDF hash the manifest cites', async () => {
    const { outputs, pdfSha256 } = await renderIssueOutputs(issue, { archiveUrl: '../../archive/index.html' });
    expect(pdfSha256).toBe(sha256);
    expect(outputs.map((o) => [o.key, o.contentType]).slice(0, 4)).toEqual([
      ['issues/2026-05/gazette.pdf', 'application/pdf'],
      ['issues/2026-05/manifest.json', 'application/json'],
      ['issues/2026-05/index.html', 'text/html; charset=utf-8'],
      ['issues/2026-05/mobile.html', 'text/html; charset=utf-8'],
    ]);
    expect(outputs.slice(4).map((o) => o.key)).toEqual(
      layout.documents.map((d) => `issues/2026-05/documents/${d.documentId}.html`),
    );
    expect(createHash('sha256').update(outputs[0]!.body).digest('hex')).toBe(sha256);
    expect((JSON.parse(outputs[1]!.body.toString('utf8')) as IssueManifest).pdf.sha256).toBe(sha256);
  });
});
