import { z } from 'zod';
import { type Route, route } from './route.js';

const schemaOf = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'draft-2020-12', unrepresentable: 'any', io: 'input' });

/** OpenAPI 3.1 from the route table: the schemas are the zod contracts themselves, so the document cannot drift. */
export const openApiDocument = (info: { title: string; version: string; description: string }, routes: readonly Route[]) => {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const parameters = [...route.path.matchAll(/\{(\w+)\}/g)].map((match) => ({
      name: match[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    for (const header of route.headers ?? []) {
      parameters.push({
        name: header.name,
        in: 'header',
        required: header.required,
        schema: { type: 'string' },
        description: header.description,
      } as never);
    }
    const problem = {
      description: 'problem details (RFC 9457)',
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
    paths[route.path] ??= {};
    (paths[route.path] as Record<string, unknown>)[route.method.toLowerCase()] = {
      summary: route.summary,
      'x-roles': route.access,
      ...(route.access === 'public' ? { security: [] } : {}),
      parameters,
      ...(route.body
        ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(route.body) } } } }
        : {}),
      responses: {
        [String(route.successStatus ?? 200)]: {
          description: 'success',
          ...(route.response ? { content: { 'application/json': { schema: schemaOf(route.response) } } } : {}),
        },
        ...(route.access === 'public' ? {} : { 401: problem, 403: problem }),
        400: problem,
        404: problem,
        409: problem,
        422: problem,
      },
    };
  }
  return {
    openapi: '3.1.0',
    info,
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            code: { type: 'string' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['field', 'reason'],
                properties: { field: { type: 'string' }, reason: { type: 'string' } },
              },
            },
          },
        },
      },
    },
    paths,
  };
};

/**
 * A service's route table as served: its routes, GET /v1/openapi.json describing them, and a liveness GET /healthz
 * (where the server runs with the observability intercept, that answers /healthz first, with the dependency checks).
 */
export const documentedRoutes = (info: { title: string; version: string; description: string }, routes: Route[]): Route[] => {
  const document = openApiDocument(info, routes);
  return [
    ...routes,
    route({
      method: 'GET',
      path: '/v1/openapi.json',
      summary: 'This document',
      access: 'public',
      handle: async () => ({ body: document }),
    }),
    route({
      method: 'GET',
      path: '/healthz',
      summary: 'Liveness',
      access: 'public',
      handle: async () => ({ body: { ok: true } }),
    }),
  ];
};
