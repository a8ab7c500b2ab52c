import {
  type CorrectionNotice,
  correctionNoticeOf,
  type DocumentRevision,
  type TableBlock,
  type TableMerge,
} from '@tongyuan/contracts';
import { dateOf } from './html-text.js';

/** 失效 / 废止 banner, the same words as the portal's; null while the document is in force. */
export const validityBannerOf = (revision: DocumentRevision): { heading: string; text: string } | null => {
  const validity = revision.validity;
  if (validity === null || validity.status === '现行有效') return null;
  return validity.status === '失效'
    ? { heading: '本文件已失效', text: `失效日期：${validity.expiredOn}。本文仅供查阅，不再作为依据。` }
    : { heading: '本文件已废止', text: `废止日期：${validity.repealedOn}。本文仅供查阅，不再作为依据。` };
};

export type CorrectionView = CorrectionNotice;

/** When, why and what changed: shown on every carrier of a revision after the first. */
export const correctionOf = correctionNoticeOf;

/** The metadata lines at the top of an article, in 公文 order. */
export const metadataLinesOf = (revision: DocumentRevision): Array<{ label: string; value: string }> => [
  { label: '发文机关', value: revision.issuingOrgans.join('、') },
  ...(revision.docNumber === null ? [] : [{ label: '发文字号', value: revision.docNumber }]),
  ...(revision.writtenDate === null ? [] : [{ label: '成文日期', value: revision.writtenDate }]),
  { label: '发布日期', value: dateOf(revision.publishedAt) },
];

export interface CellView {
  header: boolean;
  rowSpan: number | null;
  colSpan: number | null;
  text: string;
}

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

/** The table as rows of cells to draw: merged cells carry their spans, the cells they cover are left out. */
export const tableGridOf = (block: TableBlock): { head: CellView[][]; body: CellView[][]; columns: number } => {
  const grid = [...block.header, ...block.rows];
  const anchors = new Map<string, TableMerge>();
  const covered = new Set<string>();
  for (const merge of mergesWithinSections(block.merges ?? [], block.header.length)) {
    anchors.set(`${merge.row},${merge.col}`, merge);
    for (let r = merge.row; r < merge.row + merge.rowSpan; r++) {
      for (let c = merge.col; c < merge.col + merge.colSpan; c++) {
        if (r !== merge.row || c !== merge.col) covered.add(`${r},${c}`);
      }
    }
  }
  const rows = grid.map((row, r) =>
    row.flatMap((text, c): CellView[] => {
      if (covered.has(`${r},${c}`)) return [];
      const merge = anchors.get(`${r},${c}`);
      return [
        {
          header: r < block.header.length,
          rowSpan: merge !== undefined && merge.rowSpan > 1 ? merge.rowSpan : null,
          colSpan: merge !== undefined && merge.colSpan > 1 ? merge.colSpan : null,
          text,
        },
      ];
    }),
  );
  return { head: rows.slice(0, block.header.length), body: rows.slice(block.header.length), columns: grid[0]?.length ?? 0 };
};
