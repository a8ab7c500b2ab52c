// A fake of the WeChat Official Account API, faithful to the published contract for the endpoints this project uses:
// tokens (stable_token), uploads (media/uploadimg, material/add_material), draft/add, freepublish/* with asynchronous
// results and the PUBLISHJOBFINISH push. Errors are HTTP 200 with {errcode, errmsg}, as WeChat answers them.
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { publishJobFinishedXml, pushSignature } from '../publish-event.js';
import { wechatErrcodes as E } from '../wechat-error.js';
import { parseMultipart, sniffImage } from './multipart.js';

export interface FakeApp {
  appId: string;
  secret: string;
  /** The account's original id (gh_…), the ToUserName of pushes. */
  originalId?: string;
  /** The account's server URL: PUBLISHJOBFINISH is pushed there, signed with callbackToken. */
  callbackUrl?: string;
  callbackToken?: string;
}

export interface FakeWechatOptions {
  apps: FakeApp[];
  port?: number;
  host?: string;
  /** Lifetime of issued access tokens (WeChat: 7200 s). */
  tokenTtlSeconds?: number;
  /** How long a publish job stays at publish_status 1 before it ends. */
  publishDelayMs?: number;
  /** Where article URLs point: WeChat's own (https://mp.weixin.qq.com/s/<id>) by default; the fake also serves /s/<id>. */
  articleUrlBase?: string;
  /**
   * Serve `/_fake/*`: what it received (GET /_fake/stats) and failure injection (POST /_fake/fail-http, /_fake/fail-next),
   * for tests that run the fake as a process of its own. Off unless asked for; WeChat has nothing like it.
   */
  control?: boolean;
}

export const fakeEndpoints = [
  'stable_token',
  'media/uploadimg',
  'material/add_material',
  'draft/add',
  'draft/batchget',
  'freepublish/submit',
  'freepublish/get',
  'freepublish/delete',
  'freepublish/getarticle',
  'freepublish/batchget',
] as const;
export type FakeEndpoint = (typeof fakeEndpoints)[number];

/** The draft/add limits WeChat states (title ≤ 32, author ≤ 16, digest ≤ 128 characters; content < 20,000 characters and < 1 MB). */
export const fakeLimits = {
  title: 32,
  author: 16,
  digest: 128,
  contentChars: 20_000,
  contentBytes: 1024 * 1024,
  uploadImgBytes: 1024 * 1024,
  thumbBytes: 64 * 1024,
  imageMaterialBytes: 10 * 1024 * 1024,
} as const;

export interface FakeMaterial {
  mediaId: string;
  appId: string;
  type: 'image' | 'thumb';
  format: string;
  bytes: Buffer;
  url: string;
}

export interface FakeUploadedImage {
  url: string;
  appId: string;
  format: string;
  bytes: Buffer;
}

export interface FakeDraftArticle {
  title: string;
  author: string;
  digest: string;
  /** As stored: scripts stripped and images not uploaded through the API removed, as WeChat does. */
  content: string;
  contentSourceUrl: string;
  thumbMediaId: string;
  /** What WeChat silently took out: `<script>` elements and `<img>` with external sources. */
  stripped: { scripts: number; externalImages: string[] };
}

export interface FakeDraft {
  mediaId: string;
  appId: string;
  articles: FakeDraftArticle[];
  createdAt: number;
}

export interface FakePublishJob {
  publishId: string;
  appId: string;
  mediaId: string;
  submittedAt: number;
  endsAt: number;
  /** Status once the job ends: 0, or the failure configured when it was submitted. */
  outcome: number;
  articleId: string | null;
  deleted: boolean;
  pushed: boolean;
}

interface Failure {
  endpoint: FakeEndpoint | null;
  errcode: number;
  errmsg: string;
  remaining: number;
}

const errmsgs: Record<number, string> = {
  [E.systemBusy]: 'system error',
  [E.invalidCredential]: 'invalid credential, access_token is invalid or not latest',
  [E.invalidFileType]: 'invalid file type',
  [E.invalidFileSize]: 'invalid file size',
  [E.invalidMediaId]: 'invalid media_id',
  [E.invalidImageSize]: 'invalid image size',
  [E.invalidThumbSize]: 'invalid thumb size',
  [E.invalidAppId]: 'invalid appid',
  [E.invalidAppSecret]: 'invalid appsecret',
  [E.accessTokenMissing]: 'access_token missing',
  [E.accessTokenExpired]: 'access_token expired',
  [E.apiQuotaReached]: 'reach max api daily quota limit',
  [E.contentSizeOutOfLimit]: 'content size out of limit',
  [E.titleSizeOutOfLimit]: 'title size out of limit',
  [E.descriptionSizeOutOfLimit]: 'description size out of limit',
  [E.authorSizeOutOfLimit]: 'author size out of limit',
  [E.invalidContent]: 'invalid content',
  [E.invalidArticleId]: 'invalid article_id',
};

