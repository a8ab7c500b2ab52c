// The typesetting primitives over pdfkit: A4 pages, a moving cursor, our own line breaking (breakLines) drawn line
// by line, so page breaks, 首行缩进 and justification are decided here and never by pdfkit's wrapper.
import { type FontName, fontFaces, fontPath } from './fonts.js';
import { type BrokenLine, breakLines, type TextRun } from './line-breaker.js';

export const PAGE = { width: 595.28, height: 841.89 } as const;
/** 38 characters of 12 pt body text a line, centred on the page. */
export const TEXT_WIDTH = 456;
export const MARGIN = { left: (PAGE.width - TEXT_WIDTH) / 2, top: 84, bottom: 76 } as const;
export const BODY_SIZE = 12;

export type Align = 'justify' | 'start' | 'center' | 'end';

/**
 * OpenType features off: Chinese text needs no shaping, ligatures (fi) would merge what pdftotext must give back
 * letter by letter, and kerning would make drawn widths differ from measured ones. It also skips fontkit's costly
 * contextual lookups on every line.
 */
const NO_FEATURES = Object.fromEntries(
  [
    'rvrn',
    'ltra',
    'ltrm',
    'frac',
    'numr',
    'dnom',
    'ccmp',
    'locl',
    'rlig',
    'mark',
    'mkmk',
    'calt',
    'clig',
    'liga',
    'rclt',
    'curs',
    'kern',
  ].map((tag) => [tag, false]),
) as unknown as PDFKit.Mixins.TextOptions['features'];

export interface ParagraphStyle {
  size: number;
  /** line pitch as a multiple of the size */
  leading: number;
  firstIndent?: number;
  indent?: number;
  align?: Align;
  spaceBefore?: number;
  spaceAfter?: number;
  /** lines of what follows that must share the page (headings keep with their text) */
  keepWithNext?: number;
  color?: string;
}

export type Structure = PDFKit.PDFStructureElement;

/** Where drawn text goes in the tagged PDF: a new structure element of `type` under `parent`, or an artifact. */
export type Role = { parent: Structure; type: string } | 'artifact';

export interface PlacedLine {
  page: number;
  y: number;
  /** x where the line's text ends */
  endX: number;
}

export class PageWriter {
  readonly doc: PDFKit.PDFDocument;
  y: number = MARGIN.top;
  private readonly widths = new Map<string, number>();
  private onNewPage: () => void = () => {};

  constructor(doc: PDFKit.PDFDocument) {
    this.doc = doc;
    for (const name of Object.keys(fontFaces) as FontName[]) {
      doc.registerFont(name, fontPath(name), fontFaces[name].postscriptName);
    }
  }

  /** Width in em of a string: summed per character, cached, so measuring 200 pages costs little. */
  readonly measure = (font: string, text: string): number => {
    let total = 0;
    for (const char of text) {
      const key = `${font}\u0000${char}`;
      let width = this.widths.get(key);
      if (width === undefined) {
        width = this.doc.font(font).fontSize(1000).widthOfString(char, { features: NO_FEATURES }) / 1000;
        this.widths.set(key, width);
      }
      total += width;
    }
    return total;
  };

  get bottom(): number {
    return PAGE.height - MARGIN.bottom;
  }

  /** 1-based number of the page being written. */
  get pageNumber(): number {
    const range = this.doc.bufferedPageRange();
    return range.start + range.count;
  }

  whenPageAdded(callback: () => void): void {
    this.onNewPage = callback;
  }

  /** A structure element under `parent` (null: the document's root), for reading order and roles in the tagged PDF. */
  element(parent: Structure | null, type: string, options: { alt?: string; title?: string } = {}): Structure {
    const element = this.doc.struct(type, options);
    if (parent === null) this.doc.addStructure(element);
    else parent.add(element);
    return element;
  }

  /** Marks what `draw` paints on the current page as content of `element`. */
  mark<T>(element: Structure, tag: string, draw: () => T): T {
    const content = this.doc.markStructureContent(tag);
    const result = draw();
    this.doc.endMarkedContent();
    element.add(content);
    return result;
  }

