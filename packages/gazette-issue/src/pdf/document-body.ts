// One document as the gazette prints it: title, 发文机关 / 发文字号 / 成文日期, the body blocks, the attachments list.
import type { Attachment, Block, DocumentRevision, ImageBlock } from '@tongyuan/contracts';
import { chineseDate } from '../issue.js';
import type { FontName } from './fonts.js';
import type { TextRun } from './line-breaker.js';
import { BODY_SIZE, MARGIN, type PageWriter, type ParagraphStyle, type Structure, TEXT_WIDTH } from './page-writer.js';
import { drawTable } from './table-layout.js';

const INDENT = 2 * BODY_SIZE;

export const styles = {
  title: { size: 18, leading: 1.55, align: 'center', spaceAfter: 6 },
  byline: { size: 10.5, leading: 1.6, align: 'center', color: '#333333' },
  paragraph: { size: BODY_SIZE, leading: 1.75, firstIndent: INDENT, align: 'justify' },
  heading: {
    1: { size: 14, leading: 1.75, firstIndent: INDENT, indent: 0, spaceBefore: 6, keepWithNext: 2 },
    2: { size: BODY_SIZE, leading: 1.75, firstIndent: INDENT, spaceBefore: 2, keepWithNext: 2 },
    3: { size: BODY_SIZE, leading: 1.75, firstIndent: INDENT, keepWithNext: 2 },
    4: { size: BODY_SIZE, leading: 1.75, firstIndent: INDENT, keepWithNext: 2 },
  },
  caption: { size: 10.5, leading: 1.6, align: 'center' },
} satisfies Record<string, ParagraphStyle | Record<number, ParagraphStyle>>;

// 一级标题 黑体, 二级 黑体 regular (no 楷体 in Noto), 三级 宋体 bold, 四级 宋体: the 公文 order of emphasis.
// In the tagged PDF the section is H1 and the document title H2, so body levels 1–4 are H3–H6.
const headingFonts: Record<1 | 2 | 3 | 4, FontName> = { 1: 'heiBold', 2: 'hei', 3: 'songBold', 4: 'song' };
const runInFonts: Record<1 | 2 | 3 | 4, FontName> = { 1: 'heiBold', 2: 'hei', 3: 'songBold', 4: 'songBold' };
const headingTags: Record<1 | 2 | 3 | 4, string> = { 1: 'H3', 2: 'H4', 3: 'H5', 4: 'H6' };

/** Image bytes by S3 key, fetched by the caller before rendering (rendering does no I/O). */
export type ImageBytes = ReadonlyMap<string, Uint8Array>;

export const bylineParts = (revision: DocumentRevision): string[] => [
  `发文机关：${revision.issuingOrgans.join('、')}`,
  ...(revision.docNumber === null ? [] : [`发文字号：${revision.docNumber}`]),
  ...(revision.writtenDate === null ? [] : [`成文日期：${chineseDate(revision.writtenDate)}`]),
];

const headingText = (block: Extract<Block, { type: 'heading' }>): string => `${block.numbering ?? ''}${block.text}`;

const drawImage = (writer: PageWriter, block: ImageBlock, images: ImageBytes, parent: Structure): void => {
  const bytes = images.get(block.key);
  const printable = bytes !== undefined && (block.mediaType === 'image/jpeg' || block.mediaType === 'image/png');
  const scale = Math.min(1, TEXT_WIDTH / block.width, 300 / block.height);
  const width = printable ? block.width * scale : TEXT_WIDTH * 0.6;
  const height = printable ? block.height * scale : Math.min(120, Math.max(48, width * (block.height / block.width)));
  writer.ensure(height + 28);
  const x = MARGIN.left + (TEXT_WIDTH - width) / 2;
  const top = writer.y + 4;
  const figure = writer.element(parent, 'Figure', { alt: block.alt });
  if (printable) {
    writer.mark(figure, 'Figure', () => writer.doc.image(Buffer.from(bytes), x, top, { width, height }));
  } else {
    // The picture's bytes were not given: a framed placeholder tells the reader what it shows.
    writer.artifact(() => writer.doc.save().lineWidth(0.5).strokeColor('#888888').rect(x, top, width, height).stroke().restore());
    const saved = writer.y;
    writer.y = top + height / 2 - 10;
    writer.paragraph(
      [{ font: 'hei', text: `［图：${block.alt}］` }],
      { ...styles.caption, color: '#555555' },
      { parent: figure, type: 'P' },
    );
    writer.y = saved;
  }
  writer.y = top + height + 4;
  if (block.caption !== undefined) {
    writer.paragraph([{ font: 'hei', text: block.caption }], styles.caption, { parent: figure, type: 'Caption' });
  }
  writer.y += 4;
};

