import { createServer, type Server } from 'node:http';
import type { Pool } from '@tongyuan/database';
import type { Logger } from '@tongyuan/logger';
import type { ObjectStore } from '@tongyuan/object-store';
import type { RequestInterceptor } from '@tongyuan/observability';
import { renderSearchPage, type SiteConfig, type SiteNav } from '@tongyuan/portal-site';
import { searchPhrase } from '../search/bigram-search.js';
import { siteStore } from '../site/site-store.js';

export interface SiteViewerOptions {
  store: ObjectStore;
  prefix: string;
  pool: Pool;
  config: SiteConfig;
  navigation: () => Promise<SiteNav>;
  logger: Logger;
  /** /metrics, /healthz and /readyz (from @tongyuan/observability), answered before the site. */
  intercept?: RequestInterceptor;
}

/** The site as visitors see it: objects straight from S3 (as a CDN or S3 website hosting would serve them), plus /search. */
export const createSiteViewer = ({ store, prefix, pool, config, navigation, logger, intercept }: SiteViewerOptions): Server =>
  createServer(async (request, response) => {
    if (intercept && (await intercept(request, response).catch(() => false))) return;
    const url = new URL(request.url ?? '/', 'http://localhost');
    const reply = async () => {
      if (request.method !== 'GET' && request.method !== 'HEAD')
        return { status: 405, type: 'text/plain; charset=utf-8', body: 'method not allowed' };
      if (url.pathname === '/healthz') return { status: 200, type: 'application/json', body: '{"ok":true}' };
      if (url.pathname === '/search') {
        const query = (url.searchParams.get('q') ?? '').slice(0, 100);
        const hits = await searchPhrase(pool, query);
        const documents = await siteStore.documents(
          pool,
          hits.map((hit) => hit.documentId),
        );
        const results = hits.flatMap((hit) => {
          const found = documents.find((document) => document.documentId === hit.documentId);
          return found ? [{ summary: found.summary, excerpt: hit.excerpt }] : [];
        });
        return {
          status: 200,
          type: 'text/html; charset=utf-8',
          body: renderSearchPage(query, results, await navigation(), config),
        };
      }
      let path: string;
      try {
        path = decodeURIComponent(url.pathname).replace(/^\/+/, '');
      } catch {
        return { status: 400, type: 'text/plain; charset=utf-8', body: 'bad path' };
      }
      if (path.split('/').some((segment) => segment === '..'))
        return { status: 400, type: 'text/plain; charset=utf-8', body: 'bad path' };
      const key = `${prefix}${path === '' || path.endsWith('/') ? `${path}index.html` : path}`;
      const object = await store.get(key);
      if (!object) return { status: 404, type: 'text/plain; charset=utf-8', body: '未找到该页面 / not found' };
      return {
        status: 200,
        type: object.contentType ?? 'application/octet-stream',
        body: object.body,
        cacheControl: object.cacheControl,
      };
    };
    reply()
      .catch((error: unknown) => {
        logger.error({ err: error, path: url.pathname }, 'viewer failed');
        return { status: 503, type: 'text/plain; charset=utf-8', body: 'temporarily unavailable' };
      })
      .then((answer) => {
        response.writeHead(answer.status, {
          'content-type': answer.type,
          'x-content-type-options': 'nosniff',
          'content-security-policy':
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; base-uri 'none'; form-action 'self'",
          ...('cacheControl' in answer && answer.cacheControl ? { 'cache-control': answer.cacheControl } : {}),
        });
        response.end(request.method === 'HEAD' ? undefined : answer.body);
      });
  });
