import { type DocumentRevision, type ImageBlock, normalizeText, revisionText } from '@tongyuan/contracts';
import {
  blockPieces,
  correctionHtml,
  correctionNoticeHtml,
  footerHtml,
  headHtml,
  summaryNoteHtml,
  tocHtml,
  unmarked,
  validityBannerHtml,
} from './article-blocks.js';
import { correctionOf } from './document-notices.js';
import { authorOf, characterCount, cutCharacters, digestOf, limitViolations, titleOf, wechatLimits } from './limits.js';
import { type WechatHtmlPolicy, wechatHtml } from './wechat-html.js';

export interface AccountProfile {
  id: string;
  /** 公众号名称 */
  name: string;
  /** 作者 line; cut to 16 characters by authorOf */
  author: string;
}

export interface WechatArticleDraft {
  /** ≤ 32 characters (code points), by the rule of titleOf */
  title: string;
  /** ≤ 16 characters */
  author: string;
  /** ≤ 128 characters, from the body by the rule of digestOf */
  digest: string;
  /** inline styles only, sanitized, < 20,000 UTF-16 code units and < 1 MB */
  content: string;
  /** 阅读原文 → the portal page */
  contentSourceUrl: string;
  form: 'full' | 'summary' | 'correction-notice';
}

export interface ArticleInput {
  revision: DocumentRevision;
  fingerprint: string;
  account: AccountProfile;
  portalUrl: string;
  /** image block key → URL returned by media/uploadimg */
  imageUrls: ReadonlyMap<string, string>;
}

export interface CorrectionNoticeInput {
  revision: DocumentRevision;
  fingerprint: string;
  account: AccountProfile;
  portalUrl: string;
  /** the article this one corrects, as it went out; url null when WeChat gave none */
  original: { title: string; url: string | null; revision: number };
  /** image block key → uploaded URL, for the corrected text; absent = none uploaded (images then show as captions) */
  imageUrls?: ReadonlyMap<string, string>;
}

/**
 * A long document goes out as a summary: the pieces of the full article are taken in order, cut at a block boundary,
 * so that the whole summary (head, note, text, 目录, footer) stays within 18,000 characters — room under WeChat's
 * 20,000 for its own markup.
 */
export const SUMMARY_BUDGET = 18_000;

// Links WeChat lets readers follow: the portal page and WeChat's own articles.
const WECHAT_ARTICLES = 'https://mp.weixin.qq.com';

/** The origin of an http(s) URL; anything else is a caller's bug, refused rather than linked. */
const webOriginOf = (url: string): string => {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (parsed === null || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new Error(`not an http(s) URL: ${url}`);
  }
  return parsed.origin;
};

const fits = (content: string): boolean =>
  content.length < wechatLimits.contentChars && Buffer.byteLength(content, 'utf8') < wechatLimits.contentBytes;

/** One complete element (or run of them), sanitized and styled: balanced pieces concatenate into a safe whole. */
const finish = (html: string, policy: WechatHtmlPolicy): string => wechatHtml(html, policy);

// The two wrappers, as open and close tags around pieces finished one by one.
const wrapper = (className: string): { open: string; close: string } => {
  const html = wechatHtml(`<section class="${className}"></section>`, { imageSources: new Set(), linkOrigins: new Set() });
  return { open: html.slice(0, -'</section>'.length), close: '</section>' };
};
const articleWrapper = wrapper('article');
const bodyWrapper = wrapper('body');

interface Composition {
  revision: DocumentRevision;
  fingerprint: string;
  portalUrl: string;
  imageUrls: ReadonlyMap<string, string>;
  /** what to do with an image whose URL is not in imageUrls: fail, or show its caption alone */
  missingImage: 'throw' | 'caption-only';
  /** shown first, above the text: the correction notice of a correction article */
  opening: string;
}

