// The issue PDF: cover, 目录 with real page numbers, each document from a new page, the 勘误 section, running heads,
// page numbers, bookmarks. The TOC is drawn first with its numbers left blank, and they are filled in once the body
// has been set (pdfkit keeps every page buffered), so the numbers are the pages the documents really start on.
import { createHash } from 'node:crypto';
import { canonicalJson } from '@tongyuan/contracts';
import PDFDocument from 'pdfkit';
import {
  assertPrintable,
  chineseDate,
  ERRATA_SECTION,
  erratumHeading,
  type GazetteIssue,
  type IssueLayout,
  type IssueLayoutDocument,
  issueLabel,
  printedSections,
} from '../issue.js';
import { drawBody, drawDocumentHead, type ImageBytes } from './document-body.js';
import type { TextRun } from './line-breaker.js';
import { BODY_SIZE, MARGIN, PAGE, PageWriter, type PlacedLine, type Structure, TEXT_WIDTH } from './page-writer.js';

export interface IssuePdfOptions {
  /** image bytes (JPEG or PNG) by S3 key; an image without bytes prints as a framed placeholder with its alt text */
  images?: ImageBytes;
}

const RED = '#b40000';
const NUMBER_COLUMN = 36;

/** The issue's own fingerprint: what it carries, so the PDF's /ID changes exactly when the content does. */
const sourceHash = (issue: GazetteIssue): string =>
  createHash('sha256')
    .update(
      canonicalJson({
        gazetteTitle: issue.gazetteTitle,
        year: issue.year,
        number: issue.number,
        total: issue.total,
        publishedOn: issue.publishedOn,
        closedAt: issue.closedAt,
        sections: printedSections(issue).map((s) => ({
          name: s.name,
          documents: s.documents.map((d) => [d.revision.documentId, d.revision.revision, d.fingerprint]),
        })),
        errata: issue.errata,
      }),
    )
    .digest('hex');

interface TocEntry {
  target: { kind: 'document'; documentId: string } | { kind: 'erratum'; erratumId: string };
  line: PlacedLine;
  /** the entry's P in the tagged PDF, which the page number joins once it is known */
  element: Structure;
}

const drawCover = (writer: PageWriter, issue: GazetteIssue, root: Structure): void => {
  const { doc } = writer;
  const cover = writer.element(root, 'Sect', { title: '封面' });
  const as = (type: string) => ({ parent: cover, type });
  writer.y = 150;
  writer.paragraph(
    [{ font: 'heiBold', text: issue.gazetteTitle }],
    { size: 38, leading: 1.3, align: 'center', color: RED },
    as('H1'),
  );
  writer.y += 10;
  writer.rule(writer.y, RED, 2.5);
  writer.rule(writer.y + 5, RED, 0.75);
  writer.y += 24;
  writer.paragraph([{ font: 'hei', text: issueLabel(issue) }], { size: 16, leading: 1.6, align: 'center' }, as('P'));
  writer.paragraph(
    [{ font: 'song', text: `${chineseDate(issue.publishedOn)}出版` }],
    { size: 13, leading: 1.6, align: 'center' },
    as('P'),
  );
  const sections = printedSections(issue);
  const titles = sections.flatMap((s) => s.documents.map((d) => d.revision.title)).slice(0, 8);
  if (titles.length === 0) return;
  writer.y += 56;
  writer.paragraph([{ font: 'heiBold', text: '本期要目' }], { size: 14, leading: 1.8, align: 'center' }, as('H2'));
  writer.y += 6;
  for (const title of titles) {
    writer.paragraph(
      [{ font: 'song', text: title }],
      { size: 11.5, leading: 1.7, align: 'start', firstIndent: 24, indent: 24 },
      as('P'),
    );
  }
  doc.fillColor('#000000');
};

const tocEntryRuns = (title: string, docNumber: string | null): TextRun[] => [
  { font: 'song', text: title },
  ...(docNumber === null ? [] : [{ font: 'song', text: `（${docNumber}）` }]),
];

