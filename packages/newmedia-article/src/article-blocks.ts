import type { Attachment, Block, DocumentRevision, HeadingBlock, ImageBlock, TableBlock } from '@tongyuan/contracts';
import { type CorrectionView, metadataLinesOf, tableGridOf, validityBannerOf } from './document-notices.js';
import { escapeHtml, linesHtml, shortFingerprint } from './html-text.js';

// Class names refer to article.css; juice turns them into inline styles and the sanitizer drops them.

/** The marker of an element whose text the same-source audit compares with revisionText (never nested). */
const MARK = ' data-tongyuan-text=""';
const mark = (marked: boolean): string => (marked ? MARK : '');

/** Strips the audit markers (as written here or as the sanitizer writes them), for pieces of a summary: not the full text. */
export const unmarked = (html: string): string =>
  // Inside tags only ("<" opens nothing else in escaped or sanitized HTML): the same words typed in the text stay.
  html.replace(/<[a-z][^>]*>/g, (tag) => tag.replace(/ data-tongyuan-text(?:="")?(?=[\s/>])/, ''));

const headingText = (block: HeadingBlock): string => `${block.numbering ?? ''}${block.text}`;

// Tables wider than three columns get a minimum width and scroll sideways in their own box, so a phone shows
// readable cells rather than one character per line.
const WIDE_TABLE_COLUMNS = 4;

const tableHtml = (block: TableBlock): string => {
  const { head, body, columns } = tableGridOf(block);
  const row = (cells: ReturnType<typeof tableGridOf>['body'][number]) =>
    `<tr>${cells
      .map((cell) => {
        const tag = cell.header ? 'th' : 'td';
        const spans = `${cell.rowSpan === null ? '' : ` rowspan="${cell.rowSpan}"`}${cell.colSpan === null ? '' : ` colspan="${cell.colSpan}"`}`;
        return `<${tag} class="${tag}"${spans}>${linesHtml(cell.text)}</${tag}>`;
      })
      .join('')}</tr>`;
  const caption = block.caption === undefined ? '' : `<p class="table-caption">${escapeHtml(block.caption)}</p>`;
  const thead = head.length === 0 ? '' : `<thead>${head.map(row).join('')}</thead>`;
  const tableClass = columns >= WIDE_TABLE_COLUMNS ? 'table-wide' : 'table';
  return `<section class="table-scroll"${MARK}>${caption}<table class="${tableClass}">${thead}<tbody>${body.map(row).join('')}</tbody></table></section>`;
};

const imageHtml = (block: ImageBlock, src: string | null): string => {
  const caption = block.caption === undefined ? '' : `<p class="caption"${MARK}>${escapeHtml(block.caption)}</p>`;
  const img = src === null ? '' : `<img class="img" src="${escapeHtml(src)}" alt="${escapeHtml(block.alt)}">`;
  return img === '' && caption === '' ? '' : `<section class="figure">${img}${caption}</section>`;
};

const attachmentHtml = (attachment: Attachment | undefined): string =>
  attachment === undefined
    ? ''
    : `<p class="attachment">附件：<span${MARK}>${escapeHtml(attachment.title)}</span>（请点击“阅读原文”到政府网站下载）</p>`;

/**
 * One piece of HTML per visible block, in order: a run-in heading is folded into the paragraph it opens, as the
 * printed 公文 shows it. Each piece is one complete element, so a summary can be cut between any two.
 */
export const blockPieces = (
  revision: DocumentRevision,
  imageSrc: (image: ImageBlock) => string | null,
): Array<{ block: Block; html: string }> => {
  const pieces: Array<{ block: Block; html: string }> = [];
  let leadIn = '';
  revision.body.forEach((block, i) => {
    switch (block.type) {
      case 'heading':
        if (block.runIn === true && revision.body[i + 1]?.type === 'paragraph') {
          leadIn = `<span class="lead-in">${escapeHtml(headingText(block))}</span>`;
          return;
        }
        pieces.push({ block, html: `<p class="h${block.level}"${MARK}>${escapeHtml(headingText(block))}</p>` });
        return;
      case 'paragraph': {
        const align = block.align === 'end' ? 'p-end' : block.align === 'center' ? 'p-center' : 'p';
        pieces.push({ block, html: `<p class="${align}"${MARK}>${leadIn}${escapeHtml(block.text)}</p>` });
        leadIn = '';
        return;
      }
      case 'list': {
        const tag = block.ordered ? 'ol' : 'ul';
        const items = block.items.map((item) => `<li class="li">${escapeHtml(item)}</li>`).join('');
        pieces.push({ block, html: `<${tag} class="list"${MARK}>${items}</${tag}>` });
        return;
      }
      case 'table':
        pieces.push({ block, html: tableHtml(block) });
        return;
      case 'image':
        pieces.push({ block, html: imageHtml(block, imageSrc(block)) });
        return;
      case 'attachment':
        pieces.push({ block, html: attachmentHtml(revision.attachments.find((a) => a.id === block.ref)) });
        return;
    }
  });
  return pieces;
};

