import { normalizeText } from '@tongyuan/contracts';
import { parse } from 'parse5';

interface HtmlNode {
  nodeName: string;
  value?: string;
  attrs?: Array<{ name: string; value: string }>;
  childNodes?: HtmlNode[];
  content?: HtmlNode;
}

/** What a rendered page says about itself: its provenance meta tags and the text of its data-tongyuan-text elements. */
export interface PageReading {
  meta: Record<string, string>;
  /** Text of the marked elements in document order, or null when the page marks none. */
  text: string | null;
}

const attr = (node: HtmlNode, name: string): string | undefined => node.attrs?.find((a) => a.name === name)?.value;
const INVISIBLE_ELEMENTS = new Set(['script', 'style', 'template', 'noscript']);

const textOf = (node: HtmlNode, out: string[]): void => {
  if (node.nodeName === '#text') out.push(node.value ?? '');
  if (INVISIBLE_ELEMENTS.has(node.nodeName)) return;
  // Block boundaries separate words; white space is dropped before comparing anyway.
  if (node.nodeName === 'br') out.push('\n');
  for (const child of node.childNodes ?? []) textOf(child, out);
};

/** Reads a page as a DOM (parse5, the HTML standard's parser): no regex guesses at markup. */
export const readPage = (html: string): PageReading => {
  const meta: Record<string, string> = {};
  const marked: string[] = [];
  let found = false;
  const walk = (node: HtmlNode): void => {
    if (node.nodeName === 'meta') {
      const name = attr(node, 'name');
      const content = attr(node, 'content');
      if (name?.startsWith('tongyuan:') && content !== undefined) meta[name] = content;
    }
    if (node.attrs?.some((a) => a.name === 'data-tongyuan-text')) {
      found = true;
      const out: string[] = [];
      textOf(node, out);
      marked.push(out.join(''), '\n');
      return; // nested marked elements are already inside this one's text
    }
    for (const child of node.childNodes ?? []) walk(child);
    if (node.content) walk(node.content);
  };
  walk(parse(html) as unknown as HtmlNode);
  return { meta, text: found ? marked.join('') : null };
};

/** The visible text of an HTML fragment (an article body): its marked elements if it has any, else all of it. */
export const fragmentText = (html: string): string => {
  const reading = readPage(html);
  if (reading.text !== null) return reading.text;
  const out: string[] = [];
  textOf(parse(html) as unknown as HtmlNode, out);
  return out.join('');
};

/** The comparison form of the audit: normalized, then every white-space character removed. */
export const comparable = (text: string): string => normalizeText(text).replace(/\s+/g, '');

/** Where two texts first differ, with context from both, or null when they are equal. */
export const firstDifference = (expected: string, actual: string, context = 12): string | null => {
  const a = [...expected];
  const b = [...actual];
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length && i === b.length) return null;
  const around = (chars: string[]) =>
    `${i > context ? '…' : ''}${chars.slice(Math.max(0, i - context), i).join('')}【${chars.slice(i, i + context).join('') || '（结束）'}】`;
  return `第 ${i + 1} 个字符起不同：源文 “${around(a)}” ，渠道 “${around(b)}”`;
};