const attachmentLines = (attachments: readonly Attachment[]): string[] =>
  attachments.length === 1
    ? [`附件：${attachments[0]!.title}`]
    : attachments.map((a, i) => (i === 0 ? `附件：${i + 1}．${a.title}` : `${i + 1}．${a.title}`));

/** The document's body from the cursor: blocks in order, run-in headings set at the start of their paragraph. */
export const drawBody = (writer: PageWriter, revision: DocumentRevision, images: ImageBytes, article: Structure): void => {
  const as = (type: string) => ({ parent: article, type });
  let runIn: TextRun | null = null;
  const shown = new Set<string>();
  revision.body.forEach((block, i) => {
    switch (block.type) {
      case 'heading':
        if (block.runIn === true && revision.body[i + 1]?.type === 'paragraph') {
          runIn = { font: runInFonts[block.level], text: headingText(block) };
          return;
        }
        writer.paragraph(
          [{ font: headingFonts[block.level], text: headingText(block) }],
          styles.heading[block.level],
          as(headingTags[block.level]),
        );
        return;
      case 'paragraph': {
        const runs: TextRun[] = [...(runIn === null ? [] : [runIn]), { font: 'song', text: block.text }];
        runIn = null;
        const align = block.align === 'end' ? 'end' : block.align === 'center' ? 'center' : 'justify';
        const firstIndent = align === 'justify' ? INDENT : 0;
        writer.paragraph(runs, { ...styles.paragraph, align, firstIndent }, as('P'));
        return;
      }
      case 'list': {
        const list = writer.element(article, 'L');
        block.items.forEach((item, n) => {
          const marker = block.ordered ? `${n + 1}. ` : '• ';
          const hang = INDENT + writer.measure('song', marker) * BODY_SIZE;
          writer.paragraph(
            [{ font: 'song', text: `${marker}${item}` }],
            {
              ...styles.paragraph,
              firstIndent: INDENT,
              indent: hang,
              align: 'justify',
            },
            { parent: writer.element(list, 'LI'), type: 'LBody' },
          );
        });
        return;
      }
      case 'table':
        drawTable(writer, block, article);
        return;
      case 'image':
        drawImage(writer, block, images, article);
        return;
      case 'attachment': {
        const attachment = revision.attachments.find((a) => a.id === block.ref);
        if (attachment === undefined) return;
        shown.add(attachment.id);
        writer.paragraph([{ font: 'song', text: `附件：${attachment.title}` }], styles.paragraph, as('P'));
        return;
      }
    }
  });
  const listed = revision.attachments.filter((a) => !shown.has(a.id));
  if (listed.length > 0) {
    writer.y += BODY_SIZE;
    // 附件：1．… with the later items and wrapped lines aligned under the first item's text.
    const hang = INDENT + writer.measure('song', '附件：') * BODY_SIZE;
    const itemIndent = listed.length === 1 ? hang : hang + writer.measure('song', '1．') * BODY_SIZE;
    attachmentLines(listed).forEach((line, i) => {
      writer.paragraph(
        [{ font: 'song', text: line }],
        {
          ...styles.paragraph,
          align: 'start',
          firstIndent: i === 0 ? INDENT : hang,
          indent: itemIndent,
        },
        as('P'),
      );
    });
  }
};

/** Title and byline at the top of the document's first page. */
export const drawDocumentHead = (writer: PageWriter, revision: DocumentRevision, article: Structure): void => {
  writer.y += 8;
  writer.paragraph([{ font: 'songBold', text: revision.title }], styles.title, { parent: article, type: 'H2' });
  // Parts are packed whole onto centred lines: a date or a 文号 is not cut in two when it can be kept on one line.
  const measure = (text: string) => writer.measure('hei', text) * styles.byline.size;
  const lines: string[] = [];
  for (const part of bylineParts(revision)) {
    const last = lines[lines.length - 1];
    if (last !== undefined && measure(`${last}　${part}`) <= TEXT_WIDTH) lines[lines.length - 1] = `${last}　${part}`;
    else lines.push(part);
  }
  for (const line of lines) writer.paragraph([{ font: 'hei', text: line }], styles.byline, { parent: article, type: 'P' });
  writer.y += 14;
};
