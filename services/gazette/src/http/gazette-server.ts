import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Pool } from '@tongyuan/database';
import type { Logger } from '@tongyuan/logger';
import type { ObjectStore } from '@tongyuan/object-store';
import { searchGazette } from '../search/gazette-search.js';
import { searchQueryFrom } from './gazette-routes.js';
import { stylesheet } from './html.js';
import { renderSearchPage } from './search-page.js';

export interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  cacheControl?: string;
  headers?: Record<string, string>;
  /** The issue and archive pages carry their stylesheet inline (one self-contained file each). */
  inlineStyles?: boolean;
}

export interface GazetteServerOptions {
  /** The JSON API (route table): /v1/… and /healthz. */
  api: Server;
  desk: (request: IncomingMessage, url: URL) => Promise<Reply>;
  store: ObjectStore;
  pool: Pool;
  logger: Logger;
  /** /metrics, /healthz, /readyz (@tongyuan/observability); sees every request first. */
  intercept?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
}

const text = (status: number, body: string): Reply => ({ status, type: 'text/plain; charset=utf-8', body });

/** The public archive straight from S3 (as a CDN would serve it): archive pages, issue pages, PDFs. Never previews/. */
const archiveKeyOf = (pathname: string): string | null => {
  let path: string;
  try {
    path = decodeURIComponent(pathname).replace(/^\/+/, '');
  } catch {
    return null;
  }
  if (path.split('/').some((segment) => segment === '..' || segment === '.')) return null;
  if (path === 'archive') return 'archive/index.html';
  if (!path.startsWith('archive/') && !path.startsWith('issues/')) return null;
  return path.endsWith('/') ? `${path}index.html` : path;
};

/** One port for the API, the archivists' desk, the public archive and search. */
export const createGazetteServer = ({ api, desk, store, pool, logger, intercept }: GazetteServerOptions): Server =>
  createServer(async (request, response) => {
    if (intercept && (await intercept(request, response).catch(() => false))) return;
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname.startsWith('/v1/') || url.pathname === '/healthz') {
      api.emit('request', request, response);
      return;
    }
    const reply = async (): Promise<Reply> => {
      if (url.pathname === '/desk' || url.pathname.startsWith('/desk/')) return desk(request, url);
      if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'method not allowed');
      if (url.pathname === '/') return { ...text(303, ''), headers: { location: '/archive/' } };
      if (url.pathname === '/assets/gazette.css') {
        return { status: 200, type: 'text/css; charset=utf-8', body: stylesheet, cacheControl: 'public, max-age=300' };
      }
      if (url.pathname === '/search') {
        const query = searchQueryFrom(url.searchParams);
        const asked = [...url.searchParams.values()].some((value) => value.trim() !== '');
        return {
          status: 200,
          type: 'text/html; charset=utf-8',
          body: renderSearchPage(query, asked ? await searchGazette(pool, query) : null),
        };
      }
      const key = archiveKeyOf(url.pathname);
      if (key === null) return text(404, '未找到该页面 / not found');
      const object = await store.get(key);
      if (!object) return text(404, '未找到该页面 / not found');
      return {
        status: 200,
        type: object.contentType ?? 'application/octet-stream',
        body: object.body,
        cacheControl: object.cacheControl,
        inlineStyles: true,
      };
    };
    reply()
      .catch((error: unknown) => {
        const status = (error as { status?: number }).status;
        if (typeof status === 'number' && status < 500) return text(status, (error as Error).message);
        logger.error({ err: error, path: url.pathname }, 'gazette page failed');
        return text(503, 'temporarily unavailable');
      })
      .then((answer) => {
        response.writeHead(answer.status, {
          'content-type': answer.type,
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'same-origin',
          'content-security-policy': `default-src 'self'; img-src 'self' data:; style-src 'self'${answer.inlineStyles ? " 'unsafe-inline'" : ''}; script-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'`,
          ...(answer.cacheControl ? { 'cache-control': answer.cacheControl } : { 'cache-control': 'no-store' }),
          ...answer.headers,
        });
        response.end(request.method === 'HEAD' ? undefined : answer.body);
      });
  });
