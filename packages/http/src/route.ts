import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';
import type { Principal } from './bearer-auth.js';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RouteRequest<B> {
  params: Record<string, string>;
  query: URLSearchParams;
  body: B;
  /** Present on every route that is not public. */
  principal: Principal;
  headers: IncomingHttpHeaders;
}

export interface RouteResult {
  status?: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface Route<B extends z.ZodType = z.ZodType> {
  method: Method;
  /** OpenAPI-style template: /v1/documents/{id}/publish */
  path: string;
  summary: string;
  /** Roles allowed (any of), or 'authenticated' for any known user, or 'public' for reads open to all. */
  access: string[] | 'authenticated' | 'public';
  body?: B;
  /** For the OpenAPI document. */
  response?: z.ZodType;
  successStatus?: number;
  /** Header names documented as inputs (e.g. Idempotency-Key). */
  headers?: Array<{ name: string; required: boolean; description: string }>;
  handle: (request: RouteRequest<z.infer<B>>) => Promise<RouteResult>;
}

/** Declares a route; a mutating route open to anonymous callers is a programming error, caught at boot. */
export const route = <B extends z.ZodType = z.ZodUndefined>(definition: Route<B>): Route<B> => {
  if (definition.method !== 'GET' && definition.access === 'public') {
    throw new Error(`${definition.method} ${definition.path}: every mutating API needs an authenticated role`);
  }
  return definition;
};

export interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  names: string[];
}

export const compileRoute = (definition: Route): CompiledRoute => {
  const names: string[] = [];
  const source = definition.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route: definition, pattern: new RegExp(`^${source}$`), names };
};

export const emptyBody = z.undefined();
