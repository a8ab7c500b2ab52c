import type { DocumentRevision, HeadingBlock, ImageBlock } from '@tongyuan/contracts';
import { tableGridOf } from './document-notices.js';
import { escapeHtml, linesHtml } from './html-text.js';

// The page title is the h1, so 一、 headings are h2, （一） h3, 1. h4, （1） h5 — as on the portal.
const headingTags = { 1: 'h2', 2: 'h3', 3: 'h4', 4: 'h5' } as const;

const headingText = (block: HeadingBlock): string => `${block.numbering ?? ''}${block.text}`;

export interface H5BodyOptions {
  /** where an image is served from; null = show its caption only (the feed, when no image URL is known) */
  imageUrl: ((image: ImageBlock) => string) | null;
  /** attachments are downloaded from the portal page */
  portalUrl: string;
  /** write labels such as 附件： as text (the feed, where no CSS draws them); the page draws them with CSS */
  labelsAsText?: boolean;
}

/**
 * The body of the H5 page (and of the feed's content_html): semantic HTML whose text is exactly the blocks' visible
 * text — labels such as 附件： come from CSS, so the same-source audit compares text with text.
 */
export const h5BodyHtml = (revision: DocumentRevision, options: H5BodyOptions): string => {
  const out: string[] = [];
  let leadIn = '';
  let tables = 0;
  revision.body.forEach((block, i) => {
    switch (block.type) {
      case 'heading': {
        if (block.runIn === true && revision.body[i + 1]?.type === 'paragraph') {
          leadIn = `<strong class="lead-in">${escapeHtml(headingText(block))}</strong>`;
          return;
        }
        const tag = headingTags[block.level];
        out.push(`<${tag}>${escapeHtml(headingText(block))}</${tag}>`);
        return;
      }
      case 'paragraph': {
        const align = block.align === 'end' ? ' class="align-end"' : block.align === 'center' ? ' class="align-center"' : '';
        out.push(`<p${align}>${leadIn}${escapeHtml(block.text)}</p>`);
        leadIn = '';
        return;
      }
      case 'list': {
        const tag = block.ordered ? 'ol' : 'ul';
        out.push(`<${tag}>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</${tag}>`);
        return;
      }
      case 'table': {
        tables += 1;
        const { head, body } = tableGridOf(block);
        const row = (cells: ReturnType<typeof tableGridOf>['body'][number]) =>
          `<tr>${cells
            .map((cell) => {
              const tag = cell.header ? 'th' : 'td';
              const scope = cell.header ? ' scope="col"' : '';
              const spans = `${cell.rowSpan === null ? '' : ` rowspan="${cell.rowSpan}"`}${cell.colSpan === null ? '' : ` colspan="${cell.colSpan}"`}`;
              return `<${tag}${scope}${spans}>${linesHtml(cell.text)}</${tag}>`;
            })
            .join('')}</tr>`;
        const label = escapeHtml(block.caption ?? `表格${tables}`);
        out.push(
          `<div class="table-scroll" role="region" tabindex="0" aria-label="${label}"><table>${
            block.caption === undefined ? '' : `<caption>${escapeHtml(block.caption)}</caption>`
          }${head.length === 0 ? '' : `<thead>${head.map(row).join('')}</thead>`}<tbody>${body.map(row).join('')}</tbody></table></div>`,
        );
        return;
      }
      case 'image': {
        const caption = block.caption === undefined ? '' : `<figcaption>${escapeHtml(block.caption)}</figcaption>`;
        const img =
          options.imageUrl === null
            ? ''
            : `<img src="${escapeHtml(options.imageUrl(block))}" alt="${escapeHtml(block.alt)}" width="${block.width}" height="${block.height}" loading="lazy">`;
        if (img !== '' || caption !== '') out.push(`<figure>${img}${caption}</figure>`);
        return;
      }
      case 'attachment': {
        const attachment = revision.attachments.find((a) => a.id === block.ref);
        if (attachment !== undefined) {
          const label = options.labelsAsText === true ? '附件：' : '';
          out.push(
            `<p class="attachment">${label}<a href="${escapeHtml(options.portalUrl)}">${escapeHtml(attachment.title)}</a></p>`,
          );
        }
        return;
      }
    }
  });
  return out.join('\n');
};