class Refusal extends Error {
  constructor(
    readonly errcode: number,
    detail?: string,
  ) {
    super(`${errmsgs[errcode] ?? 'error'}${detail ? `: ${detail}` : ''}`);
  }
}

const id = (bytes = 12) => randomBytes(bytes).toString('base64url');
const chars = (text: string) => [...text].length;

/** The fake server: start it, point the client at `url`, inject failures, read what it received. */
export class FakeWechatServer {
  private readonly server: Server;
  private readonly apps = new Map<string, Required<Pick<FakeApp, 'appId' | 'secret' | 'originalId'>> & FakeApp>();
  private readonly tokens = new Map<string, { appId: string; expiresAt: number }>();
  private readonly currentToken = new Map<string, string>();
  private readonly callCounts = new Map<string, number>();
  private readonly acceptedCounts = new Map<string, number>();
  private readonly failures = new Map<string, Failure[]>();
  private readonly httpFailures = new Map<string, number>();
  private readonly lostAnswers = new Map<string, number>();
  private readonly droppedRequests = new Map<string, number>();
  private readonly latency = new Map<string, number>();
  private readonly outcomes = new Map<string, { delayMs?: number; status?: number; pushBeforeAnswer?: boolean }>();
  private readonly pushFirst = new Map<string, FakePublishJob>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly storedMaterials = new Map<string, FakeMaterial>();
  private readonly images = new Map<string, FakeUploadedImage>();
  private readonly storedDrafts = new Map<string, FakeDraft>();
  /** The latest publish job of each draft (by media_id): a draft in a job, or published, is out of the draft box. */
  private readonly jobOfDraft = new Map<string, FakePublishJob>();
  private readonly jobs = new Map<string, FakePublishJob>();
  private readonly pollCounts = new Map<string, number>();
  private nextPublishId = 2_247_483_647;
  private readonly tokenTtlSeconds: number;
  private readonly publishDelayMs: number;
  /** Push deliveries attempted, with the HTTP status the account's server answered (or 0 when unreachable). */
  readonly pushes: Array<{ appId: string; publishId: string; status: number }> = [];
  url = '';

  private constructor(private readonly options: FakeWechatOptions) {
    for (const app of options.apps) this.addApp(app);
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 7200;
    this.publishDelayMs = options.publishDelayMs ?? 200;
    this.server = createServer((request, response) => {
      // A request whose client went away mid-body (a SIGKILLed caller) was never complete: WeChat drops it, so does
      // this — it must not take the server down with it.
      this.handle(request, response).catch(() => {
        if (!response.headersSent && !response.destroyed) reply(response, 500, { errcode: -1, errmsg: 'system error' });
        else response.destroy();
      });
    });
  }

