import CircuitBreaker from 'opossum';
import type { z } from 'zod';
import { AccessTokenCache } from './access-token.cache.js';
import { breakerOpenError, errcodeError, httpError, networkError, tokenErrcodes, WechatApiError } from './wechat-error.js';
import {
  AddMaterialResponse,
  BatchGetResponse,
  DraftAddResponse,
  type DraftArticle,
  DraftBatchGetResponse,
  ErrorResponse,
  GetArticleResponse,
  type NewsItem,
  PublishStatusResponse,
  StableTokenResponse,
  SubmitResponse,
  UploadImgResponse,
} from './wechat-wire.js';

/** One entry of a batchget page, whatever its id (see listDrafts, listPublished). */
export interface BatchGetItem {
  items: Array<Partial<NewsItem>>;
  updateTime: number;
}

const batchGetItem = (item: { content: { news_item: Array<Partial<NewsItem>> }; update_time: number }): BatchGetItem => ({
  items: item.content.news_item,
  updateTime: item.update_time,
});

export interface WechatCredentials {
  appId: string;
  /** AppSecret: sent only to stable_token, never logged, never part of an error. */
  secret: string;
}

export interface WechatClientOptions {
  /** https://api.weixin.qq.com in production; the fake server's URL in tests and npm start. */
  baseUrl: string;
  /** Per HTTP call; an answer slower than this counts as an outage. */
  timeoutMs?: number;
  /** Retries of retryable failures (-1, 45009, 5xx, network) inside one client call, with exponential backoff. */
  retry?: { attempts?: number; initialDelayMs?: number; maxDelayMs?: number };
  /** One breaker per account: one account's outage (or quota) never slows the others. */
  breaker?: {
    resetTimeoutMs?: number;
    errorThresholdPercentage?: number;
    volumeThreshold?: number;
    rollingCountTimeoutMs?: number;
  };
  /** A token is refreshed this long before WeChat says it expires. */
  refreshEarlyMs?: number;
  /** Called once per account breaker, e.g. to export its state as a metric. */
  onBreaker?: (appId: string, breaker: CircuitBreaker) => void;
  /** Called after every HTTP exchange, for metrics and logs; never sees a secret or a token. */
  onExchange?: (exchange: { appId: string; endpoint: string; ms: number; outcome: 'ok' | string }) => void;
}

export interface Upload {
  bytes: Buffer;
  fileName: string;
  mediaType: 'image/jpeg' | 'image/png' | 'image/gif';
}

export interface PublishStatus {
  publishId: string;
  /** 0 success, 1 publishing, 2 original-check failed, 3 routine failure, 4 audit refused, 5 deleted, 6 banned. */
  status: number;
  articleId: string | null;
  articleUrls: string[];
  failIdx: number[];
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** The WeChat Official Account API for any number of accounts: one token cache and one circuit breaker per account. */
export class WechatApiClient {
  private readonly accounts = new Map<string, WechatAccountApi>();

  constructor(private readonly options: WechatClientOptions) {}

  /** The API as one account: the same object (token, breaker) for the same appId, a new one when its secret was rotated. */
  forAccount(credentials: WechatCredentials): WechatAccountApi {
    let api = this.accounts.get(credentials.appId);
    if (!api?.hasSecret(credentials.secret)) {
      api?.shutdown();
      api = new WechatAccountApi(credentials, this.options);
      this.accounts.set(credentials.appId, api);
    }
    return api;
  }

  /** Breaker state per appId, for readiness checks and metrics. */
  breakerStates(): Record<string, BreakerState> {
    return Object.fromEntries([...this.accounts].map(([appId, api]) => [appId, api.breakerState]));
  }

  shutdown(): void {
    for (const api of this.accounts.values()) api.shutdown();
  }
}

interface Exchange {
  endpoint: string;
  /** Builds the request with the current token (tokens change between a 42001 and its retry). */
  request: (token: string) => { url: string; init: RequestInit };
}

/** One account's calls. Every call: token → breaker → fetch → errcode mapping, 40001/42001 refreshes once, retryable retried. */
export class WechatAccountApi {
  private readonly breaker: CircuitBreaker<[Exchange, string], unknown>;
  private readonly tokens: AccessTokenCache;
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly retry: { attempts: number; initialDelayMs: number; maxDelayMs: number };