  /** Marks what `draw` paints as an artifact (rules, borders, running heads): not read aloud, not in the structure. */
  artifact(draw: () => void, type: 'Layout' | 'Pagination' = 'Layout'): void {
    this.doc.markContent('Artifact', { type });
    draw();
    this.doc.endMarkedContent();
  }

  newPage(): void {
    this.doc.addPage({ size: 'A4', margin: 0 });
    this.y = MARGIN.top;
    this.onNewPage();
  }

  /** A new page unless `height` still fits below the cursor. */
  ensure(height: number): void {
    if (this.y + height > this.bottom + 0.01) this.newPage();
  }

  lines(runs: readonly TextRun[], style: ParagraphStyle, width = TEXT_WIDTH): BrokenLine[] {
    return breakLines(runs, {
      size: style.size,
      width,
      firstIndent: style.firstIndent ?? 0,
      indent: style.indent ?? 0,
      measure: this.measure,
    });
  }

  /** Draws one line with its baseline `pitch` below `top`, justified to `width` unless it is the last. */
  drawLine(line: BrokenLine, x: number, top: number, style: ParagraphStyle, width = TEXT_WIDTH): number {
    const { size } = style;
    const pitch = size * style.leading;
    const align = style.align ?? 'justify';
    const available = width - line.indent;
    const chars = line.pieces.reduce((n, piece) => n + piece.text.length, 0);
    let spacing = 0;
    if (align === 'justify' && !line.last && chars > 1) {
      const extra = (available - line.width) / (chars - 1);
      // A line that would need wide gaps (a long word pushed down) stays ragged rather than spaced out.
      spacing = extra > 0 && extra < size * 0.3 ? extra : 0;
    }
    let cursor = x + line.indent;
    if (align === 'center') cursor = x + line.indent + (available - line.width) / 2;
    if (align === 'end') cursor = x + width - line.width;
    // The ideographic em box sits centred in the line: baseline at 0.88 em below its top.
    const baseline = top + (pitch - size) / 2 + size * 0.88;
    this.doc.fillColor(style.color ?? '#000000');
    for (const piece of line.pieces) {
      this.doc.font(piece.font).fontSize(size).text(piece.text, cursor, baseline, {
        lineBreak: false,
        baseline: 'alphabetic',
        characterSpacing: spacing,
        features: NO_FEATURES,
      });
      cursor += piece.width + spacing * piece.text.length;
    }
    return cursor - spacing;
  }

  /** A paragraph at the cursor, breaking pages between lines (never leaving a single line of it behind). */
  paragraph(runs: readonly TextRun[], style: ParagraphStyle, role: Role): PlacedLine[] {
    const pitch = style.size * style.leading;
    const element = role === 'artifact' ? null : this.element(role.parent, role.type);
    const lines = this.lines(runs, style);
    this.y += style.spaceBefore ?? 0;
    const keep = Math.min(lines.length, 2) + (style.keepWithNext ?? 0);
    if (this.y + keep * pitch > this.bottom + 0.01) this.newPage();
    const placed: PlacedLine[] = [];
    lines.forEach((line, i) => {
      const remaining = lines.length - i;
      // No widow: the last line of a paragraph does not start a page alone.
      const need = remaining === 2 ? 2 * pitch : pitch;
      if (this.y + need > this.bottom + 0.01 && i > 0) this.newPage();
      let endX = 0;
      const draw = () => {
        endX = this.drawLine(line, MARGIN.left, this.y, style);
      };
      if (element === null || role === 'artifact') this.artifact(draw);
      else this.mark(element, role.type, draw);
      placed.push({ page: this.pageNumber, y: this.y, endX });
      this.y += pitch;
    });
    this.y += style.spaceAfter ?? 0;
    return placed;
  }

  rule(y: number, color = '#000000', width = 0.75, x = MARGIN.left, length = TEXT_WIDTH): void {
    this.artifact(() => {
      this.doc
        .save()
        .lineWidth(width)
        .strokeColor(color)
        .moveTo(x, y)
        .lineTo(x + length, y)
        .stroke()
        .restore();
    });
  }
}
