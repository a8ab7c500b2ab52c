import type { Attachment, Block, ImageBlock, TableBlock, TableMerge } from '@tongyuan/contracts';

// The document's h1 is its title, so 一、 headings are h2, （一） h3, 1. h4, （1） h5.
const headingTags = { 1: 'h2', 2: 'h3', 3: 'h4', 4: 'h5' } as const;

export type BlockView =
  | { partial: 'block-heading'; tag: string; text: string }
  | { partial: 'block-paragraph'; alignClass: string | null; leadIn: string | null; text: string }
  | { partial: 'block-list'; ordered: boolean; items: string[] }
  | { partial: 'block-table'; label: string; caption: string | null; head: RowView[]; body: RowView[] }
  | { partial: 'block-image'; src: string; width: number; height: number; alt: string; caption: string | null }
  | { partial: 'block-attachment'; href: string; title: string };

interface RowView {
  cells: Array<{ rowSpan: number | null; colSpan: number | null; lines: string[] }>;
}

const headingText = (block: Extract<Block, { type: 'heading' }>): string => `${block.numbering ?? ''}${block.text}`;

const tableView = (block: TableBlock, ordinal: number): Extract<BlockView, { partial: 'block-table' }> => {
  const headerRows = block.header.length;
  // A rowspan cannot leave its row group: a merge crossing from the header into the body is cut in two.
  const merges = (block.merges ?? []).flatMap((m): TableMerge[] => {
    const end = m.row + m.rowSpan;
    if (m.row >= headerRows || end <= headerRows) return [m];
    return [
      { ...m, rowSpan: headerRows - m.row },
      { ...m, row: headerRows, rowSpan: end - headerRows },
    ];
  });
  const anchors = new Map(merges.map((m) => [`${m.row},${m.col}`, m]));
  const covered = new Set<string>();
  for (const m of merges) {
    for (let r = m.row; r < m.row + m.rowSpan; r++) {
      for (let c = m.col; c < m.col + m.colSpan; c++) if (r !== m.row || c !== m.col) covered.add(`${r},${c}`);
    }
  }
  const rows = [...block.header, ...block.rows].map(
    (row, r): RowView => ({
      cells: row.flatMap((cell, c) => {
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
    }),
  );
  return {
    partial: 'block-table',
    label: block.caption ?? `表格${ordinal}`,
    caption: block.caption ?? null,
    head: rows.slice(0, headerRows),
    body: rows.slice(headerRows),
  };
};

/** The portal's copy of an image (its 960 px JPEG or PNG variant): the gazette shows the same picture. */
const portalImageUrl = (block: ImageBlock, portalBaseUrl: string): string => {
  const width = Math.min(960, block.width);
  return `${portalBaseUrl}/media/${block.sha256}-${width}.${block.mediaType === 'image/png' ? 'png' : 'jpg'}`;
};

export const attachmentHref = (attachment: Attachment, portalBaseUrl: string): string => `${portalBaseUrl}/${attachment.key}`;

/** The body as the templates draw it; its visible text is blockText of every block, so the audit compares equal. */
export const bodyViews = (body: readonly Block[], attachments: readonly Attachment[], portalBaseUrl: string): BlockView[] => {
  const views: BlockView[] = [];
  let leadIn: string | null = null;
  let tables = 0;
  body.forEach((block, i) => {
    switch (block.type) {
      case 'heading':
        if (block.runIn === true && body[i + 1]?.type === 'paragraph') {
          leadIn = headingText(block);
          return;
        }
        views.push({ partial: 'block-heading', tag: headingTags[block.level], text: headingText(block) });
        return;
      case 'paragraph':
        views.push({
          partial: 'block-paragraph',
          alignClass: block.align === 'end' ? 'align-end' : block.align === 'center' ? 'align-center' : null,
          leadIn,
          text: block.text,
        });
        leadIn = null;
        return;
      case 'list':
        views.push({ partial: 'block-list', ordered: block.ordered, items: [...block.items] });
        return;
      case 'table':
        tables += 1;
        views.push(tableView(block, tables));
        return;
      case 'image':
        views.push({
          partial: 'block-image',
          src: portalImageUrl(block, portalBaseUrl),
          width: block.width,
          height: block.height,
          alt: block.alt,
          caption: block.caption ?? null,
        });
        return;
      case 'attachment': {
        const attachment = attachments.find((a) => a.id === block.ref);
        if (attachment !== undefined) {
          views.push({ partial: 'block-attachment', href: attachmentHref(attachment, portalBaseUrl), title: attachment.title });
        }
        return;
      }
    }
  });
  return views;
};