  static async start(options: FakeWechatOptions): Promise<FakeWechatServer> {
    const fake = new FakeWechatServer(options);
    fake.server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
    await once(fake.server, 'listening');
    const address = fake.server.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    fake.url = `http://${options.host === '0.0.0.0' || options.host === undefined ? '127.0.0.1' : options.host}:${port}`;
    return fake;
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addApp(app: FakeApp): void {
    this.apps.set(app.appId, { ...app, originalId: app.originalId ?? `gh_${app.appId.slice(2, 14)}` });
  }

  // ——— injectable failures ———

  /** The next `count` calls of this app (to `endpoint`, or to any endpoint but stable_token) answer `errcode`. */
  failNext(appId: string, failure: { errcode: number; count?: number; endpoint?: FakeEndpoint; errmsg?: string }): void {
    const list = this.failures.get(appId) ?? [];
    list.push({
      endpoint: failure.endpoint ?? null,
      errcode: failure.errcode,
      errmsg: failure.errmsg ?? errmsgs[failure.errcode] ?? 'error',
      remaining: failure.count ?? 1,
    });
    this.failures.set(appId, list);
  }

  /** Every call of this app answers HTTP `status` (e.g. 500) until cleared with null. */
  failHttp(appId: string, status: number | null): void {
    if (status === null) this.httpFailures.delete(appId);
    else this.httpFailures.set(appId, status);
  }

  /** The next `count` calls of this app to `endpoint` are carried out, but answered HTTP 504: the answer is lost. */
  loseAnswers(appId: string, endpoint: FakeEndpoint, count = 1): void {
    this.lostAnswers.set(`${endpoint} ${appId}`, count);
  }

  /**
   * The next `count` calls of this app to `endpoint` never reach WeChat (the caller died mid-request, a proxy dropped
   * it): answered HTTP 502 by the network in between, nothing carried out, nothing counted.
   */
  dropRequests(appId: string, endpoint: FakeEndpoint, count = 1): void {
    this.droppedRequests.set(`${endpoint} ${appId}`, count);
  }

  setLatency(appId: string, ms: number): void {
    this.latency.set(appId, ms);
  }

  /** Every token issued to the app expires now: the next call answers 42001. */
  expireTokens(appId: string): void {
    for (const token of this.tokens.values()) if (token.appId === appId) token.expiresAt = Date.now() - 1;
  }

  /**
   * How the app's next publish jobs end: after delayMs, with status (0 success, 2–4 failures); with pushBeforeAnswer
   * (and delayMs 0), PUBLISHJOBFINISH is pushed before the submit is answered.
   */
  setPublishOutcome(appId: string, outcome: { delayMs?: number; status?: number; pushBeforeAnswer?: boolean }): void {
    this.outcomes.set(appId, outcome);
  }

  setCallback(appId: string, callbackUrl: string | undefined, callbackToken?: string): void {
    const app = this.apps.get(appId);
    if (app) this.apps.set(appId, { ...app, callbackUrl, callbackToken });
  }

  // ——— what the server received ———

  /** freepublish/get answers about one publish job. */
  polls(publishId: string): number {
    return this.pollCounts.get(publishId) ?? 0;
  }

  /** Requests received, per endpoint (and app), whatever the answer. */
  calls(endpoint: FakeEndpoint, appId?: string): number {
    return this.sum(this.callCounts, endpoint, appId);
  }

  /** Requests answered with success, per endpoint (and app). */
  accepted(endpoint: FakeEndpoint, appId?: string): number {
    return this.sum(this.acceptedCounts, endpoint, appId);
  }

  drafts(appId?: string): FakeDraft[] {
    return [...this.storedDrafts.values()].filter((draft) => appId === undefined || draft.appId === appId);
  }

  materials(appId?: string): FakeMaterial[] {
    return [...this.storedMaterials.values()].filter((material) => appId === undefined || material.appId === appId);
  }

  uploadedImages(appId?: string): FakeUploadedImage[] {
    return [...this.images.values()].filter((image) => appId === undefined || image.appId === appId);
  }

  publishJobs(appId?: string): FakePublishJob[] {
    return [...this.jobs.values()].filter((job) => appId === undefined || job.appId === appId);
  }

  /** Published articles with their draft's content, and whether they were deleted. */
  articles(
    appId?: string,
  ): Array<{ articleId: string; appId: string; url: string; deleted: boolean; articles: FakeDraftArticle[] }> {
    return this.publishJobs(appId).flatMap((job) => {
      if (this.statusOf(job) !== 0 && !job.deleted) return [];
      if (job.articleId === null) return [];
      const draft = this.storedDrafts.get(job.mediaId);
      return [
        {
          articleId: job.articleId,
          appId: job.appId,
          url: this.articleUrl(job.articleId),
          deleted: job.deleted,
          articles: draft?.articles ?? [],
        },
      ];
    });
  }

  private sum(map: Map<string, number>, endpoint: string, appId?: string): number {
    let total = 0;
    for (const [key, count] of map) {
      const [e, a] = key.split(' ');
      if (e === endpoint && (appId === undefined || a === appId)) total += count;
    }
    return total;
  }

  private bump(map: Map<string, number>, endpoint: string, appId: string) {
    const key = `${endpoint} ${appId}`;
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  private articleUrl(articleId: string): string {
    return `${this.options.articleUrlBase ?? 'https://mp.weixin.qq.com/s/'}${articleId}`;
  }

  // ——— HTTP ———

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://fake');
    const body = await readBody(request);
    if (this.options.control === true && url.pathname.startsWith('/_fake/')) return this.control(request, url, body, response);
    if (request.method === 'GET') return this.serveFile(url.pathname, response);
    const endpoint = url.pathname.replace(/^\/cgi-bin\//, '') as FakeEndpoint;
    if (request.method !== 'POST' || !fakeEndpoints.includes(endpoint)) {
      return reply(response, 404, { errcode: 404, errmsg: `no such endpoint ${url.pathname}` });
    }
    let appId = '';
    try {
      if (endpoint === 'stable_token') {
        const input = parseJson(body) as { grant_type?: string; appid?: string; secret?: string; force_refresh?: boolean };
        appId = String(input.appid ?? '');
        this.bump(this.callCounts, endpoint, appId);
        await this.prelude(appId, response);
        if (response.writableEnded) return;
        const answer = this.stableToken(input);
        this.bump(this.acceptedCounts, endpoint, appId);
        return reply(response, 200, answer);
      }
      const token = url.searchParams.get('access_token');
      appId = this.tokens.get(token ?? '')?.appId ?? '';
      if (takeOne(this.droppedRequests, `${endpoint} ${appId}`)) return gatewayError(response, 502, 'Bad Gateway');
      this.bump(this.callCounts, endpoint, appId);
      await this.prelude(appId, response);
      if (response.writableEnded) return;
      this.checkToken(token);
      this.injected(appId, endpoint);
      const answer = this.dispatch(endpoint, appId, url, request.headers['content-type'], body);
      this.bump(this.acceptedCounts, endpoint, appId);
      if (takeOne(this.lostAnswers, `${endpoint} ${appId}`)) return gatewayError(response, 504, 'Gateway Time-out');
      // A job set to push before its answer: the push reaches the account's server first, as a slow network can have it.
      const early =
        endpoint === 'freepublish/submit'
          ? this.pushFirst.get(String((answer as { publish_id?: string }).publish_id))
          : undefined;
      if (early !== undefined) {
        this.pushFirst.delete(early.publishId);
        await this.push(early);
      }
      return reply(response, 200, answer);
    } catch (error) {
      if (error instanceof Refusal) return reply(response, 200, { errcode: error.errcode, errmsg: error.message });
      return reply(response, 200, { errcode: E.systemBusy, errmsg: `system error: ${(error as Error).message}` });
    }
  }

  /** The test-control surface (options.control): counters, stored drafts and jobs, failure injection. */
  private control(request: IncomingMessage, url: URL, body: Buffer, response: ServerResponse): void {
    const apps = (appId: unknown) => (typeof appId === 'string' ? [appId] : [...this.apps.keys()]);
    try {
      if (request.method === 'GET' && url.pathname === '/_fake/stats') {
        const counts = (map: Map<string, number>) => Object.fromEntries(map);
        reply(response, 200, {
          calls: counts(this.callCounts),
          accepted: counts(this.acceptedCounts),
          drafts: [...this.storedDrafts.values()].map((draft) => ({
            mediaId: draft.mediaId,
            appId: draft.appId,
            articles: draft.articles.map((article) => ({
              title: article.title,
              contentSourceUrl: article.contentSourceUrl,
              contentSha256: createHash('sha256').update(article.content).digest('hex'),
            })),
          })),
          jobs: [...this.jobs.values()].map((job) => ({
            publishId: job.publishId,
            appId: job.appId,
            mediaId: job.mediaId,
            status: this.statusOf(job),
            articleId: job.articleId,
            deleted: job.deleted,
          })),
        });
        return;
      }
      const input = (body.length === 0 ? {} : parseJson(body)) as {
        appId?: string;
        status?: number | null;
        errcode?: number;
        count?: number;
      };
      if (request.method === 'POST' && url.pathname === '/_fake/fail-http') {
        for (const appId of apps(input.appId)) this.failHttp(appId, input.status ?? null);
        reply(response, 200, { ok: true });
        return;
      }
      if (request.method === 'POST' && url.pathname === '/_fake/fail-next' && typeof input.errcode === 'number') {
        for (const appId of apps(input.appId)) this.failNext(appId, { errcode: input.errcode, count: input.count ?? 1 });
        reply(response, 200, { ok: true });
        return;
      }
      reply(response, 404, { error: `no control ${request.method} ${url.pathname}` });
      return;
    } catch (error) {
      reply(response, 400, { error: (error as Error).message });
      return;
    }
  }

  /** Latency, then a persistent HTTP failure: what an outage looks like from outside. */
  private async prelude(appId: string, response: ServerResponse): Promise<void> {
    const delay = this.latency.get(appId) ?? 0;
    if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
    const status = this.httpFailures.get(appId);
    if (status !== undefined) {
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end(`<html><body>${status}</body></html>`);
    }
  }

  private injected(appId: string, endpoint: FakeEndpoint): void {
    const list = this.failures.get(appId) ?? [];
    const failure = list.find((f) => f.remaining > 0 && (f.endpoint === endpoint || f.endpoint === null));
    if (!failure) return;
    failure.remaining -= 1;
    throw Object.assign(new Refusal(failure.errcode), { message: failure.errmsg });
  }

  private stableToken(input: { grant_type?: string; appid?: string; secret?: string; force_refresh?: boolean }) {
    if (input.grant_type !== 'client_credential') throw new Refusal(40002, 'grant_type must be client_credential');
    const app = this.apps.get(input.appid ?? '');
    if (!app) throw new Refusal(E.invalidAppId);
    if (app.secret !== input.secret) throw new Refusal(E.invalidAppSecret);
    const current = this.currentToken.get(app.appId);
    const entry = current === undefined ? undefined : this.tokens.get(current);
    // Normal mode hands back the token still valid; force_refresh (or an expired one) issues a new one.
    if (!input.force_refresh && current !== undefined && entry !== undefined && entry.expiresAt > Date.now()) {
      return { access_token: current, expires_in: Math.floor((entry.expiresAt - Date.now()) / 1000) };
    }
    const token = `${id(24)}`;
    this.tokens.set(token, { appId: app.appId, expiresAt: Date.now() + this.tokenTtlSeconds * 1000 });
    this.currentToken.set(app.appId, token);
    return { access_token: token, expires_in: this.tokenTtlSeconds };
  }

  private checkToken(token: string | null): void {
    if (!token) throw new Refusal(E.accessTokenMissing);
    const entry = this.tokens.get(token);
    if (!entry) throw new Refusal(E.invalidCredential);
    if (entry.expiresAt <= Date.now()) throw new Refusal(E.accessTokenExpired);
  }

  private dispatch(endpoint: FakeEndpoint, appId: string, url: URL, contentType: string | undefined, body: Buffer): unknown {
    switch (endpoint) {
      case 'media/uploadimg':
        return this.uploadImg(appId, contentType, body);
      case 'material/add_material':
        return this.addMaterial(appId, url.searchParams.get('type'), contentType, body);
      case 'draft/add':
        return this.addDraft(appId, parseJson(body));
      case 'freepublish/submit':
        return this.submit(appId, parseJson(body) as { media_id?: string });
      case 'freepublish/get':
        return this.getStatus(appId, parseJson(body) as { publish_id?: string });
      case 'freepublish/delete':
        return this.deleteArticle(appId, parseJson(body) as { article_id?: string; index?: number });
      case 'freepublish/getarticle':
        return this.getArticle(appId, parseJson(body) as { article_id?: string });
      case 'draft/batchget':
        return this.draftBatchGet(appId, parseJson(body) as BatchGetInput);
      case 'freepublish/batchget':
        return this.batchGet(appId, parseJson(body) as BatchGetInput);
      default:
        throw new Refusal(E.systemBusy, `unsupported ${endpoint}`);
    }
  }

  private fileOf(contentType: string | undefined, body: Buffer) {
    const file = parseMultipart(contentType, body)?.find((part) => part.name === 'media' && part.fileName !== null);
    if (!file) throw new Refusal(41005, 'media data missing: send the file as multipart field "media"');
    return file;
  }

  /** media/uploadimg: "图片仅支持jpg/png格式，大小必须在1MB以下". */
  private uploadImg(appId: string, contentType: string | undefined, body: Buffer) {
    const file = this.fileOf(contentType, body);
    const format = sniffImage(file.bytes);
    if (format !== 'jpeg' && format !== 'png')
      throw new Refusal(E.invalidFileType, `uploadimg takes jpg or png, got ${format ?? 'unknown'}`);
    if (file.bytes.length >= fakeLimits.uploadImgBytes)
      throw new Refusal(E.invalidImageSize, `${file.bytes.length} bytes ≥ 1 MB`);
    const url = `${this.url}/mmbiz_${format === 'jpeg' ? 'jpg' : 'png'}/${id()}/0`;
    this.images.set(url, { url, appId, format, bytes: file.bytes });
    return { url };
  }

  /** material/add_material: image (bmp/png/jpeg/gif ≤ 10 MB) or thumb (jpg ≤ 64 KB). */
  private addMaterial(appId: string, type: string | null, contentType: string | undefined, body: Buffer) {
    if (type !== 'image' && type !== 'thumb')
      throw new Refusal(E.invalidMediaType, `type ${type ?? '(none)'} is not image or thumb`);
    const file = this.fileOf(contentType, body);
    const format = sniffImage(file.bytes);
    if (type === 'thumb') {
      if (format !== 'jpeg') throw new Refusal(E.invalidFileType, `a thumb is jpg, got ${format ?? 'unknown'}`);
      if (file.bytes.length > fakeLimits.thumbBytes) throw new Refusal(E.invalidThumbSize, `${file.bytes.length} bytes > 64 KB`);
    } else {
      if (format === null) throw new Refusal(E.invalidFileType, 'not an image');
      if (file.bytes.length > fakeLimits.imageMaterialBytes)
        throw new Refusal(E.invalidImageSize, `${file.bytes.length} bytes > 10 MB`);
    }
    const mediaId = id(32);
    const url = `${this.url}/mmbiz_${format === 'jpeg' ? 'jpg' : format}/${id()}/0`;
    this.storedMaterials.set(mediaId, { mediaId, appId, type, format, bytes: file.bytes, url });
    if (type === 'image') this.images.set(url, { url, appId, format, bytes: file.bytes });
    return type === 'image' ? { media_id: mediaId, url } : { media_id: mediaId };
  }

  private addDraft(appId: string, input: unknown) {
    const articles = (input as { articles?: unknown[] })?.articles;
    if (!Array.isArray(articles) || articles.length === 0 || articles.length > 8) {
      throw new Refusal(E.invalidContent, 'articles must hold 1 to 8 articles');
    }
    const stored = articles.map((raw, i) => {
      const a = raw as Record<string, unknown>;
      const text = (field: string) => (typeof a[field] === 'string' ? (a[field] as string) : '');
      const [title, author, digest, content] = [text('title'), text('author'), text('digest'), text('content')];
      if (title.trim() === '' || chars(title) > fakeLimits.title)
        throw new Refusal(E.titleSizeOutOfLimit, `article ${i + 1}: ${chars(title)} characters`);
      if (chars(author) > fakeLimits.author)
        throw new Refusal(E.authorSizeOutOfLimit, `article ${i + 1}: ${chars(author)} characters`);
      if (chars(digest) > fakeLimits.digest)
        throw new Refusal(E.descriptionSizeOutOfLimit, `article ${i + 1}: ${chars(digest)} characters`);
      if (content.trim() === '') throw new Refusal(E.invalidContent, `article ${i + 1}: empty content`);
      if (chars(content) >= fakeLimits.contentChars || Buffer.byteLength(content) >= fakeLimits.contentBytes) {
        throw new Refusal(
          E.contentSizeOutOfLimit,
          `article ${i + 1}: ${chars(content)} characters, ${Buffer.byteLength(content)} bytes`,
        );
      }
      const thumb = this.storedMaterials.get(text('thumb_media_id'));
      if (!thumb || thumb.appId !== appId)
        throw new Refusal(E.invalidMediaId, `article ${i + 1}: thumb_media_id is not a material of this account`);
      const cleaned = this.cleanContent(appId, content);
      return {
        title,
        author,
        digest,
        content: cleaned.content,
        contentSourceUrl: text('content_source_url'),
        thumbMediaId: thumb.mediaId,
        stripped: cleaned.stripped,
      };
    });
    const mediaId = id(32);
    this.storedDrafts.set(mediaId, { mediaId, appId, articles: stored, createdAt: Date.now() });
    return { media_id: mediaId };
  }

  /** "此处会去除JS" and "外部图片链接将被过滤": scripts go, and so does every image not uploaded through this account. */
  private cleanContent(appId: string, content: string): { content: string; stripped: FakeDraftArticle['stripped'] } {
    let scripts = 0;
    const externalImages: string[] = [];
    const withoutScripts = content.replace(/<script\b[\s\S]*?(?:<\/script\s*>|$)/gi, () => {
      scripts++;
      return '';
    });
    const cleaned = withoutScripts.replace(/<img\b[^>]*>/gi, (tag) => {
      const src = /\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
      const url = src?.[1] ?? src?.[2] ?? src?.[3] ?? '';
      if (this.images.get(url)?.appId === appId) return tag;
      externalImages.push(url);
      return '';
    });
    return { content: cleaned, stripped: { scripts, externalImages } };
  }

  /**
   * Is the draft in the draft box? "草稿发表后，原草稿将从草稿箱移除" and "若在发表过程中出现系统失败，草稿箱中会保留这份
   * 草稿的备份" (WeChat's 草稿箱功能说明): a submitted draft leaves the box when its job is accepted and comes back only if
   * the job fails. So a draft can be submitted once; submitting it again is refused while its job runs or once published.
   */
  private inDraftBox(draft: FakeDraft): boolean {
    const job = this.jobOfDraft.get(draft.mediaId);
    if (job === undefined) return true;
    const status = this.statusOf(job);
    return status >= 2 && status <= 4;
  }

  private submit(appId: string, input: { media_id?: string }) {
    const draft = this.storedDrafts.get(input.media_id ?? '');
    if (!draft || draft.appId !== appId || !this.inDraftBox(draft))
      throw new Refusal(E.invalidMediaId, 'no draft with this media_id in the draft box');
    const outcome = this.outcomes.get(appId) ?? {};
    const publishId = String(this.nextPublishId++);
    const now = Date.now();
    const job: FakePublishJob = {
      publishId,
      appId,
      mediaId: draft.mediaId,
      submittedAt: now,
      endsAt: now + (outcome.delayMs ?? this.publishDelayMs),
      outcome: outcome.status ?? 0,
      articleId: (outcome.status ?? 0) === 0 ? id(32) : null,
      deleted: false,
      pushed: false,
    };
    this.jobs.set(publishId, job);
    this.jobOfDraft.set(draft.mediaId, job);
    if (outcome.pushBeforeAnswer === true && job.endsAt <= now) {
      this.pushFirst.set(publishId, job);
      return { errcode: 0, errmsg: 'ok', publish_id: publishId, msg_data_id: String(now) };
    }
    this.pushAtEnd(job);
    return { errcode: 0, errmsg: 'ok', publish_id: publishId, msg_data_id: String(now) };
  }

  /** PUBLISHJOBFINISH once the job has ended (a timer may fire a millisecond before Date.now() gets there: then it waits on). */
  private pushAtEnd(job: FakePublishJob): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        if (Date.now() < job.endsAt) this.pushAtEnd(job);
        else void this.push(job);
      },
      Math.max(0, job.endsAt - Date.now()),
    );
    timer.unref();
    this.timers.add(timer);
  }

  private statusOf(job: FakePublishJob): number {
    if (Date.now() < job.endsAt) return 1;
    if (job.deleted) return 5;
    return job.outcome;
  }

  private statusBody(job: FakePublishJob) {
    const status = this.statusOf(job);
    const draft = this.storedDrafts.get(job.mediaId);
    return {
      publish_id: job.publishId,
      publish_status: status,
      ...(status === 0 && job.articleId !== null
        ? {
            article_id: job.articleId,
            article_detail: {
              count: draft?.articles.length ?? 1,
              item: (draft?.articles ?? [null]).map((_, i) => ({
                idx: i + 1,
                article_url: this.articleUrl(job.articleId ?? ''),
              })),
            },
          }
        : {}),
      fail_idx: status >= 2 && status <= 4 ? [1] : [],
    };
  }

  private getStatus(appId: string, input: { publish_id?: string }) {
    const job = this.jobs.get(String(input.publish_id ?? ''));
    if (!job || job.appId !== appId) throw new Refusal(E.invalidMediaId, 'no publish job with this publish_id');
    this.pollCounts.set(job.publishId, (this.pollCounts.get(job.publishId) ?? 0) + 1);
    return this.statusBody(job);
  }

  private jobOfArticle(appId: string, articleId: string | undefined): FakePublishJob {
    const job = [...this.jobs.values()].find((j) => j.articleId === articleId && j.appId === appId && Date.now() >= j.endsAt);
    if (!job || articleId === undefined) throw new Refusal(E.invalidArticleId);
    return job;
  }

  private deleteArticle(appId: string, input: { article_id?: string; index?: number }) {
    const job = this.jobOfArticle(appId, input.article_id);
    job.deleted = true;
    return { errcode: 0, errmsg: 'ok' };
  }

  private newsItems(job: FakePublishJob, withContent = true) {
    return (this.storedDrafts.get(job.mediaId)?.articles ?? []).map((article) => ({
      title: article.title,
      author: article.author,
      digest: article.digest,
      ...(withContent ? { content: article.content } : {}),
      content_source_url: article.contentSourceUrl,
      thumb_media_id: article.thumbMediaId,
      url: this.articleUrl(job.articleId ?? ''),
      is_deleted: job.deleted,
    }));
  }

  private getArticle(appId: string, input: { article_id?: string }) {
    return { news_item: this.newsItems(this.jobOfArticle(appId, input.article_id)) };
  }

  /** freepublish/batchget: the account's published articles, newest first (without content when no_content is 1). */
  private batchGet(appId: string, input: BatchGetInput) {
    const published = this.publishJobs(appId)
      .filter((job) => this.statusOf(job) === 0)
      .sort((a, b) => b.endsAt - a.endsAt);
    return pageOf(published, input, (job) => ({
      article_id: job.articleId ?? '',
      content: { news_item: this.newsItems(job, input.no_content !== 1) },
      update_time: Math.floor(job.endsAt / 1000),
    }));
  }

  /** draft/batchget: the drafts in the account's draft box (not those submitted), newest first (without content when no_content is 1). */
  private draftBatchGet(appId: string, input: BatchGetInput) {
    const drafts = this.drafts(appId)
      .filter((draft) => this.inDraftBox(draft))
      .sort((a, b) => b.createdAt - a.createdAt);
    return pageOf(drafts, input, (draft) => ({
      media_id: draft.mediaId,
      content: {
        news_item: draft.articles.map((article) => ({
          title: article.title,
          author: article.author,
          digest: article.digest,
          ...(input.no_content === 1 ? {} : { content: article.content }),
          content_source_url: article.contentSourceUrl,
          thumb_media_id: article.thumbMediaId,
        })),
      },
      update_time: Math.floor(draft.createdAt / 1000),
    }));
  }

  /** PUBLISHJOBFINISH to the account's server URL, signed as WeChat signs pushes. Best effort, once: polling is the fallback. */
  private async push(job: FakePublishJob): Promise<void> {
    const app = this.apps.get(job.appId);
    if (!app?.callbackUrl || job.pushed) return;
    job.pushed = true;
    const body = this.statusBody(job);
    const xml = publishJobFinishedXml({
      toUserName: app.originalId,
      createTime: Math.floor(Date.now() / 1000),
      publishId: job.publishId,
      publishStatus: body.publish_status,
      articleId: body.article_id ?? null,
      articleUrls: body.article_detail?.item.map((item) => item.article_url) ?? [],
      failIdx: body.fail_idx,
    });
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = String(Math.floor(Math.random() * 1e9));
    const url = new URL(app.callbackUrl);
    url.searchParams.set('timestamp', timestamp);
    url.searchParams.set('nonce', nonce);
    url.searchParams.set('signature', pushSignature(app.callbackToken ?? '', timestamp, nonce));
    const status = await fetch(url, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml }).then(
      (response) => response.status,
      () => 0,
    );
    this.pushes.push({ appId: job.appId, publishId: job.publishId, status });
  }

  /** Uploaded images (mmbiz URLs) and published articles (/s/<article_id>), as readers would fetch them. */
  private serveFile(pathname: string, response: ServerResponse): void {
    const image = this.images.get(`${this.url}${pathname}`);
    if (image) {
      response.writeHead(200, { 'content-type': `image/${image.format}` });
      response.end(image.bytes);
      return;
    }
    const article = /^\/s\/([\w-]+)$/.exec(pathname);
    const job = article ? [...this.jobs.values()].find((j) => j.articleId === article[1] && this.statusOf(j) === 0) : undefined;
    const first = job ? this.storedDrafts.get(job.mediaId)?.articles[0] : undefined;
    if (first) {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(
        `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(first.title)}</title></head><body><h1>${escapeHtml(first.title)}</h1>${first.content}</body></html>`,
      );
      return;
    }
    if (pathname === '/healthz') {
      reply(response, 200, { ok: true });
      return;
    }
    reply(response, 404, { errcode: 404, errmsg: 'not found' });
  }
}

