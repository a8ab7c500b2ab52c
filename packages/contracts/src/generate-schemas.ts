import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { z } from 'zod';
import { CLOUDEVENTS_SPEC_VERSION } from './cloud-events.js';
import type { TopicId } from './topics.js';
import { cloudEventBindings, cloudEventHeadersSchemaOf, topicIds, topics } from './topics.js';

/** schemas/ at the repository root, found from this file so the script works from any cwd. */
export const schemasDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas');

const KAFKA_BINDING_VERSION = '0.5.0';
const JSON_SCHEMA_2020_12 = 'application/schema+json;version=draft-2020-12';

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/** The JSON Schema (2020-12) of a topic's message value, with its $id first so readers see what it is. */
export const jsonSchemaOf = (topicId: TopicId): Record<string, unknown> => {
  const { $schema, ...rest } = z.toJSONSchema(topics[topicId].schema, { target: 'draft-2020-12' });
  return { $schema, $id: cloudEventBindings[topicId].schemaId, title: topics[topicId].name, ...rest };
};

// The Kafka binding types topic configs: cleanup.policy is a list, the *.ms and *.bytes settings are integers.
const topicConfiguration = (config: Record<string, string>): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(config).map(([name, value]) => {
      if (name === 'cleanup.policy') return [name, value.split(',').map((p) => p.trim())];
      return [name, /^-?\d+$/.test(value) ? Number(value) : value];
    }),
  );

// Inside an AsyncAPI document "#/definitions/X" would resolve against the document root, so shared
// definitions are copied in place; {allOf: [X]} with a description becomes X with that description.
const inlineDefinitions = (node: unknown, definitions: Record<string, unknown>): unknown => {
  if (Array.isArray(node)) return node.map((item) => inlineDefinitions(item, definitions));
  if (node === null || typeof node !== 'object') return node;
  const { $ref, allOf, definitions: _nested, ...rest } = node as Record<string, unknown>;
  const single = Array.isArray(allOf) && allOf.length === 1 ? (allOf[0] as Record<string, unknown>) : undefined;
  const ref = typeof $ref === 'string' ? $ref : typeof single?.$ref === 'string' ? single.$ref : undefined;
  const out = Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, inlineDefinitions(v, definitions)]));
  if (ref?.startsWith('#/definitions/')) {
    const target = inlineDefinitions(definitions[ref.slice('#/definitions/'.length)], definitions) as Record<string, unknown>;
    return { ...target, ...out };
  }
  return allOf === undefined ? out : { ...out, allOf: inlineDefinitions(allOf, definitions) };
};

// AsyncAPI schema objects are draft-07 supersets: headers are simple enough to say in draft-07.
const headersSchemaOf = (topicId: TopicId): Record<string, unknown> => {
  const { $schema: _draft, definitions, ...schema } = z.toJSONSchema(cloudEventHeadersSchemaOf(topicId), { target: 'draft-7' });
  return inlineDefinitions(schema, (definitions ?? {}) as Record<string, unknown>) as Record<string, unknown>;
};

const capitalized = (id: string): string => id.charAt(0).toUpperCase() + id.slice(1);

/** The AsyncAPI 3.0 document of every topic in the catalogue, with its dead-letter topic. */
export const asyncApiDocument = (): Record<string, unknown> => {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const id of topicIds) {
    const topic = topics[id];
    const binding = cloudEventBindings[id];
    const messageRef = { $ref: `#/components/messages/${id}` };
    channels[id] = {
      address: topic.name,
      title: topic.name,
      description: topic.description,
      messages: { [id]: messageRef },
      bindings: {
        kafka: {
          topic: topic.name,
          partitions: topic.partitions,
          topicConfiguration: topicConfiguration(topic.config),
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
      'x-retry': topic.retry,
      'x-dead-letter-topic': topic.deadLetterTopic,
    };
    channels[`${id}DeadLetter`] = {
      address: topic.deadLetterTopic,
      title: topic.deadLetterTopic,
      description: `Messages of ${topic.name} that could not be handled (bad bytes, wrong shape or key, a failed check, a refusal, or a retryable failure after ${topic.retry.maxAttempts} attempts), with the reason in headers. An outage of a dependency never sends a message here: it waits.`,
      messages: { [id]: messageRef },
      bindings: { kafka: { topic: topic.deadLetterTopic, bindingVersion: KAFKA_BINDING_VERSION } },
    };
    operations[`send${capitalized(id)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
      summary: `Publish to ${topic.name}, keyed by ${topic.keyDescription.split(':')[0]}.`,
    };
    operations[`receive${capitalized(id)}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${id}` },
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
      summary: `Consume ${topic.name}; retry ${topic.retry.maxAttempts} times with backoff ${topic.retry.initialDelayMs}–${topic.retry.maxDelayMs} ms, then ${topic.deadLetterTopic}; through an outage, retry until it is over.`,
    };
    messages[id] = {
      name: capitalized(id),
      title: topic.eventType,
      summary: topic.schema.description ?? topic.description,
      contentType: 'application/json',
      headers: headersSchemaOf(id),
      payload: { schemaFormat: JSON_SCHEMA_2020_12, schema: { $ref: `./${binding.schemaFile}` } },
      bindings: {
        kafka: {
          key: { type: 'string', description: topic.keyDescription },
          bindingVersion: KAFKA_BINDING_VERSION,
        },
      },
      'x-cloudevents': {
        specversion: CLOUDEVENTS_SPEC_VERSION,
        mode: 'binary',
        type: topic.eventType,
        dataschema: binding.schemaId,
        extensions: ['sourcefingerprint', 'revision'],
      },
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'tongyuan 同源发布 events',
      version: '1.0.0',
      description:
        'One canonical document record, published once on content.published, rendered to the government portal, WeChat accounts and the gazette. Generated from @tongyuan/contracts by `npm run schemas`; do not edit by hand.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { messages },
  };
};

/** Every file the generator owns under schemas/, by file name, with the exact text it writes. */
export const renderSchemaFiles = (): Map<string, string> => {
  const files = new Map<string, string>();
  for (const id of topicIds) files.set(cloudEventBindings[id].schemaFile, json(jsonSchemaOf(id)));
  files.set('asyncapi.yaml', stringify(asyncApiDocument(), { lineWidth: 0, aliasDuplicateObjects: false }));
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
};

export const writeSchemaFiles = (dir: string = schemasDir): string[] => {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of renderSchemaFiles()) {
    writeFileSync(join(dir, name), text);
    written.push(name);
  }
  return written;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const name of writeSchemaFiles()) console.log(`wrote schemas/${name}`);
}
