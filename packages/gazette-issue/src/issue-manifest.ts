import { chineseDate, type GazetteIssue, type IssueLayout, issueId, issueLabel, printedSections } from './issue.js';

/** issues/<YYYY>-<NN>/manifest.json: what a closed issue carries, exactly, for the archive and the ops audit. */
export interface IssueManifest {
  version: 'v1';
  issueId: string;
  gazetteTitle: string;
  year: number;
  number: number;
  total: number;
  /** 2026年第12期（总第N期） */
  label: string;
  publishedOn: string;
  closedAt: string;
  pdf: { sha256: string; pageCount: number };
  sections: Array<{ name: string; documentIds: string[] }>;
  documents: Array<{
    documentId: string;
    revision: number;
    fingerprint: string;
    title: string;
    docNumber: string | null;
    issuingOrgans: string[];
    writtenDate: string | null;
    section: string;
    /** the PDF page the document starts on, as the TOC prints it (the cover is page 1) */
    page: number;
    endPage: number;
  }>;
  errata: Array<{
    id: string;
    text: string;
    documentId: string;
    correctedRevision: number;
    originalIssue: { year: number; number: number; total: number; issueId: string };
    portalUrl: string;
    page: number | null;
  }>;
}

/** The manifest's bytes: fixed key order, two-space indent, a final newline; the same issue always gives the same bytes. */
export function renderIssueManifest(issue: GazetteIssue, layout: IssueLayout, pdfSha256: string): string {
  const placed = new Map(layout.documents.map((d) => [d.documentId, d]));
  const errataPages = new Map(layout.errata.map((e) => [e.erratumId, e.startPage]));
  const sections = printedSections(issue);
  const manifest: IssueManifest = {
    version: 'v1',
    issueId: issueId(issue),
    gazetteTitle: issue.gazetteTitle,
    year: issue.year,
    number: issue.number,
    total: issue.total,
    label: issueLabel(issue),
    publishedOn: issue.publishedOn,
    closedAt: issue.closedAt,
    pdf: { sha256: pdfSha256.replace(/^sha256:/, ''), pageCount: layout.pageCount },
    sections: sections.map((s) => ({ name: s.name, documentIds: s.documents.map((d) => d.revision.documentId) })),
    documents: sections.flatMap((section) =>
      section.documents.map(({ revision, fingerprint }) => {
        const at = placed.get(revision.documentId);
        if (at === undefined)
          throw new Error(`layout has no page for ${revision.documentId}: render the PDF of this issue first`);
        return {
          documentId: revision.documentId,
          revision: revision.revision,
          fingerprint,
          title: revision.title,
          docNumber: revision.docNumber,
          issuingOrgans: [...revision.issuingOrgans],
          writtenDate: revision.writtenDate,
          section: section.name,
          page: at.startPage,
          endPage: at.endPage,
        };
      }),
    ),
    errata: issue.errata.map((erratum) => ({
      id: erratum.id,
      text: erratum.text,
      documentId: erratum.documentId,
      correctedRevision: erratum.correctedRevision,
      originalIssue: { ...erratum.originalIssue, issueId: issueId(erratum.originalIssue) },
      portalUrl: erratum.portalUrl,
      page: errataPages.get(erratum.id) ?? null,
    })),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** 2026年12月5日出版 — the cover line, shared by the HTML pages. */
export const publishedLine = (issue: Pick<GazetteIssue, 'publishedOn'>): string => `${chineseDate(issue.publishedOn)}出版`;
