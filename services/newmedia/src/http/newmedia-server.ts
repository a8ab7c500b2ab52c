import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Logger } from '@tongyuan/logger';
import type { ObjectStore } from '@tongyuan/object-store';
import type { RequestInterceptor } from '@tongyuan/observability';
import { parsePublishJobFinished, verifyPushSignature } from '@tongyuan/wechat-api';
import type { NewmediaDeliverer } from '../delivery/newmedia-deliverer.js';

export interface NewmediaServerOptions {
  store: ObjectStore;
  deliverer: NewmediaDeliverer;
  /** The Token of the accounts' server configuration; unset, pushes are refused and polling alone completes publishes. */
  pushToken: string | undefined;
  accountIds: ReadonlySet<string>;
  logger: Logger;
  /** /healthz, /readyz (broker, store, database) and /metrics, from packages/observability. */
  intercept?: RequestInterceptor;
}

const served =
  /^(accounts\/[a-z0-9][a-z0-9._-]*\/(feed\.json|feed\/[1-9][0-9]{0,6}\.json|articles\/doc_[0-9A-Z]{26}\/(index\.html)?)|media\/[0-9a-f]{64}\.(jpg|png))$/;

/**
 * The feeds and H5 pages, straight from S3 (as a CDN in front of the bucket would serve them), and the endpoint WeChat
 * pushes PUBLISHJOBFINISH to. The push carries no bearer token: WeChat signs it with the account's Token instead, and
 * an unsigned or wrongly signed push is refused.
 */
export const createNewmediaServer = ({
  store,
  deliverer,
  pushToken,
  accountIds,
  logger,
  intercept,
}: NewmediaServerOptions): Server =>
  createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const reply = async (): Promise<{ status: number; type: string; body: string | Buffer; cache?: string } | null> => {
      if (intercept !== undefined && (await intercept(request, response))) return null;
      if (url.pathname === '/healthz') return { status: 200, type: 'application/json', body: '{"ok":true}' };
      const push = /^\/wechat\/push\/([a-z0-9][a-z0-9._-]*)$/.exec(url.pathname);
      if (push?.[1] !== undefined) {
        const accountId = push[1];
        const signature = {
          signature: url.searchParams.get('signature'),
          timestamp: url.searchParams.get('timestamp'),
          nonce: url.searchParams.get('nonce'),
        };
        if (pushToken === undefined || !accountIds.has(accountId) || !verifyPushSignature(pushToken, signature)) {
          return { status: 403, type: 'text/plain; charset=utf-8', body: 'signature refused' };
        }
        // WeChat checks the server URL once with a GET carrying echostr.
        if (request.method === 'GET') return { status: 200, type: 'text/plain', body: url.searchParams.get('echostr') ?? '' };
        if (request.method !== 'POST') return { status: 405, type: 'text/plain', body: 'method not allowed' };
        const event = parsePublishJobFinished((await readBody(request, 64 * 1024)).toString('utf8'));
        if (event !== null) {
          await deliverer.finish(accountId, {
            publishId: event.publishId,
            status: event.publishStatus,
            articleId: event.articleId,
            articleUrls: event.articleUrls,
            failIdx: event.failIdx,
          });
        }
        // "success" tells WeChat not to push again; other events to the same URL are not ours to handle.
        return { status: 200, type: 'text/plain', body: 'success' };
      }
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return { status: 405, type: 'text/plain', body: 'method not allowed' };
      const path = url.pathname.replace(/^\/+/, '');
      if (!served.test(path)) return { status: 404, type: 'text/plain; charset=utf-8', body: '未找到 / not found' };
      const object = await store.get(path.endsWith('/') ? `${path}index.html` : path);
      if (object === null) return { status: 404, type: 'text/plain; charset=utf-8', body: '未找到 / not found' };
      return {
        status: 200,
        type: object.contentType ?? 'application/octet-stream',
        body: object.body,
        cache: object.cacheControl,
      };
    };
    reply()
      .catch((error: unknown) => {
        logger.error({ err: error, path: url.pathname }, 'newmedia request failed');
        return { status: 503, type: 'text/plain; charset=utf-8', body: 'temporarily unavailable', cache: undefined };
      })
      .then((answer) => {
        if (answer === null) return; // answered by the health endpoints
        response.writeHead(answer.status, {
          'content-type': answer.type,
          'x-content-type-options': 'nosniff',
          'content-security-policy':
            "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'",
          ...(answer.cache ? { 'cache-control': answer.cache } : {}),
        });
        response.end(request.method === 'HEAD' ? undefined : answer.body);
      });
  });

const readBody = (request: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.destroy();
        reject(new Error('push body too large'));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
