import { chineseDate, issueLabel } from '../issue.js';
import { gazetteCss, type PageFrame, renderTemplate } from './templates.js';

export interface ArchiveNote {
  kind: 'erratum';
  text: string;
  erratumUrl: string;
  correctedUrl: string;
  documentTitle: string;
}

/**
 * One published issue as the archive lists it: a new one, or a historical one imported from its PDF.
 * URLs are absolute, root-relative, or relative to the archive/ folder (year pages adjust them).
 */
export interface ArchiveIssueSummary {
  year: number;
  number: number;
  total: number;
  publishedOn: string;
  /** the link text, e.g. 自贡市人民政府公报2026年第5期 */
  title: string;
  documentCount: number;
  /** null when the issue has no PDF (a historical issue imported from its text only) */
  pdfUrl: string | null;
  htmlUrl: string;
  /** imported by 历史公报入库 */
  historical: boolean;
  /** errata printed in later issues about this issue's documents */
  notes: ArchiveNote[];
}

/** A year's page, relative to the archive folder: archive/<YYYY>/index.html. */
export const archiveYearPath = (year: number): string => `${year}/index.html`;

// Links given by the caller may be relative to archive/; year pages sit one folder deeper.
const fromYearFolder = (href: string): string => (/^(?:[a-z][a-z0-9+.-]*:|\/|#)/i.test(href) ? href : `../${href}`);

const newestFirst = (a: ArchiveIssueSummary, b: ArchiveIssueSummary) =>
  b.total - a.total || b.year - a.year || b.number - a.number;

/** The archive: an index by year, and a page per year listing its issues with download links and errata notes. */
export function renderArchivePages(
  issues: readonly ArchiveIssueSummary[],
  options: { gazetteTitle: string; searchUrl: string },
): { index: string; years: Map<number, string> } {
  const sorted = [...issues].sort(newestFirst);
  const years = [...new Set(sorted.map((issue) => issue.year))].sort((a, b) => b - a);
  const frame = (htmlTitle: string, subtitle: string, homeHref: string, nested: boolean): PageFrame => ({
    htmlTitle,
    gazetteTitle: options.gazetteTitle,
    subtitle,
    homeHref,
    bodyClass: 'archive',
    metas: [],
    alternates: [],
    css: gazetteCss,
    nav: [
      { label: '往期公报', href: homeHref, current: !nested },
      { label: '全文检索', href: nested ? fromYearFolder(options.searchUrl) : options.searchUrl, current: false },
    ],
  });
  const latest = sorted[0];
  const index = renderTemplate('archive-index', {
    page: frame(`往期公报 - ${options.gazetteTitle}`, '往期公报', 'index.html', false),
    heading: `${options.gazetteTitle} 往期公报`,
    searchUrl: options.searchUrl,
    latest:
      latest === undefined
        ? null
        : {
            label: issueLabel(latest),
            htmlUrl: latest.htmlUrl,
            pdfUrl: latest.pdfUrl,
            publishedLine: `${chineseDate(latest.publishedOn)}出版`,
          },
    years: years.map((year) => {
      const ofYear = sorted.filter((issue) => issue.year === year);
      return { year, href: archiveYearPath(year), issueCount: ofYear.length, historical: ofYear.some((i) => i.historical) };
    }),
  });
  const yearPages = new Map<number, string>();
  for (const year of years) {
    yearPages.set(
      year,
      renderTemplate('archive-year', {
        page: frame(`${year}年 - 往期公报 - ${options.gazetteTitle}`, `${year}年`, '../index.html', true),
        heading: `${options.gazetteTitle} ${year}年`,
        year,
        indexHref: '../index.html',
        issues: sorted
          .filter((issue) => issue.year === year)
          .map((issue) => ({
            label: issueLabel(issue),
            title: issue.title,
            htmlUrl: fromYearFolder(issue.htmlUrl),
            pdfUrl: issue.pdfUrl === null ? null : fromYearFolder(issue.pdfUrl),
            historical: issue.historical,
            publishedLine: `${chineseDate(issue.publishedOn)}出版`,
            documentCount: issue.documentCount,
            notes: issue.notes.map((note) => ({
              ...note,
              erratumUrl: fromYearFolder(note.erratumUrl),
              correctedUrl: note.correctedUrl,
            })),
          })),
      }),
    );
  }
  return { index, years: yearPages };
}
