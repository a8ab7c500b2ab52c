import { z } from 'zod';
import { LineText, LocalId, ObjectKey, Sha256Hex } from './identifiers.js';

const CN_NUMERAL = '[一二三四五六七八九十百零]+';
const ARABIC = '[1-9]\\d*';

/** The printed 序号 of each heading level, in the canonical form of GB/T 9704 (full-width brackets). */
export const numberingPatterns = {
  1: new RegExp(`^${CN_NUMERAL}、$`),
  2: new RegExp(`^（${CN_NUMERAL}）$`),
  3: new RegExp(`^${ARABIC}\\.$`),
  4: new RegExp(`^（${ARABIC}）$`),
} as const;

export const HeadingLevel = z.literal([1, 2, 3, 4]).describe('标题层级 heading level: 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）');
export type HeadingLevel = z.infer<typeof HeadingLevel>;

const ANY_NUMBERING = new RegExp(`^(?:${CN_NUMERAL}、|（${CN_NUMERAL}）|${ARABIC}\\.|（${ARABIC}）)$`);

export const HeadingBlock = z
  .strictObject({
    id: LocalId.optional(),
    type: z.literal('heading'),
    level: HeadingLevel,
    numbering: z
      .string()
      .regex(ANY_NUMBERING, '序号 must be in canonical form: 三、 / （三） / 3. / （3） (full-width brackets)')
      .optional()
      .describe('序号 as printed, canonical form 三、 / （三） / 3. / （3）; absent for an unnumbered heading'),
    text: LineText.describe('标题文字 heading text, without its 序号'),
    runIn: z
      .boolean()
      .optional()
      .describe('段首标题 run-in heading: printed at the start of the paragraph that follows it, as 公文 do for （一） items'),
  })
  .superRefine((block, ctx) => {
    // zod runs refinements after format issues too: a malformed 序号 is already reported by its pattern.
    const numbering = block.numbering;
    if (numbering !== undefined && ANY_NUMBERING.test(numbering) && !numberingPatterns[block.level].test(numbering)) {
      const example = { 1: '三、', 2: '（三）', 3: '3.', 4: '（3）' }[block.level];
      ctx.addIssue({
        code: 'custom',
        path: ['numbering'],
        message: `a level-${block.level} heading is numbered like ${example}`,
      });
    }
    if (splitHeadingNumbering(block.text) !== null) {
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'heading text starts with a 序号: put it in numbering' });
    }
  })
  .describe('标题 heading')
  .meta({ id: 'HeadingBlock' });
export type HeadingBlock = z.infer<typeof HeadingBlock>;

export const ParagraphBlock = z
  .strictObject({
    id: LocalId.optional(),
    type: z.literal('paragraph'),
    text: LineText.describe('段落文字 plain text of the paragraph'),
    align: z
      .enum(['start', 'center', 'end'])
      .optional()
      .describe('对齐 alignment; "end" for 落款 (signature and date lines), absent = start'),
  })
  .describe('段落 paragraph')
  .meta({ id: 'ParagraphBlock' });
export type ParagraphBlock = z.infer<typeof ParagraphBlock>;

export const ListBlock = z
  .strictObject({
    id: LocalId.optional(),
    type: z.literal('list'),
    ordered: z.boolean().describe('true: numbered by the renderer; false: bulleted'),
    items: z.array(LineText).min(1).describe('列表项 list items, plain text, without markers'),
  })
  .describe('列表 list')
  .meta({ id: 'ListBlock' });
export type ListBlock = z.infer<typeof ListBlock>;

export const TableMerge = z
  .strictObject({
    row: z.number().int().min(0).describe('top row, counted over header rows then body rows'),
    col: z.number().int().min(0).describe('left column'),
    rowSpan: z.number().int().min(1),
    colSpan: z.number().int().min(1),
  })
  .describe('合并单元格 merged cell: the top-left cell holds the text, the cells it covers are empty strings')
  .meta({ id: 'TableMerge' });
export type TableMerge = z.infer<typeof TableMerge>;

const TableRow = z.array(z.string().describe('单元格 cell text; line breaks allowed'));

export const TableBlock = z
  .strictObject({
    id: LocalId.optional(),
    type: z.literal('table'),
    caption: LineText.optional().describe('表题 table caption'),
    header: z.array(TableRow).describe('表头 header rows (may be none)'),
    rows: z.array(TableRow).min(1).describe('表体 body rows'),
    merges: z.array(TableMerge).optional().describe('合并单元格 merged cells over the grid header + rows'),
  })
  .superRefine((table, ctx) => {
    const grid = [...table.header, ...table.rows];
    const width = grid[0]?.length ?? 0;
    if (width === 0) ctx.addIssue({ code: 'custom', path: ['rows', 0], message: 'a table needs at least one column' });
    // Every row as wide as the first, so renderers and the gazette never guess at missing cells.
    grid.forEach((row, i) => {
      if (row.length === width) return;
      const path = i < table.header.length ? ['header', i] : ['rows', i - table.header.length];
      ctx.addIssue({ code: 'custom', path, message: `row has ${row.length} cells, the table has ${width} columns` });
    });
    const covered = new Set<string>();
    (table.merges ?? []).forEach((merge, m) => {
      const path = ['merges', m];
      if (merge.rowSpan * merge.colSpan === 1) {
        ctx.addIssue({ code: 'custom', path, message: 'a merge must span more than one cell' });
      }
      if (merge.row + merge.rowSpan > grid.length || merge.col + merge.colSpan > width) {
        ctx.addIssue({ code: 'custom', path, message: 'merge reaches outside the table' });
        return;
      }
      for (let r = merge.row; r < merge.row + merge.rowSpan; r++) {
        for (let c = merge.col; c < merge.col + merge.colSpan; c++) {
          if (covered.has(`${r},${c}`)) ctx.addIssue({ code: 'custom', path, message: `merge overlaps another at [${r}][${c}]` });
          covered.add(`${r},${c}`);
          const isAnchor = r === merge.row && c === merge.col;
          // Text hidden under a merge would be screened and fingerprinted but never shown.
          if (!isAnchor && (grid[r]?.[c] ?? '') !== '') {
            const cellPath = r < table.header.length ? ['header', r, c] : ['rows', r - table.header.length, c];
            ctx.addIssue({ code: 'custom', path: cellPath, message: 'cell is covered by a merge and must be empty' });
          }
        }
      }
    });
  })
  .describe('表格 table of plain-text cells')
  .meta({ id: 'TableBlock' });
