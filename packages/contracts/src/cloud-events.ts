import { z } from 'zod';
import { IsoDateTime } from './identifiers.js';

export const CLOUDEVENTS_SPEC_VERSION = '1.0';

// Context attributes the spec defines; an extension may not reuse their names.
const SPEC_ATTRIBUTES = [
  'specversion',
  'id',
  'source',
  'type',
  'datacontenttype',
  'dataschema',
  'subject',
  'time',
  'data',
  'data_base64',
];

export const ExtensionName = z
  .string()
  .regex(/^[a-z0-9]{1,20}$/, 'CloudEvents extension names are 1–20 lowercase letters or digits')
  .refine((name) => !SPEC_ATTRIBUTES.includes(name), 'extension name is a CloudEvents context attribute');

/** CloudEvents 1.0 context attributes of one event, as carried in Kafka binary mode. */
export const CloudEventAttributes = z.strictObject({
  specversion: z.literal(CLOUDEVENTS_SPEC_VERSION),
  id: z.string().min(1).describe('unique per source; the same event re-sent keeps its id'),
  source: z
    .string()
    .regex(/^\S+$/, 'source must be a URI-reference without spaces')
    .describe('producer, e.g. /tongyuan/publisher'),
  type: z.string().min(1).describe('event type, e.g. cn.gov.tongyuan.content.published.v1'),
  time: IsoDateTime.optional(),
  subject: z.string().min(1).optional().describe('what the event is about: the document id'),
  datacontenttype: z.string().min(1).optional(),
  dataschema: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9+.-]*:\S+$/, 'dataschema must be an absolute URI')
    .optional(),
  extensions: z.record(ExtensionName, z.string()),
});
export type CloudEventAttributes = z.infer<typeof CloudEventAttributes>;

export interface CloudEventInput {
  id: string;
  source: string;
  type: string;
  time: string;
  subject: string;
  /** $id of the JSON Schema of the data. */
  dataschema?: string;
  /** Extension attributes, e.g. { sourcefingerprint, revision }. */
  extensions?: Record<string, string>;
}

export const DATA_CONTENT_TYPE = 'application/json';

/** Kafka binary-mode headers for an event whose value is the data as JSON (CloudEvents Kafka binding 1.0). */
export const cloudEventHeaders = (input: CloudEventInput): Record<string, string> => {
  const attributes = CloudEventAttributes.parse({
    specversion: CLOUDEVENTS_SPEC_VERSION,
    id: input.id,
    source: input.source,
    type: input.type,
    time: input.time,
    subject: input.subject,
    datacontenttype: DATA_CONTENT_TYPE,
    dataschema: input.dataschema,
    extensions: input.extensions ?? {},
  });
  const headers: Record<string, string> = {
    ce_specversion: attributes.specversion,
    ce_id: attributes.id,
    ce_source: attributes.source,
    ce_type: attributes.type,
  };
  if (attributes.time !== undefined) headers.ce_time = attributes.time;
  if (attributes.subject !== undefined) headers.ce_subject = attributes.subject;
  if (attributes.dataschema !== undefined) headers.ce_dataschema = attributes.dataschema;
  // Binary mode maps datacontenttype to the plain content-type header, not ce_datacontenttype.
  headers['content-type'] = DATA_CONTENT_TYPE;
  for (const name of Object.keys(attributes.extensions).sort()) headers[`ce_${name}`] = attributes.extensions[name] ?? '';
  return headers;
};

/** Header values as Kafka clients hand them over (kafkajs: Buffer, string, or an array when repeated). */
export type KafkaHeaderValue = string | Uint8Array | ReadonlyArray<string | Uint8Array> | undefined;
export type KafkaHeaders = Readonly<Record<string, KafkaHeaderValue>>;

const utf8 = new TextDecoder('utf-8');
const decode = (value: string | Uint8Array): string => (typeof value === 'string' ? value : utf8.decode(value));

const HeaderText = z.string().min(1);
const ReceivedHeaders = z
  .looseObject({
    ce_specversion: z.literal(CLOUDEVENTS_SPEC_VERSION, 'ce_specversion must be "1.0"'),
    ce_id: HeaderText,
    ce_source: CloudEventAttributes.shape.source,
    ce_type: HeaderText,
    ce_time: IsoDateTime.optional(),
    ce_subject: HeaderText.optional(),
    ce_dataschema: CloudEventAttributes.shape.dataschema,
    'content-type': HeaderText.optional(),
  })
  .superRefine((headers, ctx) => {
    for (const [key, value] of Object.entries(headers)) {
      if (!key.startsWith('ce_') || typeof value === 'string') continue;
      ctx.addIssue({ code: 'custom', path: [key], message: 'header must appear once, as text' });
    }
  });

const STANDARD_HEADERS = new Set(['ce_specversion', 'ce_id', 'ce_source', 'ce_type', 'ce_time', 'ce_subject', 'ce_dataschema']);

/** Reads binary-mode CloudEvents headers back; throws a ZodError naming the header that is wrong. */
export const readCloudEventHeaders = (headers: KafkaHeaders): CloudEventAttributes => {
  const decoded: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (typeof value === 'string' || value instanceof Uint8Array) decoded[key] = decode(value);
    else decoded[key] = value.length === 1 && value[0] !== undefined ? decode(value[0]) : value.map(decode);
  }
  const h = ReceivedHeaders.parse(decoded);
  const extensions: Record<string, string> = {};
  for (const [key, value] of Object.entries(h)) {
    if (key.startsWith('ce_') && !STANDARD_HEADERS.has(key) && typeof value === 'string') extensions[key.slice(3)] = value;
  }
  const result = CloudEventAttributes.safeParse({
    specversion: h.ce_specversion,
    id: h.ce_id,
    source: h.ce_source,
    type: h.ce_type,
    time: h.ce_time,
    subject: h.ce_subject,
    datacontenttype: h['content-type'],
    dataschema: h.ce_dataschema,
    extensions,
  });
  if (result.success) return result.data;
  // Report extension problems under the header name the producer actually sent.
  throw new z.ZodError(
    result.error.issues.map((issue) =>
      issue.path[0] === 'extensions' ? { ...issue, path: [`ce_${String(issue.path[1])}`, ...issue.path.slice(2)] } : issue,
    ),
  );
};
