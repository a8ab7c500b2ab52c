// The whole public API of @tongyuan/newmedia-article: pure functions from a canonical revision to what a new-media
// account carries — the WeChat draft (inline-styled, sanitized, within every limit), its images, the H5 reading page
// and the JSON Feed. No I/O; the same input always gives the same output (recentResults keeps the latest few).

export {
  type ArticleImage,
  articleImagesOf,
  INLINE_IMAGE_MAX_WIDTH,
  type InlineImage,
  leadImageOf,
  prepareInlineImage,
} from './article-images.js';
export { COVER_SIZE, type Covers, type CoversInput, renderCovers, THUMB_SIZE } from './covers.renderer.js';
export { type H5PageInput, renderH5Page } from './h5-page.renderer.js';
export {
  type FeedItem,
  type FeedItemInput,
  feedItemOf,
  feedItemText,
  type JsonFeedInput,
  renderJsonFeed,
} from './json-feed.js';
export {
  authorOf,
  characterCount,
  digestOf,
  type LimitViolation,
  limitViolations,
  titleOf,
  wechatLimits,
} from './limits.js';
export { recentResults } from './recent-results.js';
export {
  type AccountProfile,
  type ArticleInput,
  type CorrectionNoticeInput,
  renderArticle,
  renderCorrectionNotice,
  SUMMARY_BUDGET,
  type WechatArticleDraft,
} from './wechat-article.renderer.js';