/** The 目录 with blank page numbers; returns where each entry's last line ended, to number it later. */
const drawToc = (writer: PageWriter, issue: GazetteIssue, root: Structure): TocEntry[] => {
  const entries: TocEntry[] = [];
  writer.y += 8;
  const part = writer.element(root, 'Sect', { title: '目录' });
  writer.paragraph(
    [{ font: 'heiBold', text: '目　录' }],
    { size: 20, leading: 1.6, align: 'center', spaceAfter: 12 },
    { parent: part, type: 'H1' },
  );
  const toc = writer.element(part, 'TOC');
  const entryStyle = { size: 11.5, leading: 1.65, align: 'start', firstIndent: 24, indent: 24 } as const;
  const entry = (runs: TextRun[], target: TocEntry['target']) => {
    const lines = writer.lines(runs, entryStyle, TEXT_WIDTH - NUMBER_COLUMN);
    writer.ensure(lines.length * entryStyle.size * entryStyle.leading);
    const element = writer.element(writer.element(toc, 'TOCI'), 'P');
    let last: PlacedLine | undefined;
    for (const line of lines) {
      const endX = writer.mark(element, 'P', () =>
        writer.drawLine(line, MARGIN.left, writer.y, entryStyle, TEXT_WIDTH - NUMBER_COLUMN),
      );
      last = { page: writer.pageNumber, y: writer.y, endX };
      writer.y += entryStyle.size * entryStyle.leading;
    }
    if (last !== undefined) entries.push({ target, line: last, element });
    writer.y += 2;
  };
  const sectionHead = (name: string) =>
    writer.paragraph(
      [{ font: 'heiBold', text: name }],
      { size: 13, leading: 1.7, align: 'start', spaceBefore: 8, keepWithNext: 1 },
      { parent: writer.element(toc, 'TOCI'), type: 'P' },
    );
  for (const section of printedSections(issue)) {
    sectionHead(section.name);
    for (const { revision } of section.documents) {
      entry(tocEntryRuns(revision.title, revision.docNumber), { kind: 'document', documentId: revision.documentId });
    }
  }
  if (issue.errata.length > 0) {
    sectionHead(ERRATA_SECTION);
    for (const erratum of issue.errata)
      entry([{ font: 'song', text: erratumHeading(erratum) }], { kind: 'erratum', erratumId: erratum.id });
  }
  return entries;
};

/** The section's name over the first page of its first document, as a ruled band. */
const drawSectionBand = (writer: PageWriter, name: string, section: Structure): void => {
  writer.paragraph(
    [{ font: 'heiBold', text: `【${name}】` }],
    { size: 12, leading: 1.6, align: 'start', color: RED },
    { parent: section, type: 'H1' },
  );
  writer.rule(writer.y + 2, RED, 0.75);
  writer.y += 14;
};

const drawErratum = (writer: PageWriter, erratum: GazetteIssue['errata'][number], section: Structure): void => {
  const as = (type: string) => ({ parent: section, type });
  writer.paragraph(
    [{ font: 'heiBold', text: erratumHeading(erratum) }],
    { size: 14, leading: 1.75, align: 'center', spaceBefore: 6, keepWithNext: 2 },
    as('H2'),
  );
  const body = { size: BODY_SIZE, leading: 1.75, firstIndent: 2 * BODY_SIZE } as const;
  for (const text of erratum.text.split(/\r\n|\r|\n/).filter((line) => line.trim() !== '')) {
    writer.paragraph([{ font: 'song', text }], { ...body, align: 'justify' }, as('P'));
  }
  const placed = writer.paragraph(
    [{ font: 'song', text: `更正后的全文：${erratum.portalUrl}` }],
    { ...body, align: 'start' },
    as('P'),
  );
  for (const line of placed) {
    writer.doc.switchToPage(line.page - 1);
    writer.doc.link(MARGIN.left, line.y, TEXT_WIDTH, BODY_SIZE * 1.75, erratum.portalUrl);
  }
  writer.doc.switchToPage(writer.pageNumber - 1);
  writer.y += 10;
};

/** Leader dots and the page number at the end of each TOC entry, linked to the page. */
const numberToc = (writer: PageWriter, entries: TocEntry[], pages: Map<string, number>): void => {
  const { doc } = writer;
  const size = 11.5;
  const pitch = size * 1.65;
  for (const { target, line, element } of entries) {
    const page = pages.get(target.kind === 'document' ? `doc:${target.documentId}` : `err:${target.erratumId}`);
    if (page === undefined) continue;
    doc.switchToPage(line.page - 1);
    const text = String(page);
    const width = writer.measure('song', text) * size;
    const right = MARGIN.left + TEXT_WIDTH;
    const baseline = line.y + (pitch - size) / 2 + size * 0.88;
    const dotsFrom = line.endX + 6;
    const dotsTo = right - width - 6;
    if (dotsTo > dotsFrom) {
      writer.artifact(() => {
        doc.save().lineWidth(0.9).lineCap('round').dash(0.01, { space: 3.5 }).strokeColor('#555555');
        doc
          .moveTo(dotsFrom, baseline - 2.5)
          .lineTo(dotsTo, baseline - 2.5)
          .stroke();
        doc.undash().restore();
      });
    }
    writer.mark(element, 'P', () =>
      doc
        .fillColor('#000000')
        .font('song')
        .fontSize(size)
        .text(text, right - width, baseline, { lineBreak: false, baseline: 'alphabetic' }),
    );
    // pdfkit links to a page by its index; @types/pdfkit only knows URL strings.
    doc.link(MARGIN.left, line.y, TEXT_WIDTH, pitch, (page - 1) as unknown as string);
  }
};