export type TableBlock = z.infer<typeof TableBlock>;

export const ImageBlock = z
  .strictObject({
    id: LocalId.optional(),
    type: z.literal('image'),
    key: ObjectKey.describe('S3 key of the image'),
    alt: LineText.describe('替代文本 alternative text, required for screen readers (GB/T 37668, WCAG 1.1.1)'),
    caption: LineText.optional().describe('图题 visible caption'),
    width: z.number().int().min(1).describe('width in pixels'),
    height: z.number().int().min(1).describe('height in pixels'),
    mediaType: z
      .enum(['image/jpeg', 'image/png', 'image/gif', 'image/webp'])
      .describe('image media type; raster only, since WeChat and the gazette PDF accept no SVG'),
    size: z.number().int().min(1).describe('size in bytes'),
    sha256: Sha256Hex,
  })
  .describe('图片 image stored in S3')
  .meta({ id: 'ImageBlock' });
export type ImageBlock = z.infer<typeof ImageBlock>;

export const AttachmentBlock = z
  .strictObject({
    id: LocalId.optional(),
    type: z.literal('attachment'),
    ref: LocalId.describe("id of an entry in the revision's attachments"),
  })
  .describe('附件链接 the place in the text where an attachment is offered')
  .meta({ id: 'AttachmentBlock' });
export type AttachmentBlock = z.infer<typeof AttachmentBlock>;

export const Block = z
  .discriminatedUnion('type', [HeadingBlock, ParagraphBlock, ListBlock, TableBlock, ImageBlock, AttachmentBlock])
  .describe('正文块 body block')
  .meta({ id: 'Block' });
export type Block = z.infer<typeof Block>;
export type BlockType = Block['type'];

export const Body = z.array(Block).min(1).describe('正文 body as structured blocks, in reading order');

const LEADING_NUMBERING: ReadonlyArray<{ level: HeadingLevel; pattern: RegExp; canonical: (n: string) => string }> = [
  { level: 1, pattern: new RegExp(`^(${CN_NUMERAL})、`), canonical: (n) => `${n}、` },
  { level: 2, pattern: new RegExp(`^[（(]\\s*(${CN_NUMERAL})\\s*[）)]`), canonical: (n) => `（${n}）` },
  { level: 4, pattern: new RegExp(`^[（(]\\s*(${ARABIC})\\s*[）)]`), canonical: (n) => `（${n}）` },
  // "(?!\d)" keeps 1.5亿元 a number, not a heading.
  { level: 3, pattern: new RegExp(`^(${ARABIC})[.．](?!\\d)`), canonical: (n) => `${n}.` },
];

/**
 * The 序号 at the start of a line, in canonical form, and the rest of the line.
 * Accepts half-width and full-width brackets (（一） and (一)), as real documents mix them.
 */
export const splitHeadingNumbering = (line: string): { level: HeadingLevel; numbering: string; rest: string } | null => {
  const trimmed = line.trimStart();
  for (const { level, pattern, canonical } of LEADING_NUMBERING) {
    const m = pattern.exec(trimmed);
    if (m?.[1] !== undefined) return { level, numbering: canonical(m[1]), rest: trimmed.slice(m[0].length).trimStart() };
  }
  return null;
};

/**
 * Lines to blocks: 一、 lines are headings; （一） 1. （1） lines open with a run-in heading (their first sentence)
 * followed by the rest as a paragraph, as the printed 公文 shows them; everything else is a paragraph.
 */
export const blocksFromParagraphs = (lines: readonly string[]): Block[] => {
  const blocks: Block[] = [];
  for (const line of lines) {
    const heading = splitHeadingNumbering(line);
    if (heading === null) {
      blocks.push({ type: 'paragraph', text: line });
      continue;
    }
    const stop = heading.rest.indexOf('。');
    if (heading.level === 1 || stop === -1 || stop === heading.rest.length - 1) {
      blocks.push({ type: 'heading', level: heading.level, numbering: heading.numbering, text: heading.rest });
      continue;
    }
    blocks.push({
      type: 'heading',
      level: heading.level,
      numbering: heading.numbering,
      text: heading.rest.slice(0, stop + 1),
      runIn: true,
    });
    blocks.push({ type: 'paragraph', text: heading.rest.slice(stop + 1) });
  }
  return blocks.map((block, i) => ({ ...block, id: `b${i + 1}` }));
};
