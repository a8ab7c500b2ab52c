import type { Attachment, Block, TableBlock, TableMerge } from '@tongyuan/contracts';
import { type AttachmentView, attachmentView, type ImageView, imageView } from './media.js';
import type { SiteConfig } from './site.js';

// The page title is the h1, so 一、 headings are h2, （一） h3, 1. h4, （1） h5.
const headingTags = { 1: 'h2', 2: 'h3', 3: 'h4', 4: 'h5' } as const;

interface HeadingView {
  partial: 'block-heading';
  anchor: string | null;
  tag: 'h2' | 'h3' | 'h4' | 'h5';
  text: string;
}

interface ParagraphView {
  partial: 'block-paragraph';
  anchor: string | null;
  alignClass: string | null;
  /** a run-in heading printed in bold at the start of the paragraph, numbering included */
  leadIn: { anchor: string | null; text: string } | null;
  text: string;
}

interface ListView {
  partial: 'block-list';
  anchor: string | null;
  ordered: boolean;
  items: string[];
}

interface CellView {
  rowSpan: number | null;
  colSpan: number | null;
  lines: string[];
}

interface TableView {
  partial: 'block-table';
  anchor: string | null;
  label: string;
  caption: string | null;
  head: Array<{ cells: CellView[] }>;
  body: Array<{ cells: CellView[] }>;
}

interface AttachmentBlockView {
  partial: 'block-attachment';
  anchor: string | null;
  attachment: AttachmentView | null;
}

export type BlockView = HeadingView | ParagraphView | ListView | TableView | ImageView | AttachmentBlockView;

// Block ids are prefixed so an editor's id can never collide with the page's own ids (main, site-nav…).
const anchorOf = (block: Block): string | null => (block.id === undefined ? null : `block-${block.id}`);

const headingText = (block: Extract<Block, { type: 'heading' }>): string => `${block.numbering ?? ''}${block.text}`;

/** A merge that crosses from the header rows into the body is cut in two: a rowspan cannot leave its row group. */
const mergesWithinSections = (merges: readonly TableMerge[], headerRows: number): TableMerge[] =>
  merges.flatMap((merge) => {
    const end = merge.row + merge.rowSpan;
    if (merge.row >= headerRows || end <= headerRows) return [merge];
    return [
      { ...merge, rowSpan: headerRows - merge.row },
      { ...merge, row: headerRows, rowSpan: end - headerRows },
    ];
  });

const tableView = (block: TableBlock, anchor: string | null, ordinal: number): TableView => {
  const grid = [...block.header, ...block.rows];
  const merges = mergesWithinSections(block.merges ?? [], block.header.length);
  const anchors = new Map<string, TableMerge>();
  const covered = new Set<string>();
  for (const merge of merges) {
    anchors.set(`${merge.row},${merge.col}`, merge);
    for (let r = merge.row; r < merge.row + merge.rowSpan; r++) {
      for (let c = merge.col; c < merge.col + merge.colSpan; c++) {
        if (r !== merge.row || c !== merge.col) covered.add(`${r},${c}`);
      }
    }
  }
  const rowView = (row: readonly string[], r: number) => ({
    cells: row.flatMap((cell, c): CellView[] => {
      if (covered.has(`${r},${c}`)) return [];
      const merge = anchors.get(`${r},${c}`);
      return [
        {
          rowSpan: merge !== undefined && merge.rowSpan > 1 ? merge.rowSpan : null,
          colSpan: merge !== undefined && merge.colSpan > 1 ? merge.colSpan : null,
          lines: cell.split(/\r\n|\r|\n/),
        },
      ];
    }),
  });
  const rows = grid.map(rowView);
  return {
    partial: 'block-table',
    anchor,
    label: block.caption ?? `表格${ordinal}`,
    caption: block.caption ?? null,
    head: rows.slice(0, block.header.length),
    body: rows.slice(block.header.length),
  };
};

/** The body as the templates draw it: run-in headings folded into the paragraph they open, tables as cell grids. */
export const bodyViews = (body: readonly Block[], attachments: readonly Attachment[], config: SiteConfig): BlockView[] => {
  const views: BlockView[] = [];
  let leadIn: ParagraphView['leadIn'] = null;
  let tables = 0;
  body.forEach((block, i) => {
    const anchor = anchorOf(block);
    switch (block.type) {
      case 'heading':
        if (block.runIn === true && body[i + 1]?.type === 'paragraph') {
          leadIn = { anchor, text: headingText(block) };
          return;
        }
        views.push({ partial: 'block-heading', anchor, tag: headingTags[block.level], text: headingText(block) });
        return;
      case 'paragraph':
        views.push({
          partial: 'block-paragraph',
          anchor,
          alignClass: block.align === 'end' ? 'align-end' : block.align === 'center' ? 'align-center' : null,
          leadIn,
          text: block.text,
        });
        leadIn = null;
        return;
      case 'list':
        views.push({ partial: 'block-list', anchor, ordered: block.ordered, items: [...block.items] });
        return;
      case 'table':
        tables += 1;
        views.push(tableView(block, anchor, tables));
        return;
      case 'image':
        views.push(imageView(block, anchor, config));
        return;
      case 'attachment': {
        const attachment = attachments.find((a) => a.id === block.ref);
        views.push({
          partial: 'block-attachment',
          anchor,
          attachment: attachment === undefined ? null : attachmentView(attachment, config),
        });
        return;
      }
    }
  });
  return views;
};
