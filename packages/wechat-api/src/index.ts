// The whole public API of @tongyuan/wechat-api: the WeChat Official Account API client and the PUBLISHJOBFINISH push.
export { AccessTokenCache } from './access-token.cache.js';
export {
  type PublishJobFinished,
  parsePublishJobFinished,
  publishJobFinishedXml,
  pushSignature,
  verifyPushSignature,
} from './publish-event.js';
export {
  type BreakerState,
  type PublishStatus,
  type Upload,
  WechatAccountApi,
  WechatApiClient,
  type WechatClientOptions,
  type WechatCredentials,
} from './wechat-api.client.js';
export { tokenErrcodes, WechatApiError, wechatErrcodes } from './wechat-error.js';
export type { DraftArticle, NewsItem } from './wechat-wire.js';
