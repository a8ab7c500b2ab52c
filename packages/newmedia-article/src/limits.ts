import { type DocumentRevision, normalizeText } from '@tongyuan/contracts';

/**
 * What WeChat's draft/add and media endpoints accept. Title, author and digest are counted in characters as WeChat's
 * editor counts them (Unicode code points: 汉 = 1, 😀 = 1); content is counted in UTF-16 code units, which is never
 * less than code points, so a content that passes here passes there.
 */
export const wechatLimits = {
  title: 32,
  author: 16,
  digest: 128,
  contentChars: 20000,
  contentBytes: 1048576,
  inlineImageBytes: 1048576,
  thumbBytes: 65536,
} as const;

/** Characters as WeChat counts them: Unicode code points. */
export const characterCount = (text: string): number => Array.from(text).length;

const ELLIPSIS = '…';

/** The first `max` characters, never splitting a surrogate pair; with an ellipsis inside the limit when cut. */
export const cutCharacters = (text: string, max: number, ellipsis: boolean): string => {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  return ellipsis ? `${chars.slice(0, max - 1).join('')}${ELLIPSIS}` : chars.slice(0, max).join('');
};

// 「…关于印发《X》的通知」: the notice only carries X, so X is the article's subject.
const TRANSMITTAL = /^(?:.*?)关于(?:印发|转发|公布|发布)《?(.+?)》?的(?:通知|通告|公告)$/;

/**
 * The article title, ≤ 32 characters. The rule, applied step by step until the title fits:
 * 1. `shortTitle` when the editor set one;
 * 2. the full title when it fits;
 * 3. a transmittal notice 「…关于印发《X》的通知」 becomes X;
 * 4. the lead issuing organ's name at the start is dropped (the account and the body name it);
 * 5. the book-title marks 《》 are dropped;
 * 6. cut at a character boundary, ending with 「…」.
 * The full official title is always in the article body.
 */
export const titleOf = (revision: Pick<DocumentRevision, 'title' | 'shortTitle' | 'issuingOrgans'>): string => {
  const max = wechatLimits.title;
  if (revision.shortTitle !== undefined && normalizeText(revision.shortTitle) !== '') {
    return cutCharacters(normalizeText(revision.shortTitle), max, true);
  }
  let title = normalizeText(revision.title);
  const steps: Array<(t: string) => string> = [
    (t) => TRANSMITTAL.exec(t)?.[1] ?? t,
    (t) => {
      const organ = revision.issuingOrgans.find((name) => t.startsWith(name) && t.length > name.length);
      return organ === undefined ? t : t.slice(organ.length);
    },
    (t) => t.replace(/[《》]/g, ''),
  ];
  for (const step of steps) {
    if (characterCount(title) <= max) return title;
    title = step(title).trim();
  }
  return cutCharacters(title, max, true);
};

/** The author line: the account's author, white space collapsed, cut to 16 characters (a name takes no ellipsis). */
export const authorOf = (account: { name: string; author: string }): string => {
  const author = normalizeText(account.author) === '' ? normalizeText(account.name) : normalizeText(account.author);
  return cutCharacters(author, wechatLimits.author, false);
};

// Sentence ends in Chinese official text; a cut after one of them reads as a whole sentence.
const SENTENCE_END = /[。！？；!?;]/u;

/**
 * The digest, ≤ 128 characters, from the body: the text of the paragraphs in order, skipping the 主送机关 line
 * (ending in ：) and the 落款 (right-aligned), white space collapsed; cut after the last sentence end that fits,
 * or, when no sentence ends within the limit, at 127 characters plus 「…」. Falls back to the title when the body
 * has no paragraph text.
 */
export const digestOf = (revision: Pick<DocumentRevision, 'title' | 'body'>): string => {
  const max = wechatLimits.digest;
  const parts: string[] = [];
  let length = 0;
  for (const block of revision.body) {
    if (length > max) break;
    if (block.type !== 'paragraph' || block.align === 'end') continue;
    const text = normalizeText(block.text);
    if (text === '' || /[：:]$/.test(text)) continue;
    parts.push(text);
    length += characterCount(text);
  }
  const text = parts.join('');
  if (text === '') return cutCharacters(normalizeText(revision.title), max, true);
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  for (let end = max; end > 0; end--) {
    if (SENTENCE_END.test(chars[end - 1]!)) return chars.slice(0, end).join('');
  }
  return cutCharacters(text, max, true);
};

export interface LimitViolation {
  field: 'title' | 'author' | 'digest' | 'content';
  message: string;
}

/** Every WeChat limit a draft breaks (empty when it fits): renderers assert this, callers may check it again. */
export const limitViolations = (draft: { title: string; author: string; digest: string; content: string }): LimitViolation[] => {
  const violations: LimitViolation[] = [];
  const check = (field: LimitViolation['field'], count: number, max: number, unit: string) => {
    if (count > max) violations.push({ field, message: `${field} has ${count} ${unit}, the limit is ${max}` });
  };
  check('title', characterCount(draft.title), wechatLimits.title, 'characters');
  check('author', characterCount(draft.author), wechatLimits.author, 'characters');
  check('digest', characterCount(draft.digest), wechatLimits.digest, 'characters');
  // "less than": WeChat's own wording is 2万字符 / 1M, both exclusive.
  check('content', draft.content.length, wechatLimits.contentChars - 1, 'UTF-16 code units');
  check('content', Buffer.byteLength(draft.content, 'utf8'), wechatLimits.contentBytes - 1, 'bytes');
  if (normalizeText(draft.title) === '') violations.push({ field: 'title', message: 'title is empty' });
  return violations;
};
