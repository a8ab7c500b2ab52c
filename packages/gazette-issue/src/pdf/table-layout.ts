// Tables as a ruled grid: columns sized to their text within the text block, cells wrapped (never overflowing),
// merged cells spanning, header rows repeated on every page the table continues on, tall rows split between pages.
import type { TableBlock } from '@tongyuan/contracts';
import type { BrokenLine } from './line-breaker.js';
import { MARGIN, type PageWriter, type ParagraphStyle, type Structure, TEXT_WIDTH } from './page-writer.js';

const CELL: ParagraphStyle = { size: 10.5, leading: 1.5, align: 'start' };
const PAD_X = 4;
const PAD_Y = 3;
const pitch = CELL.size * CELL.leading;

interface CellLayout {
  row: number;
  col: number;
  rowSpan: number;
  colSpan: number;
  header: boolean;
  lines: BrokenLine[];
}

interface TableLayout {
  widths: number[];
  rowHeights: number[];
  cells: CellLayout[];
  /** consecutive rows tied together by row spans: they never part across a page */
  groups: Array<{ first: number; last: number }>;
}

/**
 * Narrow columns keep their natural width (a 责任单位 is not wrapped to save room for a long 任务); the room left is
 * shared by the wide columns in proportion to their text. A table that fits is stretched to the text block.
 */
const columnWidths = (natural: readonly number[]): number[] => {
  const total = natural.reduce((a, b) => a + b, 0);
  if (total <= TEXT_WIDTH) return natural.map((w) => (w / total) * TEXT_WIDTH);
  const fixed = new Set<number>();
  for (;;) {
    const fixedWidth = [...fixed].reduce((sum, c) => sum + natural[c]!, 0);
    const flexible = natural.map((_, c) => c).filter((c) => !fixed.has(c));
    const flexibleTotal = flexible.reduce((sum, c) => sum + natural[c]!, 0);
    const room = TEXT_WIDTH - fixedWidth;
    const share = (c: number) => (natural[c]! / flexibleTotal) * room;
    const fits = flexible.filter((c) => natural[c]! <= room / flexible.length);
    if (fits.length === 0 || fits.length === flexible.length) {
      return natural.map((w, c) => (fixed.has(c) ? w : share(c)));
    }
    for (const c of fits) fixed.add(c);
  }
};

const layoutTable = (writer: PageWriter, block: TableBlock, withRowSpans: boolean): TableLayout => {
  const grid = [...block.header, ...block.rows];
  const columns = grid[0]?.length ?? 0;
  const spans = new Map<string, { rowSpan: number; colSpan: number }>();
  const covered = new Set<string>();
  for (const merge of block.merges ?? []) {
    const rowSpan = withRowSpans ? merge.rowSpan : 1;
    spans.set(`${merge.row},${merge.col}`, { rowSpan, colSpan: merge.colSpan });
    for (let r = merge.row; r < merge.row + rowSpan; r++) {
      for (let c = merge.col; c < merge.col + merge.colSpan; c++) {
        if (r !== merge.row || c !== merge.col) covered.add(`${r},${c}`);
      }
    }
  }
  const fontOf = (row: number) => (row < block.header.length ? 'hei' : 'song');
  const natural = Array.from({ length: columns }, () => 2 * CELL.size + 2 * PAD_X);
  grid.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (covered.has(`${r},${c}`) || (spans.get(`${r},${c}`)?.colSpan ?? 1) > 1) return;
      for (const line of cell.split(/\r\n|\r|\n/)) {
        natural[c] = Math.max(natural[c]!, writer.measure(fontOf(r), line) * CELL.size + 2 * PAD_X);
      }
    });
  });
  const widths = columnWidths(natural);

  const cells: CellLayout[] = [];
  grid.forEach((row, r) => {
    row.forEach((cell, c) => {
      if (covered.has(`${r},${c}`)) return;
      const span = spans.get(`${r},${c}`) ?? { rowSpan: 1, colSpan: 1 };
      const width = widths.slice(c, c + span.colSpan).reduce((a, b) => a + b, 0) - 2 * PAD_X;
      const header = r < block.header.length;
      const lines = cell
        .split(/\r\n|\r|\n/)
        .flatMap((text) => writer.lines([{ font: fontOf(r), text }], { ...CELL, align: header ? 'center' : 'start' }, width));
      cells.push({ row: r, col: c, ...span, header, lines });
    });
  });
  const heightOf = (cell: CellLayout) => cell.lines.length * pitch + 2 * PAD_Y;
  const rowHeights = grid.map((_, r) =>
    Math.max(pitch + 2 * PAD_Y, ...cells.filter((cell) => cell.row === r && cell.rowSpan === 1).map(heightOf)),
  );
  for (const cell of cells.filter((c) => c.rowSpan > 1)) {
    const spanned = rowHeights.slice(cell.row, cell.row + cell.rowSpan).reduce((a, b) => a + b, 0);
    const last = cell.row + cell.rowSpan - 1;
    if (heightOf(cell) > spanned) rowHeights[last] = (rowHeights[last] ?? 0) + heightOf(cell) - spanned;
  }
  const groups: TableLayout['groups'] = [];
  let reach = -1;
  grid.forEach((_, r) => {
    const end = Math.max(r, ...cells.filter((cell) => cell.row === r).map((cell) => cell.row + cell.rowSpan - 1));
    if (r > reach) groups.push({ first: r, last: end });
    else groups[groups.length - 1]!.last = Math.max(groups[groups.length - 1]!.last, end);
    reach = Math.max(reach, end);
  });
  return { widths, rowHeights, cells, groups };
};

