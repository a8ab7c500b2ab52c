import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { cloudEventHeaders } from './cloud-events.js';
import { ContentPublished, verifyFingerprint } from './content-published.js';
import { DeliveryStatus, deliveryKeyOf } from './delivery-status.js';
import { Fingerprint, IsoDateTime } from './identifiers.js';
import { deadLetterTopicOf, defineTopic, type EventEnvelope, type TopicSpec } from './topic-spec.js';

const CONTENT_PUBLISHED = 'content.published';
const DELIVERY_STATUS = 'delivery.status';

export const topics = {
  contentPublished: defineTopic({
    name: CONTENT_PUBLISHED,
    description:
      "One message per document revision: the whole canonical record every carrier renders from. Compacted by document id, so the latest revision is the document's state; corrections, withdrawals and validity changes are new revisions here.",
    schema: ContentPublished,
    key: (event) => event.revision.documentId,
    keyDescription:
      'the document id (doc_ + ULID): all revisions of a document stay on one partition, in order, and compaction keeps the latest',
    eventType: 'cn.gov.tongyuan.content.published.v1',
    partitions: 3,
    config: {
      'cleanup.policy': 'compact',
      // A week before compaction may drop a superseded revision: a consumer that lags less than that sees every correction.
      'min.compaction.lag.ms': '604800000',
      // Compaction only cleans closed segments; daily segments let it run without waiting for the 1 GiB default.
      'segment.ms': '86400000',
    },
    retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5000 },
    deadLetterTopic: deadLetterTopicOf(CONTENT_PUBLISHED),
    // A forged or stale fingerprint would make every carrier vouch for text it does not have.
    verify: (event: ContentPublished) => {
      const check = verifyFingerprint(event);
      return check.ok ? null : `fingerprint: is ${check.actual}, but the revision hashes to ${check.expected}`;
    },
    envelope: (event: ContentPublished): EventEnvelope =>
      envelopeOf<ContentPublished>(cloudEventBindings.contentPublished, event),
  }),
  deliveryStatus: defineTopic({
    name: DELIVERY_STATUS,
    description:
      'Every step of every delivery (document revision × channel × target), for the ops ledger. Kept forever: the ledger is rebuilt by replaying it.',
    schema: DeliveryStatus,
    key: (status) => status.documentId,
    keyDescription: 'the document id (doc_ + ULID): all statuses of one document stay on one partition, in order',
    eventType: 'cn.gov.tongyuan.delivery.status.v1',
    partitions: 3,
    config: {
      'cleanup.policy': 'delete',
      'retention.ms': '-1',
    },
    retry: { maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5000 },
    deadLetterTopic: deadLetterTopicOf(DELIVERY_STATUS),
    envelope: (status: DeliveryStatus): EventEnvelope => envelopeOf<DeliveryStatus>(cloudEventBindings.deliveryStatus, status),
  }),
} as const;

export type TopicId = keyof typeof topics;
export type Topic = (typeof topics)[TopicId];
/** The message value type of a topic. */
export type MessageOf<K extends TopicId> = z.infer<(typeof topics)[K]['schema']>;

/** Every topic of the catalogue, in catalogue order. */
export const allTopics: readonly Topic[] = Object.values(topics);

export const topicIds = Object.keys(topics) as TopicId[];

/** How each topic's messages are dressed as CloudEvents, and where its JSON Schema lives. */
export interface CloudEventBinding<V> {
  /** File under schemas/. */
  schemaFile: string;
  /** The JSON Schema's $id, also sent as ce_dataschema. */
  schemaId: string;
  /** Deterministic, so a re-sent message is recognisably the same event. */
  eventId: (value: V) => string;
  /** From the value, so a replay produces identical headers. */
  time: (value: V) => string;
  /** The revision the message is about: sent as ce_sourcefingerprint and ce_revision. */
  document: (value: V) => { fingerprint: string; revision: number };
}