  constructor(
    private readonly credentials: WechatCredentials,
    private readonly options: WechatClientOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.retry = {
      attempts: options.retry?.attempts ?? 4,
      initialDelayMs: options.retry?.initialDelayMs ?? 500,
      maxDelayMs: options.retry?.maxDelayMs ?? 8_000,
    };
    this.breaker = new CircuitBreaker((exchange: Exchange, token: string) => this.send(exchange, token), {
      timeout: false, // fetch aborts on its own timeout, which maps to WECHAT_TIMEOUT
      resetTimeout: options.breaker?.resetTimeoutMs ?? 30_000,
      errorThresholdPercentage: options.breaker?.errorThresholdPercentage ?? 50,
      volumeThreshold: options.breaker?.volumeThreshold ?? 5,
      rollingCountTimeout: options.breaker?.rollingCountTimeoutMs ?? 60_000,
      // An errcode about our request (limits, media ids, quota) is an answer, not an outage.
      errorFilter: (error: unknown) => !(error instanceof WechatApiError && error.isOutage),
    });
    options.onBreaker?.(credentials.appId, this.breaker as unknown as CircuitBreaker);
    this.tokens = new AccessTokenCache(
      (forceRefresh) => this.fetchStableToken(forceRefresh),
      options.refreshEarlyMs ?? 5 * 60_000,
    );
  }

  get appId(): string {
    return this.credentials.appId;
  }

  hasSecret(secret: string): boolean {
    return this.credentials.secret === secret;
  }

  /**
   * A valid access token in hand (fetched if there is none): a caller about to store "this call is on its way" gets
   * everything the call needs first, so a crash after storing it falls inside the request, not before it.
   */
  async ready(): Promise<void> {
    await this.tokens.get();
  }

  get breakerState(): BreakerState {
    return this.breaker.opened ? 'open' : this.breaker.halfOpen ? 'half-open' : 'closed';
  }

  /** media/uploadimg: an image for the article body (jpg/png, < 1 MB); the URL is the only src WeChat keeps. */
  async uploadImage(upload: Upload): Promise<{ url: string }> {
    const body = await this.call('media/uploadimg', UploadImgResponse, (token) =>
      this.multipart(`/cgi-bin/media/uploadimg?access_token=${encodeURIComponent(token)}`, upload),
    );
    return { url: body.url };
  }

  /** material/add_material: a permanent image (cover) or thumb (≤ 64 KB jpg); draft/add's thumb_media_id is one of these. */
  async addMaterial(type: 'image' | 'thumb', upload: Upload): Promise<{ mediaId: string; url: string | null }> {
    const body = await this.call(`material/add_material?type=${type}`, AddMaterialResponse, (token) =>
      this.multipart(`/cgi-bin/material/add_material?access_token=${encodeURIComponent(token)}&type=${type}`, upload),
    );
    return { mediaId: body.media_id, url: body.url ?? null };
  }

  /** draft/add: returns the draft's media_id. Not idempotent: the caller stores the id before doing anything else. */
  async addDraft(articles: DraftArticle[]): Promise<{ mediaId: string }> {
    const body = await this.postJson('draft/add', DraftAddResponse, { articles }, false);
    return { mediaId: body.media_id };
  }

  /** draft/batchget: the account's newest drafts, to find one whose draft/add answer was lost. */
  async listDrafts(offset = 0, count = 20): Promise<Array<BatchGetItem & { mediaId: string }>> {
    const body = await this.postJson('draft/batchget', DraftBatchGetResponse, { offset, count, no_content: 1 });
    return body.item.map((item) => ({ mediaId: item.media_id, ...batchGetItem(item) }));
  }

  /** freepublish/submit: starts an asynchronous publish job; the result comes by freepublish/get or PUBLISHJOBFINISH. */
  async submitPublish(mediaId: string): Promise<{ publishId: string; msgDataId: string | null }> {
    const body = await this.postJson('freepublish/submit', SubmitResponse, { media_id: mediaId }, false);
    return { publishId: body.publish_id, msgDataId: body.msg_data_id ?? null };
  }

  async getPublishStatus(publishId: string): Promise<PublishStatus> {
    const body = await this.postJson('freepublish/get', PublishStatusResponse, { publish_id: publishId });
    return {
      publishId: body.publish_id,
      status: body.publish_status,
      articleId: body.article_id ?? null,
      articleUrls: body.article_detail?.item.map((item) => item.article_url) ?? [],
      failIdx: body.fail_idx ?? [],
    };
  }

  /** freepublish/delete: index 0 (or absent) deletes every article of the publication. */
  async deletePublished(articleId: string, index = 0): Promise<void> {
    await this.postJson('freepublish/delete', ErrorResponse.partial(), { article_id: articleId, index });
  }

  async getArticle(articleId: string): Promise<NewsItem[]> {
    return (await this.postJson('freepublish/getarticle', GetArticleResponse, { article_id: articleId })).news_item;
  }

  /** freepublish/batchget: the newest published articles, to reconcile a submit whose answer was lost. */
  async listPublished(offset = 0, count = 20): Promise<Array<BatchGetItem & { articleId: string }>> {
    const body = await this.postJson('freepublish/batchget', BatchGetResponse, { offset, count, no_content: 1 });
    return body.item.map((item) => ({ articleId: item.article_id, ...batchGetItem(item) }));
  }

  shutdown(): void {
    this.breaker.shutdown();
  }