/** Full official title (always, as the printed document has it: WeChat's own title may be a shortened one) and metadata. */
export const headHtml = (revision: DocumentRevision, marked: boolean): string =>
  `<section class="doc-head"><p class="doc-title"${mark(marked)}>${escapeHtml(revision.title)}</p>${metadataLinesOf(revision)
    .map((line) => `<p class="doc-meta">${escapeHtml(line.label)}：${escapeHtml(line.value)}</p>`)
    .join('')}</section>`;

export const validityBannerHtml = (revision: DocumentRevision): string => {
  const banner = validityBannerOf(revision);
  return banner === null
    ? ''
    : `<section class="banner"><p class="banner-heading">${banner.heading}</p><p class="banner-text">${escapeHtml(banner.text)}</p></section>`;
};

const changesHtml = (changes: readonly string[]): string =>
  changes.map((change) => `<p class="notice-item">· ${escapeHtml(change)}</p>`).join('');

/** The revision's own correction note (when, why, what changed). */
export const correctionHtml = (correction: CorrectionView | null): string =>
  correction === null
    ? ''
    : `<section class="notice"><p class="notice-heading">${correction.heading}</p><p class="notice-text">本文于 ${escapeHtml(
        correction.changedAtText,
      )} ${correction.verb}，现为第 ${correction.revision} 版（替代第 ${correction.previousRevision} 版）。</p><p class="notice-text">原因：${escapeHtml(
        correction.reason,
      )}</p><p class="notice-text">修改内容：</p>${changesHtml(correction.changes)}</section>`;

/** The notice that opens a correction article: it names and links the article it corrects. */
export const correctionNoticeHtml = (
  correction: CorrectionView,
  original: { title: string; url: string | null; revision: number },
): string => {
  const originalName = `《${escapeHtml(original.title)}》`;
  const originalRef =
    original.url === null ? originalName : `<a class="link" href="${escapeHtml(original.url)}">${originalName}</a>`;
  return `<section class="notice"><p class="notice-heading">${correction.heading}</p><p class="notice-text">本号此前发布的${originalRef}（第 ${
    original.revision
  } 版）已于 ${escapeHtml(correction.changedAtText)} ${correction.verb}，现为第 ${correction.revision} 版，以本文为准。</p><p class="notice-text">原因：${escapeHtml(
    correction.reason,
  )}</p><p class="notice-text">修改内容：</p>${changesHtml(correction.changes)}<p class="notice-text">${
    original.url === null ? '' : `原文链接：<a class="link" href="${escapeHtml(original.url)}">${originalName}</a>。`
  }${correction.verb}后的文本如下。</p></section>`;
};

export const summaryNoteHtml = (portalUrl: string, totalCharacters: number, withToc: boolean): string =>
  `<section class="summary-note">本文全文约 ${totalCharacters} 字，超出微信图文的篇幅，以下为正文前部${withToc ? '和目录' : ''}。完整正文请点击文末“阅读原文”，或访问<a class="link" href="${escapeHtml(
    portalUrl,
  )}">政府网站上的全文</a>。</section>`;

/** 目录 of the headings; level 2 too when `withSubheadings`. */
export const tocHtml = (revision: DocumentRevision, withSubheadings: boolean, limit: number): string => {
  const headings = revision.body.filter(
    (block): block is HeadingBlock => block.type === 'heading' && block.runIn !== true && (block.level === 1 || withSubheadings),
  );
  if (headings.length === 0) return '';
  const shown = headings.slice(0, limit);
  const more = headings.length > shown.length ? '<p class="toc-item">……（其余见全文）</p>' : '';
  return `<section class="toc"><p class="toc-heading">目录</p>${shown
    .map((h) => `<p class="${h.level === 1 ? 'toc-item' : 'toc-item-2'}">${escapeHtml(headingText(h))}</p>`)
    .join('')}${more}</section>`;
};

const relationLabels = { interprets: '解读的政策文件', interpretedBy: '政策解读' } as const;

/** 附件 and 相关文件 (政策解读 both ways) after the text: named here, downloaded and linked on the portal page. */
const appendixHtml = (revision: DocumentRevision): string => {
  const section = (heading: string, items: string[]) =>
    items.length === 0
      ? ''
      : `<section class="appendix"><p class="appendix-heading">${heading}</p>${items
          .map((item) => `<p class="appendix-item">${item}</p>`)
          .join('')}</section>`;
  return `${section(
    '附件（请点击“阅读原文”到政府网站下载）',
    revision.attachments.map((attachment) => escapeHtml(attachment.title)),
  )}${section(
    '相关文件',
    revision.related.map((related) => `${relationLabels[related.relation]}：《${escapeHtml(related.title)}》`),
  )}`;
};

export const footerHtml = (revision: DocumentRevision, fingerprint: string, portalUrl: string): string =>
  `${appendixHtml(revision)}<p class="read-original">阅读原文：<a class="link" href="${escapeHtml(portalUrl)}">在政府网站查看本文</a></p><p class="provenance">来源：${escapeHtml(
    revision.issuingOrgans.join('、'),
  )} · 索引号 ${escapeHtml(revision.indexNumber)} · 文档 ${escapeHtml(revision.documentId)} · 修订号 ${revision.revision} · 指纹 ${shortFingerprint(
    fingerprint,
  )}</p>`;
