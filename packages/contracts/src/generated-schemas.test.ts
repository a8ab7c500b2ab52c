import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderSchemaFiles, schemasDir } from './generate-schemas.js';
import { allTopics } from './topics.js';

const files = renderSchemaFiles();

// The official AsyncAPI 3.0.0 JSON Schema (draft-07), Kafka bindings 0.5.0 included.
const asyncApiValidator = () => {
  const require = createRequire(import.meta.url);
  const ajv = new Ajv({ strict: false, allErrors: true });
  (formats as unknown as typeof formats.default)(ajv);
  return ajv.compile(
    JSON.parse(readFileSync(require.resolve('@asyncapi/specs/schemas/3.0.0-without-$id.json'), 'utf8')) as object,
  );
};

describe('schemas/ matches the contracts', () => {
  it.each([...files.keys()])('%s is up to date', (name) => {
    const path = join(schemasDir, name);
    const onDisk = existsSync(path) ? readFileSync(path, 'utf8') : '(missing)';
    if (onDisk !== files.get(name)) {
      expect.fail(`schemas/${name} differs from what the contracts generate now: run \`npm run schemas\` and commit the result`);
    }
  });

  it('renders the same bytes twice, each file ending in a newline', () => {
    expect(renderSchemaFiles()).toEqual(files);
    for (const text of files.values()) expect(text.endsWith('\n')).toBe(true);
  });

  it('writes a valid AsyncAPI 3.0.0 document', () => {
    const validate = asyncApiValidator();
    expect(validate(parse(files.get('asyncapi.yaml') ?? '')), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
  });

  it('describes every catalogue topic in AsyncAPI 3.0, payloads pointing at files it generates', () => {
    const doc = parse(files.get('asyncapi.yaml') ?? '') as {
      asyncapi: string;
      channels: Record<string, { address: string }>;
      components: { messages: Record<string, { payload: { schema: { $ref: string } } }> };
    };
    expect(doc.asyncapi).toBe('3.0.0');
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const topic of allTopics) expect(addresses).toEqual(expect.arrayContaining([topic.name, topic.deadLetterTopic]));
    for (const message of Object.values(doc.components.messages)) {
      expect(files.has(message.payload.schema.$ref.replace('./', ''))).toBe(true);
    }
  });
});
