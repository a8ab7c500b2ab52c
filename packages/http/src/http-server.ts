import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Logger } from '@tongyuan/logger';
import type { Authenticator } from './bearer-auth.js';
import { HttpError, problemFrom } from './problem.js';
import { type CompiledRoute, compileRoute, type Route } from './route.js';
import { inspectJson, isWellFormedText, maxJsonDepth } from './well-formed-text.js';

export interface HttpServerOptions {
  routes: Route[];
  authenticate: Authenticator;
  logger: Logger;
  /** Request bodies above this are refused with 413 before they are parsed. */
  maxBodyBytes?: number;
  /** Sees each request before the routes; true = it answered (e.g. /metrics, /healthz, /readyz from @tongyuan/observability). */
  intercept?: (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;
}

/** A small JSON API server: routing, authentication, role checks, body validation, problem+json errors. */
export const createHttpServer = ({
  routes,
  authenticate,
  logger,
  maxBodyBytes = 4 * 1024 * 1024,
  intercept,
}: HttpServerOptions): Server => {
  const compiled = routes.map(compileRoute);
  return createServer((request, response) => {
    const started = performance.now();
    if (intercept) {
      intercept(request, response).then(
        (answered) => {
          if (!answered) routeRequest();
        },
        (error: unknown) => {
          logger.error({ err: error, path: request.url }, 'intercepted request failed');
          send(response, 503, problemFrom(error), { 'content-type': 'application/problem+json' });
        },
      );
      return;
    }
    routeRequest();

    function routeRequest() {
      handle(compiled, request, authenticate, maxBodyBytes)
        .catch((error: unknown) => {
          const problem = problemFrom(error);
          if (problem.status >= 500) logger.error({ err: error, path: request.url }, 'request failed');
          return { status: problem.status, body: problem, headers: { 'content-type': 'application/problem+json' } };
        })
        .then((result) => {
          send(response, result.status ?? 200, result.body, result.headers);
          logger.info(
            {
              method: request.method,
              path: request.url,
              status: result.status ?? 200,
              ms: Math.round(performance.now() - started),
            },
            'request',
          );
        });
    }
  });
};

const handle = async (compiled: CompiledRoute[], request: IncomingMessage, authenticate: Authenticator, maxBodyBytes: number) => {
  const url = new URL(request.url ?? '/', 'http://localhost');
  const candidates = compiled
    .map((entry) => ({ entry, match: entry.pattern.exec(url.pathname) }))
    .filter((candidate) => candidate.match !== null);
  if (candidates.length === 0) throw new HttpError(404, 'not_found', `no such resource: ${url.pathname}`);
  const found = candidates.find((candidate) => candidate.entry.route.method === request.method);
  if (!found?.match) throw new HttpError(405, 'method_not_allowed', `${request.method} is not allowed on ${url.pathname}`);
  const { route, names } = found.entry;

  const principal = authenticate(request.headers.authorization);
  if (route.access !== 'public') {
    if (!principal) throw new HttpError(401, 'unauthenticated', 'a bearer token is required (Authorization: Bearer <token>)');
    if (Array.isArray(route.access) && !route.access.some((role) => principal.roles.includes(role))) {
      throw new HttpError(403, 'forbidden', `this action needs one of the roles: ${route.access.join(', ')}`);
    }
  }

  const params = Object.fromEntries(names.map((name, index) => [name, decodePathSegment(name, found.match?.[index + 1] ?? '')]));
  const raw = await readBody(request, maxBodyBytes);
  let body: unknown;
  if (route.body) {
    if (raw.length === 0)
      throw new HttpError(400, 'invalid_input', 'a JSON body is required', [{ field: '(body)', reason: 'missing' }]);
    if (!/^application\/(.+\+)?json\b/i.test(request.headers['content-type'] ?? '')) {
      throw new HttpError(415, 'unsupported_media_type', 'send the body as application/json');
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      throw new HttpError(400, 'invalid_input', 'the body is not valid JSON', [
        { field: '(body)', reason: (error as Error).message },
      ]);
    }
    const { tooDeepAt, malformed } = inspectJson(json);
    if (tooDeepAt !== null) {
      throw new HttpError(400, 'invalid_input', `the body nests deeper than ${maxJsonDepth} levels`, [
        { field: tooDeepAt, reason: `nested deeper than ${maxJsonDepth} levels` },
      ]);
    }
    if (malformed.length > 0) {
      throw new HttpError(
        400,
        'invalid_input',
        'text must not contain NUL characters or unpaired surrogates',
        malformed.map((field) => ({ field, reason: 'contains a NUL character or an unpaired surrogate' })),
      );
    }
    body = route.body.parse(json);
  }
  return route.handle({
    params,
    query: url.searchParams,
    body,
    principal: principal ?? { id: 'anonymous', name: 'anonymous', roles: [] },
    headers: request.headers,
  });
};

const decodePathSegment = (name: string, raw: string): string => {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, 'invalid_input', `path parameter ${name} is not valid percent-encoding`, [
      { field: `path ${name}`, reason: 'malformed percent-encoding' },
    ]);
  }
  if (!isWellFormedText(decoded)) {
    throw new HttpError(400, 'invalid_input', `path parameter ${name} contains a NUL character or an unpaired surrogate`, [
      { field: `path ${name}`, reason: 'malformed text' },
    ]);
  }
  return decoded;
};

const readBody = (request: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new HttpError(413, 'payload_too_large', `the body exceeds ${limit} bytes`));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });

const send = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  if (response.headersSent) return;
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(text);
};
