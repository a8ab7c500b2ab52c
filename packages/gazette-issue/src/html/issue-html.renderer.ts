import type { DocumentRevision } from '@tongyuan/contracts';
import {
  chineseDate,
  erratumAnchor,
  erratumHeading,
  type GazetteIssue,
  type IssueLayout,
  issueId,
  issueLabel,
  printedSections,
} from '../issue.js';
import { publishedLine } from '../issue-manifest.js';
import { attachmentHref, bodyViews } from './body-blocks.js';
import { gazetteCss, type PageFrame, renderTemplate } from './templates.js';

/** The S3 keys of an issue's outputs (bucket tongyuan-gazette), as the archive and the ops audit expect them. */
export const issueKeys = (issue: { year: number; number: number }) => {
  const prefix = `issues/${issueId(issue)}/`;
  return {
    prefix,
    manifest: `${prefix}manifest.json`,
    pdf: `${prefix}gazette.pdf`,
    desktop: `${prefix}index.html`,
    mobile: `${prefix}mobile.html`,
    document: (documentId: string) => `${prefix}${issueDocumentPath(documentId)}`,
  };
};

/** A document's page, relative to the issue's folder. */
export const issueDocumentPath = (documentId: string): string => `documents/${documentId}.html`;

// Links given by the caller may be relative to the issue folder; document pages sit one folder deeper.
const fromDocumentFolder = (href: string): string => (/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(href) ? href : `../${href}`);

const portalDocumentUrl = (issue: GazetteIssue, documentId: string): string => `${issue.portalBaseUrl}/documents/${documentId}/`;

const shortFingerprint = (fingerprint: string): string => fingerprint.replace(/^sha256:/, '').slice(0, 12);

const metadataOf = (revision: DocumentRevision) => [
  { label: '发文机关', value: revision.issuingOrgans.join('、') },
  { label: '发文字号', value: revision.docNumber ?? '无' },
  { label: '成文日期', value: revision.writtenDate === null ? '未注明' : chineseDate(revision.writtenDate) },
  { label: '索引号', value: revision.indexNumber },
];

/**
 * The issue's HTML: desktop and mobile TOC pages (links to each document, its PDF page), and one page per document
 * carrying tongyuan:document-id/revision/fingerprint and its text in data-tongyuan-text elements. Links given in
 * `links` may be absolute, root-relative or relative to the issue's folder.
 */
export function renderIssueHtml(
  issue: GazetteIssue,
  layout: IssueLayout,
  links: { pdfUrl: string; archiveUrl: string },
): { desktop: string; mobile: string; documents: Map<string, string> } {
  const label = issueLabel(issue);
  const pages = new Map(layout.documents.map((d) => [d.documentId, d]));
  const sections = printedSections(issue);
  const issueMetas = [
    { name: 'tongyuan:issue-id', content: issueId(issue) },
    { name: 'tongyuan:issue-total', content: String(issue.total) },
  ];
  const frame = (overrides: Partial<PageFrame> & Pick<PageFrame, 'htmlTitle' | 'nav'>): PageFrame => ({
    gazetteTitle: issue.gazetteTitle,
    subtitle: label,
    homeHref: links.archiveUrl,
    bodyClass: 'desktop',
    metas: issueMetas,
    alternates: [],
    css: gazetteCss,
    ...overrides,
  });
  const pageOf = (documentId: string): number => {
    const placed = pages.get(documentId);
    if (placed === undefined) throw new Error(`layout has no page for ${documentId}: render the PDF of this issue first`);
    return placed.startPage;
  };

  const tocPage = (mobile: boolean): string =>
    renderTemplate('issue-toc', {
      page: frame({
        htmlTitle: `${label} - ${issue.gazetteTitle}${mobile ? '（手机版）' : ''}`,
        bodyClass: mobile ? 'mobile' : 'desktop',
        alternates: mobile ? [] : [{ media: 'only screen and (max-width: 640px)', href: 'mobile.html' }],
        nav: [
          { label: '本期目录', href: mobile ? 'mobile.html' : 'index.html', current: true },
          { label: '往期公报', href: links.archiveUrl, current: false },
          { label: '下载 PDF', href: links.pdfUrl, current: false },
        ],
      }),
      label,
      publishedLine: publishedLine(issue),
      documentCount: layout.documents.length,
      pageCount: layout.pageCount,
      pdfUrl: links.pdfUrl,
      switchHref: mobile ? 'index.html' : 'mobile.html',
      switchLabel: mobile ? '电脑版' : '手机版',
      showPages: !mobile,
      sections: sections.map((section) => ({
        name: section.name,
        entries: section.documents.map(({ revision }) => ({
          href: issueDocumentPath(revision.documentId),
          title: revision.title,
          docNumber: revision.docNumber,
          organs: revision.issuingOrgans.join('、'),
          page: pageOf(revision.documentId),
        })),
      })),
      errata: issue.errata.map((erratum) => ({
        anchor: erratumAnchor(erratum.id),
        heading: erratumHeading(erratum),
        text: erratum.text,
        portalUrl: erratum.portalUrl,
      })),
    });

  const ordered = sections.flatMap((section) => section.documents.map((d) => ({ ...d, section: section.name })));
  const documents = new Map<string, string>();
  ordered.forEach(({ revision, fingerprint, section }, i) => {
    const neighbour = (at: number) => {
      const other = ordered[at];
      return other === undefined ? null : { href: `${other.revision.documentId}.html`, title: other.revision.title };
    };
    const pdfUrl = fromDocumentFolder(links.pdfUrl);
    const archiveUrl = fromDocumentFolder(links.archiveUrl);
    documents.set(
      revision.documentId,
      renderTemplate('issue-document', {
        page: frame({
          htmlTitle: `${revision.title} - ${label} - ${issue.gazetteTitle}`,
          homeHref: archiveUrl,
          metas: [
            { name: 'tongyuan:document-id', content: revision.documentId },
            { name: 'tongyuan:revision', content: String(revision.revision) },
            { name: 'tongyuan:fingerprint', content: fingerprint },
            ...issueMetas,
          ],
          nav: [
            { label: '本期目录', href: '../index.html', current: false },
            { label: '往期公报', href: archiveUrl, current: false },
            { label: '下载 PDF', href: pdfUrl, current: false },
          ],
        }),
        archiveUrl,
        issueHref: '../index.html',
        label,
        section,
        title: revision.title,
        metadata: metadataOf(revision),
        blocks: bodyViews(revision.body, revision.attachments, issue.portalBaseUrl),
        attachments: revision.attachments.map((a) => ({ href: attachmentHref(a, issue.portalBaseUrl), title: a.title })),
        startPage: pageOf(revision.documentId),
        revision: revision.revision,
        fingerprintShort: shortFingerprint(fingerprint),
        portalUrl: portalDocumentUrl(issue, revision.documentId),
        pdfUrl,
        previous: neighbour(i - 1),
        next: neighbour(i + 1),
      }),
    );
  });
  return { desktop: tocPage(false), mobile: tocPage(true), documents };
}