/** The article content and its form: the full text when it fits WeChat's limits, else the summary. */
const composeContent = (input: Composition): { content: string; form: 'full' | 'summary' } => {
  const { revision, portalUrl, imageUrls } = input;
  const policy: WechatHtmlPolicy = {
    imageSources: new Set(imageUrls.values()),
    linkOrigins: new Set([webOriginOf(portalUrl), WECHAT_ARTICLES]),
  };
  const imageSrc = (image: ImageBlock): string | null => {
    const url = imageUrls.get(image.key);
    if (url === undefined && input.missingImage === 'caption-only') return null;
    if (url === undefined) {
      throw new Error(`no uploaded URL for image ${image.key}: upload it with media/uploadimg and pass it in imageUrls`);
    }
    return url;
  };
  const pieces = blockPieces(revision, imageSrc).map((piece) => piece.html);
  const notesHtml = `${validityBannerHtml(revision)}${input.opening === '' ? correctionHtml(correctionOf(revision)) : input.opening}`;
  const footerPiece = footerHtml(revision, input.fingerprint, portalUrl);
  const article = (head: string, body: string, tail: string) =>
    `${articleWrapper.open}${head}${bodyWrapper.open}${body}${bodyWrapper.close}${tail}${articleWrapper.close}`;

  // The usual case in one pass of the sanitizer; only a summary needs each piece's length, so pieces one by one.
  const full = finish(
    `<section class="article">${headHtml(revision, true)}${notesHtml}<section class="body">${pieces.join('')}</section>${footerPiece}</section>`,
    policy,
  );
  if (fits(full)) return { content: full, form: 'full' };

  const blocks = pieces.map((piece) => finish(piece, policy));
  const notes = finish(notesHtml, policy);
  const footer = finish(footerPiece, policy);

  // The 目录 takes at most half the budget: all headings, else 一、 headings only, else as many as fit.
  const total = characterCount(revisionText(revision).replace(/\s/g, ''));
  let toc = '';
  let summaryHead = '';
  for (const [withSubheadings, limit] of [
    [true, Number.POSITIVE_INFINITY],
    [false, Number.POSITIVE_INFINITY],
    [false, 40],
    [false, 10],
  ] as const) {
    toc = finish(tocHtml(revision, withSubheadings, limit), policy);
    const note = finish(summaryNoteHtml(portalUrl, total, toc !== ''), policy);
    summaryHead = `${finish(headHtml(revision, false), policy)}${notes}${note}`;
    if (article(summaryHead, '', `${toc}${footer}`).length <= SUMMARY_BUDGET / 2) break;
  }
  let length = article(summaryHead, '', `${toc}${footer}`).length;
  const taken: string[] = [];
  for (const block of blocks.map(unmarked)) {
    if (length + block.length > SUMMARY_BUDGET) break;
    taken.push(block);
    length += block.length;
  }
  return { content: article(summaryHead, taken.join(''), `${toc}${footer}`), form: 'summary' };
};

const checked = (draft: WechatArticleDraft): WechatArticleDraft => {
  const violations = limitViolations(draft);
  // Unreachable by construction; a renderer bug must never reach WeChat as a 45xxx error.
  if (violations.length > 0) throw new Error(`article breaks WeChat limits: ${violations.map((v) => v.message).join('; ')}`);
  return draft;
};

/** The draft of a revision's article: full text, or a summary linking the portal when the text is too long. */
export function renderArticle(input: ArticleInput): WechatArticleDraft {
  if (input.revision.status === 'withdrawn') {
    throw new Error(
      `revision ${input.revision.revision} of ${input.revision.documentId} withdraws it: delete the article, publish none`,
    );
  }
  const { content, form } = composeContent({ ...input, opening: '', missingImage: 'throw' });
  return checked({
    title: titleOf(input.revision),
    author: authorOf(input.account),
    digest: digestOf(input.revision),
    content,
    contentSourceUrl: input.portalUrl,
    form,
  });
}

const noticePrefix = { correction: '【更正】', validityChange: '【有效性变更】', withdrawal: '【撤回】' } as const;

/**
 * WeChat has no edit endpoint, so a correction is a new article: titled 【更正】 + the title, opening with a notice
 * that names and links the original article (when, why, what changed), followed by the corrected text (or its
 * summary, by the same rule as renderArticle).
 */
export function renderCorrectionNotice(input: CorrectionNoticeInput): WechatArticleDraft {
  const correction = correctionOf(input.revision);
  if (correction === null)
    throw new Error(`revision ${input.revision.revision} of ${input.revision.documentId} corrects nothing`);
  const kind = input.revision.correction?.kind ?? 'correction';
  const { content } = composeContent({
    revision: input.revision,
    fingerprint: input.fingerprint,
    portalUrl: input.portalUrl,
    imageUrls: input.imageUrls ?? new Map<string, string>(),
    // Images not uploaded for the notice show their caption; the H5 page and the portal carry the pictures.
    missingImage: 'caption-only',
    opening: correctionNoticeHtml(correction, input.original),
  });
  const prefix = noticePrefix[kind];
  const title = `${prefix}${cutCharacters(titleOf(input.revision), wechatLimits.title - characterCount(prefix), true)}`;
  const digest = normalizeText(`${correction.heading}：${correction.reason}`);
  return checked({
    title,
    author: authorOf(input.account),
    digest: cutCharacters(digest, wechatLimits.digest, true),
    content,
    contentSourceUrl: input.portalUrl,
    form: 'correction-notice',
  });
}
