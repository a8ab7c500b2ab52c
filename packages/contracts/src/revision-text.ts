import type { Block } from './blocks.js';
import type { Attachment, DocumentRevision } from './document-revision.js';

// Zero-width characters are invisible and editors (WeChat's among them) insert them freely.
const INVISIBLE = /[\u200B-\u200D\u2060\uFEFF]/g;

/** The comparison form of visible text: NFC, invisible characters dropped, runs of white space as one space, trimmed. */
export const normalizeText = (text: string): string => text.normalize('NFC').replace(INVISIBLE, '').replace(/\s+/g, ' ').trim();

const tableLines = (rows: readonly (readonly string[])[]): string[] => rows.map((row) => row.map(normalizeText).join('\t'));

/**
 * The visible text of one block, normalized: what any carrier must show for it.
 * Lines join with "\n"; table cells with "\t"; list markers and image alt text are not visible text.
 * An attachment block shows its attachment's title, so pass the revision's attachments.
 */
export const blockText = (block: Block, attachments: readonly Attachment[] = []): string => {
  switch (block.type) {
    case 'heading':
      return normalizeText(`${block.numbering ?? ''}${block.text}`);
    case 'paragraph':
      return normalizeText(block.text);
    case 'list':
      return block.items.map(normalizeText).join('\n');
    case 'table':
      return [
        ...(block.caption === undefined ? [] : [normalizeText(block.caption)]),
        ...tableLines(block.header),
        ...tableLines(block.rows),
      ].join('\n');
    case 'image':
      return normalizeText(block.caption ?? '');
    case 'attachment':
      return normalizeText(attachments.find((a) => a.id === block.ref)?.title ?? '');
  }
};

/**
 * The normalized visible text of a revision: title, then the blocks in order, one per line.
 * A run-in heading shares its line with the paragraph it opens. Used by renderers and the same-source audit.
 */
export const revisionText = (revision: DocumentRevision): string => {
  const lines = [normalizeText(revision.title)];
  let runIn = '';
  for (const block of revision.body) {
    const text = blockText(block, revision.attachments);
    if (block.type === 'heading' && block.runIn === true) {
      runIn += text;
      continue;
    }
    if (runIn !== '' || text !== '') lines.push(runIn + text);
    runIn = '';
  }
  if (runIn !== '') lines.push(runIn);
  return lines.join('\n');
};

export interface ScreeningSegment {
  /** Where the text sits in the revision, e.g. body[3].text, body[5].rows[1][2], attachments[0].text. */
  path: string;
  text: string;
}

/**
 * Every piece of text that a reader of any carrier can see or download, with its path, for the privacy screen.
 * Review and confidentiality records are left out: they carry staff names but are never rendered.
 */
export const segmentsForScreening = (
  revision: Pick<DocumentRevision, 'title' | 'shortTitle' | 'body' | 'attachments'> & {
    correction?: DocumentRevision['correction'];
  },
): ScreeningSegment[] => {
  const segments: ScreeningSegment[] = [];
  const add = (path: string, text: string | undefined) => {
    if (text !== undefined && text.trim() !== '') segments.push({ path, text });
  };
  add('title', revision.title);
  add('shortTitle', revision.shortTitle);
  revision.body.forEach((block, i) => {
    const at = `body[${i}]`;
    switch (block.type) {
      case 'heading':
      case 'paragraph':
        add(`${at}.text`, block.text);
        break;
      case 'list':
        block.items.forEach((item, j) => {
          add(`${at}.items[${j}]`, item);
        });
        break;
      case 'table':
        add(`${at}.caption`, block.caption);
        for (const [section, rows] of [['header', block.header] as const, ['rows', block.rows] as const]) {
          rows.forEach((row, r) => {
            row.forEach((cell, c) => {
              add(`${at}.${section}[${r}][${c}]`, cell);
            });
          });
        }
        break;
      case 'image':
        add(`${at}.alt`, block.alt);
        add(`${at}.caption`, block.caption);
        break;
      case 'attachment':
        break;
    }
  });
  revision.attachments.forEach((attachment, i) => {
    add(`attachments[${i}].title`, attachment.title);
    add(`attachments[${i}].fileName`, attachment.fileName);
    add(`attachments[${i}].text`, attachment.text);
  });
  if (revision.correction) {
    add('correction.reason', revision.correction.reason);
    revision.correction.changes.forEach((change, j) => {
      add(`correction.changes[${j}]`, change);
    });
  }
  return segments;
};
