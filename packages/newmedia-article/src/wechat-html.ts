import { readFileSync } from 'node:fs';
import juice from 'juice';
import sanitizeHtml from 'sanitize-html';

/** The tags WeChat's editor keeps; headings are styled <p>, since WeChat restyles h1–h6 itself. */
export const wechatTags = [
  'section',
  'p',
  'span',
  'strong',
  'em',
  'br',
  'img',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'ul',
  'ol',
  'li',
  'a',
  'blockquote',
] as const;

/** The style properties an article may carry: what article.css uses, each known to survive WeChat's editor. */
export const wechatStyleProperties: ReadonlySet<string> = new Set([
  'background-color',
  'border',
  'border-bottom',
  'border-collapse',
  'border-left',
  'border-radius',
  'border-top',
  'color',
  'display',
  'font-size',
  'font-weight',
  'height',
  'letter-spacing',
  'line-height',
  'margin',
  'max-width',
  'min-width',
  'overflow-x',
  'padding',
  'text-align',
  'text-decoration',
  'text-indent',
  'vertical-align',
  'width',
  'word-wrap',
]);

// Values without quotes, parentheses or backslashes: no url(), expression() or escapes can hide in them.
const SAFE_VALUE = /^[#\w\s.,%-]+$/;

/** A style attribute's value, checked and compacted: listed properties with plain values only, or it throws. */
export const wechatStyle = (declarations: string): string =>
  declarations
    .split(';')
    .map((declaration) => declaration.trim())
    .filter((declaration) => declaration !== '')
    .map((declaration) => {
      const colon = declaration.indexOf(':');
      const property = declaration.slice(0, colon).trim().toLowerCase();
      const value = declaration.slice(colon + 1).trim();
      if (colon < 0 || !wechatStyleProperties.has(property) || !SAFE_VALUE.test(value)) {
        throw new Error(`style "${declaration}" is not one WeChat articles may carry`);
      }
      return `${property}:${value}`;
    })
    .join(';');

// Read once, at import: rendering touches no file.
const articleCss = readFileSync(new URL('./article.css', import.meta.url), 'utf8');

const juiceOptions: juice.Options = {
  // WeChat drops width/height attributes on tables and cells anyway; styles say it once.
  applyWidthAttributes: false,
  applyHeightAttributes: false,
  applyAttributesTableElements: false,
  inlinePseudoElements: false,
  preserveImportant: false,
  removeStyleTags: true,
};

/** What juice makes of the author CSS for some HTML: kept for the test that shows the per-class table is the same. */
export const juiceArticle = (html: string): string => juice.inlineContent(html, articleCss, juiceOptions);

// The author CSS uses single-class selectors only, so an element's inline style depends on its class alone: juice
// computes each class's style once, here, and rendering swaps class="x" for it (juice per article cost ~9 ms).
const classNames = [...articleCss.replace(/\/\*[\s\S]*?\*\//g, '').matchAll(/([^{}]+)\{[^}]*\}/g)].map((rule) => {
  const selector = rule[1]!.trim();
  if (!/^\.[a-z][a-z0-9-]*$/.test(selector)) throw new Error(`article.css: "${selector}" is not a single-class selector`);
  return selector.slice(1);
});
const styleByClass = new Map<string, string>();
for (const element of juiceArticle(classNames.map((name) => `<p class="${name}"></p>`).join('')).matchAll(
  /<p class="([a-z0-9-]+)" style="([^"]*)"><\/p>/g,
)) {
  styleByClass.set(element[1]!, wechatStyle(element[2]!));
}

/**
 * Author CSS (article.css) onto every element's style attribute, as juice inlines it, the class attribute dropped.
 * Only for escaped or sanitized HTML, where "<" opens a tag and nothing else (text and attribute values carry &lt;),
 * so a class="…" typed into the text is never touched. Every class is one of article.css's; any other throws, so
 * no class can reach WeChat.
 */
export const inlineArticleStyles = (html: string): string =>
  html.replace(/<[a-z][^>]*>/g, (tag) =>
    tag.replace(/ class="([^"]*)"/, (_, name: string) => {
      const style = styleByClass.get(name);
      if (style === undefined) throw new Error(`article.css has no class "${name}"`);
      return ` style="${style}"`;
    }),
  );

/** Where links in an article may point, and which images it may show. */
export interface WechatHtmlPolicy {
  imageSources: ReadonlySet<string>;
  linkOrigins: ReadonlySet<string>;
}

const originOf = (href: string | undefined): string | null => {
  if (href === undefined) return null;
  try {
    return new URL(href).origin;
  } catch {
    return null;
  }
};

/**
 * The gate before WeChat, run on the article while it still has classes (styles come after, from article.css only):
 * only WeChat's tags; no style, id or event attribute from anywhere; images only from the uploaded URLs; links only to
 * allowed origins (others become plain text); no script, style or link element.
 */
export const sanitizeForWechat = (html: string, policy: WechatHtmlPolicy): string =>
  sanitizeHtml(html, {
    allowedTags: [...wechatTags],
    allowedAttributes: {
      '*': ['class', 'data-tongyuan-text'],
      img: ['class', 'src', 'alt'],
      th: ['class', 'colspan', 'rowspan'],
      td: ['class', 'colspan', 'rowspan'],
      a: ['class', 'href'],
    },
    parseStyleAttributes: false,
    allowedSchemes: ['https', 'http'],
    allowedSchemesByTag: { img: ['https', 'http'] },
    allowProtocolRelative: false,
    disallowedTagsMode: 'discard',
    transformTags: {
      a: (tagName, attribs) => {
        const origin = originOf(attribs.href);
        if (origin !== null && policy.linkOrigins.has(origin)) return { tagName, attribs };
        const { href: _href, ...rest } = attribs;
        return { tagName: 'span', attribs: rest };
      },
    },
    exclusiveFilter: (frame) => frame.tag === 'img' && !policy.imageSources.has(frame.attribs.src ?? ''),
  });

/** Article HTML (with article.css classes) as WeChat gets it: sanitized, then styled from article.css alone. */
export const wechatHtml = (html: string, policy: WechatHtmlPolicy): string =>
  inlineArticleStyles(sanitizeForWechat(html, policy));
