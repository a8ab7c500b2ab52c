import { createHash } from 'node:crypto';
import { issueKeys, renderIssueHtml } from './html/issue-html.renderer.js';
import type { GazetteIssue, IssueLayout } from './issue.js';
import { renderIssueManifest } from './issue-manifest.js';
import { type IssuePdfOptions, renderIssuePdf } from './pdf/issue-pdf.renderer.js';

export interface IssueOutput {
  /** S3 key in the gazette bucket, under issues/<YYYY>-<NN>/ */
  key: string;
  body: Buffer;
  contentType: string;
}

/**
 * Everything a closing writes, in one call: the PDF, its manifest (with the PDF's sha256), the desktop and mobile
 * TOC pages and one page per document, each with its key. Links in the HTML are relative to the issue's folder.
 */
export async function renderIssueOutputs(
  issue: GazetteIssue,
  links: { archiveUrl: string },
  options: IssuePdfOptions = {},
): Promise<{ layout: IssueLayout; pdfSha256: string; outputs: IssueOutput[] }> {
  const keys = issueKeys(issue);
  const { pdf, layout } = await renderIssuePdf(issue, options);
  const pdfSha256 = createHash('sha256').update(pdf).digest('hex');
  const html = renderIssueHtml(issue, layout, { pdfUrl: 'gazette.pdf', archiveUrl: links.archiveUrl });
  const page = (key: string, text: string): IssueOutput => ({
    key,
    body: Buffer.from(text, 'utf8'),
    contentType: 'text/html; charset=utf-8',
  });
  return {
    layout,
    pdfSha256,
    outputs: [
      { key: keys.pdf, body: pdf, contentType: 'application/pdf' },
      {
        key: keys.manifest,
        body: Buffer.from(renderIssueManifest(issue, layout, pdfSha256), 'utf8'),
        contentType: 'application/json',
      },
      page(keys.desktop, html.desktop),
      page(keys.mobile, html.mobile),
      ...[...html.documents].map(([documentId, text]) => page(keys.document(documentId), text)),
    ],
  };
}
