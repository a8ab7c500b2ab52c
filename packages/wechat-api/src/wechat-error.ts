import { PipelineError } from '@tongyuan/errors';

// Global return codes: developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html (also mirrored
// in wxopen-docs code/index.rst); per-endpoint codes from the draft_add, freepublish_submit and freepublish_get pages.
export const wechatErrcodes = {
  systemBusy: -1,
  invalidCredential: 40001,
  invalidMediaType: 40004,
  invalidFileType: 40005,
  invalidFileSize: 40006,
  invalidMediaId: 40007,
  invalidImageSize: 40009,
  invalidThumbSize: 40012,
  invalidAppId: 40013,
  invalidAccessToken: 40014,
  invalidAppSecret: 40125,
  accessTokenMissing: 41001,
  accessTokenExpired: 42001,
  apiQuotaReached: 45009,
  contentSizeOutOfLimit: 45002,
  titleSizeOutOfLimit: 45003,
  descriptionSizeOutOfLimit: 45004,
  authorSizeOutOfLimit: 45110,
  invalidContent: 45166,
  invalidArticleId: 53600,
} as const;

/** Codes that mean "this token is no good": refresh it once and try the call again. */
export const tokenErrcodes: ReadonlySet<number> = new Set([
  wechatErrcodes.invalidCredential,
  wechatErrcodes.invalidAccessToken,
  wechatErrcodes.accessTokenExpired,
]);

/** Codes where waiting helps: the platform is busy or the daily quota is spent (45009 resets at midnight, or by clear_quota). */
const retryableErrcodes: ReadonlySet<number> = new Set([wechatErrcodes.systemBusy, wechatErrcodes.apiQuotaReached]);

/** A WeChat API failure with a stable code: WECHAT_<errcode>, WECHAT_HTTP_<status>, WECHAT_NETWORK, WECHAT_BREAKER_OPEN. */
export class WechatApiError extends PipelineError {
  constructor(
    message: string,
    options: {
      code: string;
      retryable: boolean;
      /** The errcode WeChat answered with; undefined for HTTP, network and breaker failures. */
      errcode?: number;
      httpStatus?: number;
      endpoint: string;
      cause?: unknown;
    },
  ) {
    super(message, {
      code: options.code,
      retryable: options.retryable,
      details: { endpoint: options.endpoint, errcode: options.errcode, httpStatus: options.httpStatus },
      cause: options.cause,
    });
    this.errcode = options.errcode;
    this.httpStatus = options.httpStatus;
    this.endpoint = options.endpoint;
  }
  readonly errcode: number | undefined;
  readonly httpStatus: number | undefined;
  readonly endpoint: string;

  /** Counts against the breaker: the platform (or the way to it) is failing, not our request. */
  get isOutage(): boolean {
    return (
      this.code === 'WECHAT_NETWORK' ||
      this.code === 'WECHAT_TIMEOUT' ||
      (this.httpStatus !== undefined && this.httpStatus >= 500) ||
      this.errcode === wechatErrcodes.systemBusy
    );
  }
}

/** -1 cannot be a code (UPPER_SNAKE): it is WECHAT_SYSTEM_BUSY. */
export const errcodeError = (endpoint: string, errcode: number, errmsg: string): WechatApiError =>
  new WechatApiError(`${endpoint}: WeChat answered ${errcode} ${errmsg}`, {
    code: errcode < 0 ? 'WECHAT_SYSTEM_BUSY' : `WECHAT_${errcode}`,
    retryable: retryableErrcodes.has(errcode),
    errcode,
    endpoint,
  });

export const httpError = (endpoint: string, status: number): WechatApiError =>
  new WechatApiError(`${endpoint}: HTTP ${status}`, {
    code: `WECHAT_HTTP_${status}`,
    // 429 and 5xx are the platform's trouble; other 4xx mean the request (or base URL) is wrong.
    retryable: status >= 500 || status === 429,
    httpStatus: status,
    endpoint,
  });

export const networkError = (endpoint: string, cause: unknown, timedOut: boolean): WechatApiError =>
  new WechatApiError(`${endpoint}: ${timedOut ? 'timed out' : `network error: ${(cause as Error)?.message ?? cause}`}`, {
    code: timedOut ? 'WECHAT_TIMEOUT' : 'WECHAT_NETWORK',
    retryable: true,
    endpoint,
    cause,
  });

export const breakerOpenError = (endpoint: string, appId: string): WechatApiError =>
  new WechatApiError(`${endpoint}: circuit breaker for ${appId} is open; WeChat was failing, calls resume after a pause`, {
    code: 'WECHAT_BREAKER_OPEN',
    retryable: true,
    endpoint,
  });