/** The table's structure (TR, TH/TD), made as rows are first drawn; a header repeated on a later page is an artifact. */
interface TableTags {
  table: Structure;
  rows: Map<number, Structure>;
  cells: Map<CellLayout, Structure>;
}

/** Draws rows first..last at the cursor; `lineFrom` and `lineCount` cut a tall single row into page-sized slices. */
const drawRows = (
  writer: PageWriter,
  layout: TableLayout,
  first: number,
  last: number,
  tags: TableTags | 'artifact',
  slice?: { lineFrom: number; lineCount: number },
) => {
  const top = writer.y;
  const rowTops: number[] = [];
  let y = top;
  for (let r = first; r <= last; r++) {
    rowTops[r] = y;
    y += slice === undefined ? layout.rowHeights[r]! : slice.lineCount * pitch + 2 * PAD_Y;
  }
  for (const cell of layout.cells.filter((c) => c.row >= first && c.row <= last)) {
    const x = MARGIN.left + layout.widths.slice(0, cell.col).reduce((a, b) => a + b, 0);
    const width = layout.widths.slice(cell.col, cell.col + cell.colSpan).reduce((a, b) => a + b, 0);
    const cellTop = rowTops[cell.row]!;
    const height =
      slice === undefined ? layout.rowHeights.slice(cell.row, cell.row + cell.rowSpan).reduce((a, b) => a + b, 0) : y - cellTop;
    writer.artifact(() => {
      const doc = writer.doc.save().lineWidth(0.5).strokeColor('#333333');
      if (cell.header) doc.rect(x, cellTop, width, height).fillAndStroke('#eeeeee', '#333333');
      else doc.rect(x, cellTop, width, height).stroke();
      doc.restore();
    });
    const lines = slice === undefined ? cell.lines : cell.lines.slice(slice.lineFrom, slice.lineFrom + slice.lineCount);
    const style = { ...CELL, align: cell.header ? 'center' : 'start' } as const;
    const draw = () =>
      lines.forEach((line, i) => {
        writer.drawLine(line, x + PAD_X, cellTop + PAD_Y + i * pitch, style, width - 2 * PAD_X);
      });
    if (lines.length === 0) continue;
    if (tags === 'artifact') {
      writer.artifact(draw);
      continue;
    }
    let row = tags.rows.get(cell.row);
    if (row === undefined) {
      row = writer.element(tags.table, 'TR');
      tags.rows.set(cell.row, row);
    }
    let element = tags.cells.get(cell);
    if (element === undefined) {
      element = writer.element(row, cell.header ? 'TH' : 'TD');
      tags.cells.set(cell, element);
    }
    writer.mark(element, cell.header ? 'TH' : 'TD', draw);
  }
  writer.y = y;
};

export const drawTable = (writer: PageWriter, block: TableBlock, parent: Structure): void => {
  const headerRows = block.header.length;
  const capacity = writer.bottom - MARGIN.top;
  let layout = layoutTable(writer, block, true);
  const headerHeight = layout.rowHeights.slice(0, headerRows).reduce((a, b) => a + b, 0);
  const groupHeight = (g: { first: number; last: number }) =>
    layout.rowHeights.slice(g.first, g.last + 1).reduce((a, b) => a + b, 0);
  // A group of spanned rows taller than a page cannot stay together: print those merges unmerged instead.
  if (layout.groups.some((g) => g.last > g.first && groupHeight(g) > capacity - headerHeight)) {
    layout = layoutTable(writer, block, false);
  }
  writer.y += 4;
  const tags: TableTags = { table: writer.element(parent, 'Table'), rows: new Map(), cells: new Map() };
  if (block.caption !== undefined) {
    writer.paragraph(
      [{ font: 'hei', text: block.caption }],
      { size: 10.5, leading: 1.6, align: 'center', keepWithNext: 2 },
      { parent: tags.table, type: 'Caption' },
    );
  }
  let headerDrawn = false;
  const repeatHeader = () => {
    if (headerRows > 0) drawRows(writer, layout, 0, headerRows - 1, headerDrawn ? 'artifact' : tags);
    headerDrawn = true;
  };
  const bodyGroups = layout.groups.filter((g) => g.first >= headerRows);
  const firstBody = bodyGroups[0];
  writer.ensure(headerHeight + (firstBody === undefined ? 0 : Math.min(groupHeight(firstBody), 3 * pitch)));
  repeatHeader();
  for (const group of bodyGroups) {
    const height = groupHeight(group);
    if (writer.y + height <= writer.bottom + 0.01) {
      drawRows(writer, layout, group.first, group.last, tags);
      continue;
    }
    if (height <= capacity - headerHeight) {
      writer.newPage();
      repeatHeader();
      drawRows(writer, layout, group.first, group.last, tags);
      continue;
    }
    // One row taller than a page: its lines continue on the next pages, under the repeated header.
    const row = group.first;
    const lineTotal = Math.max(...layout.cells.filter((c) => c.row === row).map((c) => c.lines.length));
    let from = 0;
    while (from < lineTotal) {
      let fit = Math.floor((writer.bottom - writer.y - 2 * PAD_Y) / pitch);
      if (fit < 2) {
        writer.newPage();
        repeatHeader();
        fit = Math.floor((writer.bottom - writer.y - 2 * PAD_Y) / pitch);
      }
      const count = Math.min(fit, lineTotal - from);
      drawRows(writer, layout, row, row, tags, { lineFrom: from, lineCount: count });
      from += count;
    }
  }
  writer.y += 8;
};
