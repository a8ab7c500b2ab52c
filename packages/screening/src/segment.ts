/** One piece of a revision's text and where it sits, e.g. `title`, `body[3].text`, `body[5].rows[1][2]`. */
export interface TextSegment {
  path: string;
  text: string;
}

const TOP_LEVEL_NAMES: Readonly<Record<string, string>> = {
  title: '标题',
  subtitle: '副标题',
  summary: '摘要',
  digest: '摘要',
  documentNumber: '发文字号',
  agency: '发文机关',
};

/** The place an editor would look for, in Chinese, counted from 1 as people count paragraphs. */
export function describePath(path: string): string {
  const named = TOP_LEVEL_NAMES[path];
  if (named !== undefined) return named;
  const cell = /^body\[(\d+)\]\.rows\[(\d+)\]\[(\d+)\]$/.exec(path);
  if (cell) return `第${ordinal(cell[1])}段表格第${ordinal(cell[2])}行第${ordinal(cell[3])}列`;
  const paragraph = /^body\[(\d+)\](?:\.text)?$/.exec(path);
  if (paragraph) return `第${ordinal(paragraph[1])}段`;
  const attachment = /^attachments\[(\d+)\]\.(text|title|name)$/.exec(path);
  if (attachment) return `附件${ordinal(attachment[1])}${attachment[2] === 'text' ? '' : '标题'}`;
  return path;
}

/**
 * `offset → 第N字` for one segment: characters as a reader counts them (code points, from 1), not UTF-16 units.
 * Built once per segment, so a segment with thousands of findings is not recounted for each.
 */
export function characterPositions(text: string): (offset: number) => string {
  if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => `第${offset + 1}字`;
  const before = new Uint32Array(text.length + 1);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const isTrail = code >= 0xdc00 && code <= 0xdfff && i > 0 && /[\uD800-\uDBFF]/.test(text[i - 1] ?? '');
    before[i + 1] = (before[i] ?? 0) + (isTrail ? 0 : 1);
  }
  return (offset) => `第${(before[offset] ?? 0) + 1}字`;
}

const ordinal = (zeroBased: string | undefined): number => Number(zeroBased) + 1;
