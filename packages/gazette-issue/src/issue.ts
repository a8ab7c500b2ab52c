import type { DocumentRevision } from '@tongyuan/contracts';

/** One frozen revision an issue carries, with the source fingerprint it was closed with. */
export interface GazetteDocument {
  revision: DocumentRevision;
  fingerprint: string;
}

export interface GazetteSection {
  /** 规章, 规范性文件, 政策解读, 人事任免, 其他 … as the archivists arranged them */
  name: string;
  documents: GazetteDocument[];
}

export interface IssueRef {
  year: number;
  number: number;
  total: number;
}

/** 勘误: a correction to a document printed in a closed issue, printed in a later one. */
export interface Erratum {
  id: string;
  /** the archivist-editable wording */
  text: string;
  documentId: string;
  correctedRevision: number;
  originalIssue: IssueRef;
  /** the corrected text on the portal */
  portalUrl: string;
}

export interface GazetteIssue {
  /** e.g. 自贡市人民政府公报 */
  gazetteTitle: string;
  year: number;
  number: number;
  /** 总第N期, running across years */
  total: number;
  /** IsoDate printed on the cover */
  publishedOn: string;
  /** IsoDateTime: the PDF's CreationDate and ModDate, never the clock, so the bytes are deterministic */
  closedAt: string;
  /** in print order; empty sections are left out of the TOC and the body */
  sections: GazetteSection[];
  /** printed in a 勘误 section after the others */
  errata: Erratum[];
  /** HTML links go to <portalBaseUrl>/documents/<id>/ */
  portalBaseUrl: string;
}

export interface IssueLayoutDocument {
  documentId: string;
  revision: number;
  fingerprint: string;
  title: string;
  section: string;
  /** physical PDF page (the cover is page 1), as printed in the TOC and the page footers */
  startPage: number;
  endPage: number;
}

/** Where everything landed in the PDF: the manifest and the HTML cite these page numbers. */
export interface IssueLayout {
  pageCount: number;
  documents: IssueLayoutDocument[];
  /** the pages of the table of contents */
  tocPages: { start: number; end: number };
  errata: Array<{ erratumId: string; startPage: number }>;
}

/** The name of the 勘误 section, which the issue's errata fill. */
export const ERRATA_SECTION = '勘误';

/** "2026-12": the issue's id in S3 keys, URLs and the delivery target. */
export const issueId = (issue: { year: number; number: number }): string =>
  `${issue.year}-${String(issue.number).padStart(2, '0')}`;

/** 2026年第12期（总第N期） */
export const issueLabel = (issue: IssueRef): string => `${issue.year}年第${issue.number}期（总第${issue.total}期）`;

/** 2026-12-05 → 2026年12月5日, as the 公文 write dates (by hand: no ICU dependence). */
export const chineseDate = (isoDate: string): string => {
  const [year, month, day] = isoDate.slice(0, 10).split('-');
  return `${year}年${Number(month)}月${Number(day)}日`;
};

/** The sections that print: non-empty ones, in order. */
export const printedSections = (issue: GazetteIssue): GazetteSection[] =>
  issue.sections.filter((section) => section.documents.length > 0);

/** The heading an erratum prints under, in the TOC and the outline. */
export const erratumHeading = (erratum: Erratum): string => `关于${issueLabel(erratum.originalIssue)}的勘误`;

/** The id of an erratum's entry on the issue's TOC page (index.html#…), safe for any erratum id. */
export const erratumAnchor = (erratumId: string): string => `erratum-${erratumId.replace(/[^A-Za-z0-9_-]/g, '_')}`;

/** Refuses an issue that cannot be printed as it stands, naming what is wrong; renderers call it first. */
export const assertPrintable = (issue: GazetteIssue): void => {
  const problems: string[] = [];
  if (!Number.isInteger(issue.year) || issue.year < 1000 || issue.year > 9999)
    problems.push(`year ${issue.year} is not a 4-digit year`);
  if (!Number.isInteger(issue.number) || issue.number < 1 || issue.number > 99)
    problems.push(`number ${issue.number} is not 1–99`);
  if (!Number.isInteger(issue.total) || issue.total < 1) problems.push(`total ${issue.total} is not a running number`);
  if (Number.isNaN(Date.parse(issue.closedAt))) problems.push(`closedAt ${issue.closedAt} is not a date-time`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(issue.publishedOn)) problems.push(`publishedOn ${issue.publishedOn} is not a date`);
  const seen = new Set<string>();
  for (const section of issue.sections) {
    for (const { revision } of section.documents) {
      if (seen.has(revision.documentId)) problems.push(`${revision.documentId} is carried twice`);
      seen.add(revision.documentId);
      // The gazette prints released text; a withdrawn revision has none to print.
      if (revision.status === 'withdrawn') problems.push(`${revision.documentId} revision ${revision.revision} is withdrawn`);
    }
  }
  if (problems.length > 0) throw new TypeError(`the issue cannot be printed: ${problems.join('; ')}`);
};