interface BatchGetInput {
  offset?: number;
  count?: number;
  no_content?: number;
}

/** One page of a batchget answer, as both batchget endpoints page: count 1 to 20 from offset, with the total. */
const pageOf = <T, Item>(all: readonly T[], input: BatchGetInput, toItem: (entry: T) => Item) => {
  const count = input.count ?? 20;
  if (count < 1 || count > 20) throw new Refusal(40097, 'invalid args: count must be 1 to 20');
  const page = all.slice(input.offset ?? 0, (input.offset ?? 0) + count);
  return { total_count: all.length, item_count: page.length, item: page.map(toItem) };
};

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const parseJson = (body: Buffer): unknown => {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw new Refusal(47001, 'data format error'); // WeChat's answer to a body that is not JSON
  }
};

const readBody = (request: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const reply = (response: ServerResponse, status: number, body: unknown): void => {
  if (response.writableEnded) return;
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
};

/** One of the counted injections under `key`, if any is left. */
function takeOne(counts: Map<string, number>, key: string): boolean {
  const left = counts.get(key) ?? 0;
  if (left > 0) counts.set(key, left - 1);
  return left > 0;
}

/** What a proxy in front of WeChat answers when it could not reach it or gave up waiting. */
function gatewayError(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/html' });
  response.end(`<html><body>${status} ${text}</body></html>`);
}
