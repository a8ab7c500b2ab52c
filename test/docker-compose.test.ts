import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';

// docker-compose.yml cannot run here (no Docker engine); reading it keeps it honest about the services that exist.
const root = new URL('../', import.meta.url);
const compose = parse(readFileSync(new URL('docker-compose.yml', root), 'utf8'), { merge: true }) as {
  services: Record<
    string,
    {
      build?: { args?: { SERVICE?: string } };
      environment?: Record<string, unknown>;
      ports?: string[];
      healthcheck?: unknown;
      depends_on?: Record<string, unknown>;
    }
  >;
};
const serviceNames = readdirSync(new URL('services/', root), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

const envSchemaOf = async (service: string): Promise<z.ZodObject> => {
  const module = (await import(new URL(`services/${service}/src/env.ts`, root).href)) as Record<string, unknown>;
  const schema = Object.values(module).find((value): value is z.ZodObject => value instanceof z.ZodObject);
  if (!schema) throw new Error(`services/${service}/src/env.ts exports no zod object schema`);
  return schema;
};

describe('docker-compose.yml', () => {
  it('has the servers the infra scripts start here, each with a health check', () => {
    for (const server of ['kafka', 'minio', 'postgres']) expect(compose.services[server]?.healthcheck, server).toBeDefined();
  });

  it.each(serviceNames)('runs service %s, built from the repo, with a health check', (service) => {
    const entry = compose.services[service];
    expect(entry, `docker-compose.yml has no entry for services/${service}`).toBeDefined();
    expect(entry?.build?.args?.SERVICE).toBe(service);
    expect(entry?.healthcheck).toBeDefined();
  });

  it.each(serviceNames)(
    'gives service %s exactly what its env.ts reads: every required variable, nothing unknown',
    async (service) => {
      const schema = await envSchemaOf(service);
      const environment = compose.services[service]?.environment ?? {};
      const known = Object.keys(schema.shape);
      expect(Object.keys(environment).filter((name) => !known.includes(name))).toEqual([]);
      const required = known.filter((name) => !(schema.shape[name] as z.ZodType).safeParse(undefined).success);
      expect(required.filter((name) => !(name in environment))).toEqual([]);
      // The values themselves must pass the service's own parsing.
      const parsed = schema.safeParse(
        Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value)])),
      );
      expect(parsed.success, parsed.success ? '' : JSON.stringify(parsed.error.issues)).toBe(true);
    },
  );

  it.each(serviceNames)('publishes the port service %s listens on', (service) => {
    const entry = compose.services[service];
    const port = String(entry?.environment?.PORT ?? '');
    if (port === '') return;
    expect(entry?.ports?.some((mapping) => mapping.endsWith(`:${port}`))).toBe(true);
  });
});
