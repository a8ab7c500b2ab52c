// Formatting by hand rather than Intl: output must not depend on the ICU data or locale of the machine.

/** The calendar date of an RFC 3339 time in its own offset, i.e. the date the issuer wrote. */
export const dateOf = (iso: string): string => iso.slice(0, 10);

/** Date and minute of an RFC 3339 time in its own offset. */
export const dateTimeOf = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;

export const byteSize = (bytes: number): string =>
  bytes < 1024
    ? `${bytes} B`
    : bytes < 1024 * 1024
      ? `${(bytes / 1024).toFixed(1)} KB`
      : `${(bytes / (1024 * 1024)).toFixed(1)} MB`;

const mediaTypeLabels: Record<string, string> = {
  'application/pdf': 'PDF 文档',
  'application/msword': 'Word 文档',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word 文档',
  'application/vnd.ms-excel': 'Excel 表格',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel 表格',
  'application/vnd.ms-powerpoint': 'PowerPoint 演示文稿',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint 演示文稿',
  'application/ofd': 'OFD 版式文档',
  'application/zip': 'ZIP 压缩包',
  'text/plain': '文本文件',
  'text/csv': 'CSV 表格',
  'image/jpeg': 'JPEG 图片',
  'image/png': 'PNG 图片',
};

/** A reader's name for a media type, with the type itself so nothing is hidden. */
export const mediaTypeLabel = (mediaType: string): string => {
  const label = mediaTypeLabels[mediaType];
  return label === undefined ? mediaType : `${label}，${mediaType}`;
};

/** A piece of text, marked or not: templates wrap marked runs in <mark> and escape every run. */
export interface TextRun {
  text: string;
  mark: boolean;
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Splits text at every case-insensitive occurrence of the query phrase (white space matching any run of it). */
export const highlight = (text: string, query: string): TextRun[] => {
  const words = query
    .trim()
    .split(/\s+/)
    .filter((word) => word !== '');
  if (words.length === 0) return [{ text, mark: false }];
  const pattern = new RegExp(words.map(escapeRegExp).join('\\s+'), 'giu');
  const runs: TextRun[] = [];
  let at = 0;
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    if (match[0] === '') continue;
    if (start > at) runs.push({ text: text.slice(at, start), mark: false });
    runs.push({ text: match[0], mark: true });
    at = start + match[0].length;
  }
  if (at < text.length || runs.length === 0) runs.push({ text: text.slice(at), mark: false });
  return runs;
};