/** 「公报名 · 2026年第12期（总第N期）」 over every page after the cover, and the page number under it. */
const drawRunningHeads = (writer: PageWriter, issue: GazetteIssue): void => {
  const { doc } = writer;
  const head = `${issue.gazetteTitle} · ${issueLabel(issue)}`;
  const range = doc.bufferedPageRange();
  for (let index = 1; index < range.count; index++) {
    doc.switchToPage(index);
    const size = 9;
    const headWidth = writer.measure('hei', head) * size;
    writer.artifact(() => {
      doc.fillColor('#000000').font('hei').fontSize(size);
      doc.text(head, (PAGE.width - headWidth) / 2, 52, { lineBreak: false, baseline: 'alphabetic' });
    }, 'Pagination');
    writer.rule(60, '#000000', 0.6);
    const folio = `— ${index + 1} —`;
    const folioWidth = writer.measure('hei', folio) * size;
    // measure() may switch fonts to fill its cache: set the face again right before drawing.
    writer.artifact(() => {
      doc.fillColor('#000000').font('hei').fontSize(size);
      doc.text(folio, (PAGE.width - folioWidth) / 2, PAGE.height - 44, { lineBreak: false, baseline: 'alphabetic' });
    }, 'Pagination');
  }
};

/**
 * The issue PDF (A4, tagged, zh-CN): cover, 目录 with the real page numbers, each document from a new page, 勘误,
 * running heads and page numbers on every page after the cover, bookmarks, Noto CJK subsets with ToUnicode maps.
 * Byte-deterministic: dates come from closedAt and the file /ID from the issue's content.
 */
export async function renderIssuePdf(
  issue: GazetteIssue,
  options: IssuePdfOptions = {},
): Promise<{ pdf: Buffer; layout: IssueLayout }> {
  assertPrintable(issue);
  const closedAt = new Date(issue.closedAt);
  const label = issueLabel(issue);
  const doc = new PDFDocument({
    autoFirstPage: false,
    bufferPages: true,
    size: 'A4',
    margin: 0,
    pdfVersion: '1.7',
    lang: 'zh-CN',
    displayTitle: true,
    // Tagged: headings, paragraphs, lists, tables and figures in reading order for screen readers; heads are artifacts.
    tagged: true,
    info: {
      Title: `${issue.gazetteTitle} ${label}`,
      Author: issue.gazetteTitle,
      Subject: `${issue.gazetteTitle} ${label}`,
      Creator: 'tongyuan gazette-issue',
      Producer: 'tongyuan gazette-issue (PDFKit)',
      // Dates from the closing, never the clock; the file /ID is derived from the whole info, source hash included.
      CreationDate: closedAt,
      ModDate: closedAt,
      TongyuanSource: `sha256:${sourceHash(issue)}`,
    } as PDFKit.DocumentInfo,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });

  const writer = new PageWriter(doc);
  const images = options.images ?? new Map();
  const root = writer.element(null, 'Document', { title: `${issue.gazetteTitle} ${label}` });
  writer.newPage();
  drawCover(writer, issue, root);

  writer.newPage();
  const tocStart = writer.pageNumber;
  doc.outline.addItem('目录');
  const tocEntries = drawToc(writer, issue, root);
  const tocEnd = writer.pageNumber;

  const pages = new Map<string, number>();
  const documents: IssueLayoutDocument[] = [];
  for (const section of printedSections(issue)) {
    let sectionItem: PDFKit.PDFOutline | null = null;
    const sectionElement = writer.element(root, 'Sect', { title: section.name });
    section.documents.forEach(({ revision, fingerprint }, i) => {
      writer.newPage();
      if (i === 0) {
        sectionItem = doc.outline.addItem(section.name, { expanded: true });
        drawSectionBand(writer, section.name, sectionElement);
      }
      (sectionItem as PDFKit.PDFOutline | null)?.addItem(revision.title);
      const startPage = writer.pageNumber;
      const article = writer.element(sectionElement, 'Art', { title: revision.title });
      drawDocumentHead(writer, revision, article);
      drawBody(writer, revision, images, article);
      pages.set(`doc:${revision.documentId}`, startPage);
      documents.push({
        documentId: revision.documentId,
        revision: revision.revision,
        fingerprint,
        title: revision.title,
        section: section.name,
        startPage,
        endPage: writer.pageNumber,
      });
    });
  }

  const errata: IssueLayout['errata'] = [];
  if (issue.errata.length > 0) {
    writer.newPage();
    const errataItem = doc.outline.addItem(ERRATA_SECTION, { expanded: true });
    const errataElement = writer.element(root, 'Sect', { title: ERRATA_SECTION });
    drawSectionBand(writer, ERRATA_SECTION, errataElement);
    for (const erratum of issue.errata) {
      // Heading and its first lines together, so the page the outline and the TOC name is the heading's.
      writer.ensure(6 * BODY_SIZE * 1.75);
      errataItem.addItem(erratumHeading(erratum));
      pages.set(`err:${erratum.id}`, writer.pageNumber);
      errata.push({ erratumId: erratum.id, startPage: writer.pageNumber });
      drawErratum(writer, erratum, errataElement);
    }
  }

  numberToc(writer, tocEntries, pages);
  drawRunningHeads(writer, issue);
  const pageCount = doc.bufferedPageRange().count;
  doc.end();
  await ended;
  return {
    pdf: Buffer.concat(chunks),
    layout: { pageCount, documents, tocPages: { start: tocStart, end: tocEnd }, errata },
  };
}