  private postJson<S extends z.ZodType>(endpoint: string, schema: S, payload: unknown, idempotent = true): Promise<z.output<S>> {
    return this.call(
      endpoint,
      schema,
      (token) => ({
        url: `${this.baseUrl}/cgi-bin/${endpoint}?access_token=${encodeURIComponent(token)}`,
        // JSON.stringify writes Chinese as UTF-8, not \u escapes, which WeChat would show literally.
        init: { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(payload) },
      }),
      idempotent,
    );
  }

  private multipart(path: string, upload: Upload): { url: string; init: RequestInit } {
    const form = new FormData();
    form.append('media', new Blob([new Uint8Array(upload.bytes)], { type: upload.mediaType }), upload.fileName);
    return { url: `${this.baseUrl}${path}`, init: { method: 'POST', body: form } };
  }

  /**
   * One logical call: token, breaker, one refresh on a token errcode, backoff on retryable failures. A call that is
   * not idempotent (draft/add, freepublish/submit) is retried only on an errcode answer, which says nothing was done:
   * after a lost answer (network, timeout, 5xx) it may have been, and the caller must find out before trying again.
   */
  private async call<S extends z.ZodType>(
    endpoint: string,
    schema: S,
    request: (token: string) => { url: string; init: RequestInit },
    idempotent = true,
  ): Promise<z.output<S>> {
    let refreshed = false;
    for (let attempt = 1; ; attempt++) {
      try {
        const token = await this.tokens.get(refreshed);
        const json = await this.fire({ endpoint, request }, token);
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          throw new WechatApiError(`${endpoint}: unexpected answer: ${parsed.error.issues[0]?.message ?? 'invalid'}`, {
            code: 'WECHAT_BAD_RESPONSE',
            retryable: false,
            endpoint,
          });
        }
        return parsed.data;
      } catch (error) {
        if (error instanceof WechatApiError && error.errcode !== undefined && tokenErrcodes.has(error.errcode) && !refreshed) {
          refreshed = true; // the token was revoked or expired early: a fresh one, once
          this.tokens.invalidate();
          attempt--;
          continue;
        }
        const retryable =
          error instanceof WechatApiError &&
          error.retryable &&
          error.code !== 'WECHAT_BREAKER_OPEN' &&
          (idempotent || error.errcode !== undefined);
        if (!retryable || attempt >= this.retry.attempts) throw error;
        await sleep(Math.min(this.retry.maxDelayMs, this.retry.initialDelayMs * 2 ** (attempt - 1)));
      }
    }
  }

  private async fire(exchange: Exchange, token: string): Promise<unknown> {
    try {
      return await this.breaker.fire(exchange, token);
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') throw breakerOpenError(exchange.endpoint, this.credentials.appId);
      throw error;
    }
  }

  /** One HTTP exchange. WeChat answers errors as HTTP 200 with {errcode, errmsg}. */
  private async send(exchange: Exchange, token: string): Promise<unknown> {
    const { endpoint } = exchange;
    const { url, init } = exchange.request(token);
    const started = performance.now();
    let outcome = 'ok';
    try {
      let response: Response;
      try {
        response = await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
      } catch (error) {
        throw networkError(endpoint, error, (error as Error)?.name === 'TimeoutError');
      }
      if (!response.ok) {
        await response.body?.cancel();
        throw httpError(endpoint, response.status);
      }
      const text = await response.text().catch((error: unknown) => {
        throw networkError(endpoint, error, (error as Error)?.name === 'TimeoutError');
      });
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new WechatApiError(`${endpoint}: answer is not JSON`, { code: 'WECHAT_BAD_RESPONSE', retryable: false, endpoint });
      }
      const error = ErrorResponse.safeParse(json);
      if (error.success && error.data.errcode !== 0) throw errcodeError(endpoint, error.data.errcode, error.data.errmsg);
      return json;
    } catch (error) {
      outcome = error instanceof WechatApiError ? error.code : 'WECHAT_UNEXPECTED';
      throw error;
    } finally {
      this.options.onExchange?.({ appId: this.credentials.appId, endpoint, ms: performance.now() - started, outcome });
    }
  }

  private async fetchStableToken(forceRefresh: boolean): Promise<{ token: string; expiresInSeconds: number }> {
    const endpoint = 'stable_token';
    const json = await this.fire(
      {
        endpoint,
        request: () => ({
          url: `${this.baseUrl}/cgi-bin/stable_token`,
          init: {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              grant_type: 'client_credential',
              appid: this.credentials.appId,
              secret: this.credentials.secret,
              force_refresh: forceRefresh,
            }),
          },
        }),
      },
      '',
    );
    const parsed = StableTokenResponse.safeParse(json);
    if (!parsed.success) {
      throw new WechatApiError('stable_token: unexpected answer', { code: 'WECHAT_BAD_RESPONSE', retryable: false, endpoint });
    }
    return { token: parsed.data.access_token, expiresInSeconds: parsed.data.expires_in };
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