export const cloudEventBindings: { [K in TopicId]: CloudEventBinding<MessageOf<K>> } = {
  contentPublished: {
    schemaFile: 'content-published.v1.json',
    schemaId: 'urn:tongyuan:schema:content-published:v1',
    eventId: (e) => `${e.revision.documentId}/${e.revision.revision}`,
    time: (e) => e.revision.correction?.changedAt ?? e.revision.publishedAt,
    document: (e) => ({ fingerprint: e.fingerprint, revision: e.revision.revision }),
  },
  deliveryStatus: {
    schemaFile: 'delivery-status.v1.json',
    schemaId: 'urn:tongyuan:schema:delivery-status:v1',
    eventId: (s) => `${deliveryKeyOf(s)}/${s.state}/${s.attempt}`,
    time: (s) => s.occurredAt,
    document: (s) => ({ fingerprint: s.fingerprint, revision: s.revision }),
  },
};

export interface KafkaMessage {
  topic: string;
  key: string;
  /** The event data as JSON (binary mode: the value is the data, the attributes are headers). */
  value: string;
  headers: Record<string, string>;
}

const envelopeOf = <V>(binding: CloudEventBinding<V>, value: V): EventEnvelope => {
  const { fingerprint, revision } = binding.document(value);
  return {
    id: binding.eventId(value),
    time: binding.time(value),
    dataschema: binding.schemaId,
    extensions: { sourcefingerprint: fingerprint, revision: String(revision) },
  };
};

/**
 * A validated message ready for a Kafka producer: key from the topic, binary-mode CloudEvents headers from its envelope.
 * `source` names the producing service, e.g. /tongyuan/editorial. The one place a message is dressed as a CloudEvent.
 */
export const cloudEventRecord = <S extends z.ZodType>(topic: TopicSpec<S>, value: z.infer<S>, source: string): KafkaMessage => {
  const data = topic.schema.parse(value);
  const key = topic.key(data);
  const envelope = topic.envelope?.(data) ?? { id: randomUUID(), time: new Date().toISOString() };
  return {
    topic: topic.name,
    key,
    value: JSON.stringify(data),
    headers: cloudEventHeaders({
      id: envelope.id,
      source,
      type: topic.eventType,
      time: envelope.time,
      subject: key,
      ...(envelope.dataschema === undefined ? {} : { dataschema: envelope.dataschema }),
      extensions: envelope.extensions ?? {},
    }),
  };
};

/** A catalogue topic's message, by topic id. */
export const cloudEventMessage = <K extends TopicId>(topicId: K, value: MessageOf<K>, source: string): KafkaMessage =>
  cloudEventRecord(topics[topicId] as unknown as TopicSpec<z.ZodType<MessageOf<K>>>, value, source);

/** The Kafka headers of a topic's messages, as a schema: documents them in AsyncAPI. */
export const cloudEventHeadersSchemaOf = (topicId: TopicId) => {
  const topic = topics[topicId];
  return z
    .looseObject({
      ce_specversion: z.literal('1.0').describe('CloudEvents spec version'),
      ce_id: z.string().min(1).describe('event id, deterministic: a re-sent message keeps it'),
      ce_source: z.string().min(1).describe('producing service, e.g. /tongyuan/publisher'),
      ce_type: z.literal(topic.eventType).describe('event type'),
      ce_time: IsoDateTime.describe('when the event happened, taken from the data'),
      ce_subject: z.string().min(1).describe(`the message key: ${topic.keyDescription}`),
      ce_dataschema: z.literal(cloudEventBindings[topicId].schemaId).describe('$id of the JSON Schema of the value'),
      'content-type': z.literal('application/json').describe('binary mode: the value is the event data as JSON'),
      ce_sourcefingerprint: Fingerprint.describe(
        'extension: source fingerprint of the revision, readable without parsing the value',
      ),
      ce_revision: z
        .string()
        .regex(/^[1-9]\d*$/)
        .describe('extension: revision number, decimal'),
    })
    .describe(`CloudEvents 1.0 Kafka binary-mode headers of ${topic.name}`);
};
