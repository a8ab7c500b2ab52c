// A few lines of querying over parse5's tree, enough for tests to read rendered pages as a browser would parse them.
import { type DefaultTreeAdapterMap, type ParserError, parse } from 'parse5';

type Node = DefaultTreeAdapterMap['node'];
export type Element = DefaultTreeAdapterMap['element'];

export interface ParsedPage {
  root: Element;
  /** HTML parse errors (unclosed tags, bad nesting): a page must have none */
  errors: string[];
}

const isElement = (node: Node): node is Element => 'tagName' in node;

export const parsePage = (html: string): ParsedPage => {
  const errors: string[] = [];
  const document = parse(html, { onParseError: (error: ParserError) => errors.push(`${error.code} at line ${error.startLine}`) });
  const root = document.childNodes.find(isElement);
  if (root === undefined) throw new Error('no <html> element');
  return { root, errors };
};

export const attr = (element: Element, name: string): string | null => element.attrs.find((a) => a.name === name)?.value ?? null;

const descendants = (element: Element): Element[] =>
  element.childNodes.flatMap((child) => {
    const node = 'content' in child && child.tagName === 'template' ? child.content : child;
    return isElement(node as Node) ? [node as Element, ...descendants(node as Element)] : [];
  });

// Compound selectors only: tag, #id, .class, [attr], [attr="value"]; a space means "inside".
const matchesCompound = (element: Element, compound: string): boolean => {
  const parts = compound.match(/^[a-z0-9*-]+|#[\w-]+|\.[\w-]+|\[[^\]]+\]/gi) ?? [];
  return parts.every((part) => {
    if (part.startsWith('#')) return attr(element, 'id') === part.slice(1);
    if (part.startsWith('.')) return (attr(element, 'class') ?? '').split(/\s+/).includes(part.slice(1));
    if (part.startsWith('[')) {
      const m = /^\[([^=\]]+)(?:="?([^"\]]*)"?)?\]$/.exec(part);
      if (m === null) throw new Error(`bad selector part ${part}`);
      const value = attr(element, m[1]!);
      return m[2] === undefined ? value !== null : value === m[2];
    }
    return part === '*' || element.tagName === part;
  });
};

export const queryAll = (root: Element, selector: string): Element[] => {
  const [first, ...rest] = selector.trim().split(/\s+/);
  let found = descendants(root).filter((element) => matchesCompound(element, first!));
  for (const compound of rest) {
    const next = new Set<Element>();
    for (const scope of found)
      for (const element of descendants(scope)) if (matchesCompound(element, compound)) next.add(element);
    found = [...next];
  }
  return found;
};

export const query = (root: Element, selector: string): Element => {
  const found = queryAll(root, selector);
  if (found.length === 0) throw new Error(`nothing matches ${selector}`);
  return found[0]!;
};

/** Text content with runs of white space collapsed, as a reader hears it. */
export const textOf = (node: Node): string => {
  const raw = (n: Node): string =>
    'value' in n && n.nodeName === '#text' ? n.value : 'childNodes' in n ? n.childNodes.map(raw).join('') : '';
  return raw(node).replace(/\s+/g, ' ').trim();
};

export const metaContent = (root: Element, name: string): string | null => {
  const meta = queryAll(root, `meta[name="${name}"]`)[0];
  return meta === undefined ? null : attr(meta, 'content');
};
