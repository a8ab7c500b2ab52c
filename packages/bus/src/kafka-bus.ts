import { AsyncLocalStorage } from 'node:async_hooks';
import { cloudEventRecord, describeZodIssues, type TopicSpec } from '@tongyuan/contracts';
import { errorCode, errorMessage, InvalidInputError, isOutage, isRetryable } from '@tongyuan/errors';
import type { Logger } from '@tongyuan/logger';
import { childTraceContext, formatTraceparent, parseTraceparent, type TraceContext } from '@tongyuan/observability';
import { type Admin, type Consumer, type IHeaders, Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import type { z } from 'zod';
import { backoffDelay, sleep } from './backoff.js';
import { deadLetterHeaders, headersAsText } from './dead-letter.js';
import { kafkaLogCreator } from './kafka-log.js';

export interface KafkaBusOptions {
  brokers: string[];
  /** Names this process to the broker, and is the CloudEvents `source` of what it publishes. */
  clientId: string;
  logger: Logger;
  /** Put before every topic name: isolates a tenant, an environment or a test run on a shared cluster. */
  topicPrefix?: string;
  /** Told of every message's outcome and of every publish (ServiceMetrics.bus from @tongyuan/observability). */
  metrics?: BusMetrics;
}

/** What the bus reports; topics are catalogue names (without the prefix), so label values stay few. */
export interface BusMetrics {
  messageHandled(topic: string, outcome: 'handled' | 'retried' | 'dead_lettered', seconds: number): void;
  /** A message published; `handling` is the message being handled at the time, if any. */
  messagePublished(topic: string, value: unknown, handling: { topic: string; value: unknown } | undefined): void;
}

/** The message a handler is working on: what a publish from inside it continues (trace) and reports (metrics). */
interface Handling {
  topic: string;
  value: unknown;
  trace: TraceContext;
}

const handling = new AsyncLocalStorage<Handling>();

/** The W3C trace header every produced message carries. */
export const TRACEPARENT = 'traceparent';

/** A record as it goes on the wire: what the outbox stores and the relay sends. */
export interface WireRecord {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** A send waiting for its produce request. */
interface PendingSend {
  topic: string;
  messages: Array<Pick<OutgoingRecord, 'key' | 'value' | 'headers'>>;
  bytes: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Anything the producer may send; dead letters keep the original bytes, whatever they were. */
interface OutgoingRecord {
  key: string | null;
  value: string | Buffer | null;
  headers: Record<string, string>;
}

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  headers: Record<string, string>;
  /** 1 on the first try, then 2, 3… while a retryable failure is retried. */
  attempt: number;
  /** W3C trace id: from the message's `traceparent`, or new when it had none; messages published by the handler carry it. */
  traceId: string;
  /** The bus's logger with topic, group, documentId (the key), revision and traceId bound. */
  logger: Logger;
  /** Runs `work` as this message's handling: what it publishes continues this message's trace (for batch handlers). */
  within<T>(work: () => Promise<T>): Promise<T>;
}

export type MessageHandler<S extends z.ZodType> = (value: z.infer<S>, context: MessageContext) => Promise<void>;

/** A message of a batch: its validated value and its context. */
export interface BatchItem<S extends z.ZodType> {
  value: z.infer<S>;
  context: MessageContext;
}

/**
 * Several valid messages of one partition, in offset order, handled together (e.g. one transaction, listing pages
 * written once). Should it fail, each message is handed over again on its own, so retries and dead letters stay per message.
 */
export type BatchHandler<S extends z.ZodType> = (items: Array<BatchItem<S>>) => Promise<void>;

export type SubscribeOptions<S extends z.ZodType> = {
  groupId: string;
  /** A new group starts at the beginning of the log: views are rebuilt by replay. */
  fromBeginning?: boolean;
} & (
  | { handler: MessageHandler<S> }
  | {
      batch: {
        handler: BatchHandler<S>;
        /** At most this many messages per call. */
        maxMessages: number;
      };
    }
);

export interface Subscription {
  /** Stops fetching, lets the message in hand finish (and commit), leaves the group. */
  stop(): Promise<void>;
}

/** The project's event bus: typed topics from the catalogue, CloudEvents headers, commits after handling, dead letters. */
export class KafkaBus {
  private readonly kafka: Kafka;
  private producer: Producer | undefined;
  private readonly subscriptions = new Set<Subscription>();
  /** Sends waiting for the one in flight: they go together in the next produce request (see sendRecords). */
  private readonly outgoing: PendingSend[] = [];
  private sending: Promise<void> | undefined;

  constructor(private readonly options: KafkaBusOptions) {
    this.kafka = new Kafka({
      clientId: options.clientId,
      brokers: options.brokers,
      logCreator: kafkaLogCreator(options.logger),
      // Long enough to ride out a broker restart (~30 s) before a consumer restarts itself.
      retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 12 },
    });
  }

  /** Creates each topic and its dead-letter topic if missing, with the catalogue's partitions and configs. */
  async ensureTopics(specs: readonly TopicSpec[]): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const existing = new Set(await admin.listTopics());
      const wanted = specs.flatMap((spec) => [
        { topic: this.topicName(spec.name), numPartitions: spec.partitions, configEntries: configEntries(spec.config) },
        // A dead letter is evidence: kept until someone has looked at it.
        { topic: this.topicName(spec.deadLetterTopic), numPartitions: 1, configEntries: configEntries({ 'retention.ms': '-1' }) },
      ]);
      const missing = wanted.filter(
        (topic, index) => !existing.has(topic.topic) && wanted.findIndex((t) => t.topic === topic.topic) === index,
      );
      if (missing.length > 0) await createTopics(admin, missing);
    } finally {
      await admin.disconnect();
    }
  }

  /** Validates the value against its topic's schema, then sends it keyed by the catalogue's key with CloudEvents headers. */
  async publish<S extends z.ZodType>(spec: TopicSpec<S>, value: z.infer<S>): Promise<void> {
    await this.sendRecords(spec.name, [this.toWireRecord(spec, value)]);
    const current = handling.getStore();
    this.options.metrics?.messagePublished(spec.name, value, current && { topic: current.topic, value: current.value });
  }

  /**
   * Publishes several messages in one send (one round trip), in order; each continues the trace of the message whose
   * context it names (a batch handler reporting per message).
   */
  async publishMany<S extends z.ZodType>(
    spec: TopicSpec<S>,
    items: ReadonlyArray<{ value: z.infer<S>; context?: MessageContext }>,
  ): Promise<void> {
    if (items.length === 0) return;
    const prepared: Array<{ record: WireRecord; current: Handling | undefined }> = [];
    for (const item of items) {
      const build = async () => ({ record: this.toWireRecord(spec, item.value), current: handling.getStore() });
      prepared.push(await (item.context ? item.context.within(build) : build()));
    }
    await this.sendRecords(
      spec.name,
      prepared.map(({ record }) => record),
    );
    items.forEach((item, index) => {
      const current = prepared[index]?.current;
      this.options.metrics?.messagePublished(spec.name, item.value, current && { topic: current.topic, value: current.value });
    });
  }

  /** Whether the cluster answers a metadata request, with no retries: for /readyz. */
  async describeCluster(): Promise<{ brokers: number; controller: number | null }> {
    const admin = this.kafka.admin({ retry: { retries: 0 } });
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      return { brokers: cluster.brokers.length, controller: cluster.controller };
    } finally {
      await admin.disconnect();
    }
  }

  /** Builds the exact record `publish` would send, for callers that store it first (the outbox). */
  toWireRecord<S extends z.ZodType>(spec: TopicSpec<S>, value: z.infer<S>): WireRecord {
    const parsed = spec.schema.safeParse(value);
    if (!parsed.success) {
      throw new InvalidInputError(`refusing to publish an invalid ${spec.name} message`, describeZodIssues(parsed.error));
    }
    const { key, value: json, headers } = cloudEventRecord(spec, parsed.data, `/tongyuan/${this.options.clientId}`);
    // Inside a handler the trace goes on; anywhere else (an editor's release) this message starts one.
    const trace = childTraceContext(handling.getStore()?.trace);
    return { key, value: json, headers: { ...headers, [TRACEPARENT]: formatTraceparent(trace) } };
  }

  /**
   * Sends records as they are, in order, through the idempotent producer; resolves once the broker has them (acks all).
   * Sends made while another is in flight go out together in the next produce request, in the order they were made —
   * one round trip for many reports, and a key's messages keep their order. Should a shared request fail, each send in
   * it is tried alone, so one send's failure (a record too large) is never another's.
   */
  async sendRecords(topic: string, records: readonly OutgoingRecord[]): Promise<void> {
    // More than a request holds (the broker refuses a partition's batch over 1 MB) goes in parts, one after another: a
    // part that fails stops the rest, so a key's later records never land before its earlier ones.
    for (const part of requestSized(records)) await this.enqueue(topic, part);
  }

  private enqueue(topic: string, part: { records: OutgoingRecord[]; bytes: number }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.outgoing.push({
        topic: this.topicName(topic),
        messages: part.records.map((record) => ({ key: record.key, value: record.value, headers: record.headers })),
        bytes: part.bytes,
        resolve,
        reject,
      });
      this.sending ??= this.sendOutgoing();
    });
  }

  private async sendOutgoing(): Promise<void> {
    for (;;) {
      // Checked and cleared in one turn: a send queued after this starts a new loop, none is left waiting.
      if (this.outgoing.length === 0) {
        this.sending = undefined;
        return;
      }
      // Up to ~900 KB a request (the broker's default limit is 1 MB); a single larger send goes alone.
      let bytes = 0;
      let count = 0;
      for (const send of this.outgoing) {
        if (count > 0 && bytes + send.bytes > REQUEST_BYTES) break;
        bytes += send.bytes;
        count++;
      }
      const together = this.outgoing.splice(0, count);
      let producer: Producer;
      try {
        producer = await this.connectedProducer();
      } catch (error) {
        for (const send of together) send.reject(error);
        continue;
      }
      try {
        const byTopic = new Map<string, PendingSend['messages']>();
        for (const send of together) byTopic.set(send.topic, [...(byTopic.get(send.topic) ?? []), ...send.messages]);
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
        for (const send of together) send.resolve();
      } catch (error) {
        await this.discardProducer();
        if (together.length === 1) {
          together[0]?.reject(error);
          continue;
        }
        for (const send of together) {
          try {
            await (await this.connectedProducer()).send({ topic: send.topic, acks: -1, messages: send.messages });
            send.resolve();
          } catch (alone) {
            await this.discardProducer();
            send.reject(alone);
          }
        }
      }
    }
  }

  /**
   * After a failed produce the idempotent producer's sequence numbers can no longer be trusted: kafkajs winds back every
   * partition of a failed request, also those the broker wrote (a partial failure, an answer lost in a timeout), so the
   * partition's next batches are refused as out of order — for good — or, worse, taken for a retry of a written batch and
   * dropped. A new producer (a new producer id, sequences from 0) is sent through instead.
   */
  private async discardProducer(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect().catch(() => {});
  }

  async subscribe<S extends z.ZodType>(spec: TopicSpec<S>, options: SubscribeOptions<S>): Promise<Subscription> {
    const stopping = new AbortController();
    const log = this.options.logger.child({ topic: spec.name, groupId: options.groupId });
    let consumer = await this.runConsumer(spec, options, stopping.signal, log);
    const restartAfterCrash = (crashed: Consumer) =>
      crashed.on(crashed.events.CRASH, ({ payload }) => {
        if (payload.restart || stopping.signal.aborted) return;
        // kafkajs gives up on errors it deems fatal (e.g. "the coordinator is not aware of this member" after a broker
        // restart) and leaves the process alive but deaf. A consumer is never given up on: a new one rejoins the group.
        log.error({ err: errorMessage(payload.error) }, 'consumer crashed for good; starting a new one');
        void (async () => {
          for (let attempt = 1; !stopping.signal.aborted; attempt++) {
            await sleep(Math.min(10_000, 500 * attempt), stopping.signal);
            if (stopping.signal.aborted) return;
            try {
              consumer = await this.runConsumer(spec, options, stopping.signal, log);
              restartAfterCrash(consumer);
              return;
            } catch (error) {
              log.error({ err: errorMessage(error), attempt }, 'consumer could not start; trying again');
            }
          }
        })();
      });
    restartAfterCrash(consumer);

    const subscription: Subscription = {
      stop: async () => {
        stopping.abort();
        await consumer.disconnect();
        this.subscriptions.delete(subscription);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** One consumer of the group, running: joined, subscribed, handling and committing message by message. */
  private async runConsumer<S extends z.ZodType>(
    spec: TopicSpec<S>,
    options: SubscribeOptions<S>,
    signal: AbortSignal,
    log: Logger,
  ): Promise<Consumer> {
    const consumer = this.kafka.consumer({
      groupId: options.groupId,
      allowAutoTopicCreation: false,
      ...consumerSession,
    });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: this.topicName(spec.name), fromBeginning: options.fromBeginning ?? true });
    } catch (error) {
      await consumer.disconnect().catch(() => {});
      throw error;
    }

    const batchSize = 'batch' in options ? options.batch.maxMessages : 1;
    const batchHandler: BatchHandler<S> =
      'batch' in options
        ? options.batch.handler
        : async (items) => {
            for (const item of items) await options.handler(item.value, item.context);
          };
    const single: MessageHandler<S> = (value, context) => batchHandler([{ value, context }]);

    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: async ({ batch, heartbeat, isRunning, isStale, resolveOffset }) => {
        const { topic, partition } = batch;
        // Offsets are committed every 200 ms and at the end of a fetched batch, not per message: a crash or a rebalance
        // hands the few handled since to the next owner again (handlers are idempotent), for a fraction of the requests.
        let handledUpTo: string | undefined;
        let committedAt = performance.now();
        const commit = async () => {
          if (handledUpTo === undefined) return;
          const offset = (BigInt(handledUpTo) + 1n).toString();
          handledUpTo = undefined;
          await consumer.commitOffsets([{ topic, partition, offset }]);
          committedAt = performance.now();
        };
        const stop = async (): Promise<never> => {
          await commit().catch(() => {}); // what was handled; the message in hand stays uncommitted
          throw new StoppingError();
        };
        for (let start = 0; start < batch.messages.length; start += batchSize) {
          // Once stopping, nothing more is handled, and nothing past the last handled message is committed.
          if (signal.aborted) await stop();
          if (!isRunning() || isStale()) return; // rebalanced away: the next owner fetches from the last commit
          const started = performance.now();
          const chunk = batch.messages.slice(start, start + batchSize).map((message) => {
            const received = headersAsText(message.headers);
            const trace = childTraceContext(parseTraceparent(received[TRACEPARENT]));
            const messageLog = log.child({
              documentId: message.key?.toString('utf8') ?? null,
              ...(received.ce_revision === undefined ? {} : { revision: Number(received.ce_revision) }),
              traceId: trace.traceId,
            });
            return { message, trace, log: messageLog, decoded: decodeMessage(spec, message) };
          });
          const outcomes = new Map<KafkaMessage, Outcome>();
          const valid: Array<BatchItem<S> & { message: KafkaMessage; trace: TraceContext; log: Logger }> = [];
          for (const entry of chunk) {
            if (entry.decoded.kind === 'dead-letter') outcomes.set(entry.message, entry.decoded);
            else {
              const { message, trace, log: messageLog } = entry;
              const value = entry.decoded.value;
              const context = messageContext(spec, { topic, partition, message, value, trace, log: messageLog });
              valid.push({ value, context, message, trace, log: messageLog });
            }
          }
          let together = valid.length > 1;
          if (together) {
            try {
              await batchHandler(valid.map(({ value, context }) => ({ value, context })));
              for (const item of valid) outcomes.set(item.message, { kind: 'handled' });
            } catch (error) {
              log.warn(
                { err: errorMessage(error), partition, messages: valid.length },
                'batch failed; handling its messages one by one',
              );
              together = false;
            }
          }
          if (!together) {
            for (const item of valid) {
              const outcome = await handleOne(spec, single, {
                value: item.value,
                context: item.context,
                heartbeat,
                signal,
                trace: item.trace,
                log: item.log,
                onRetry: () => this.options.metrics?.messageHandled(spec.name, 'retried', 0),
              });
              if (outcome.kind === 'stopped') await stop(); // not committed: the next owner handles it
              outcomes.set(item.message, outcome);
            }
          }
          const deadLetters = chunk.flatMap(({ message, log: messageLog }) => {
            const outcome = outcomes.get(message);
            if (outcome?.kind !== 'dead-letter') return [];
            messageLog.warn(
              { partition, offset: message.offset, code: outcome.code, reason: outcome.reason },
              'message dead-lettered',
            );
            return [deadLetterRecord(message, outcome, { topic, partition, groupId: options.groupId })];
          });
          if (deadLetters.length > 0) await this.sendRecords(spec.deadLetterTopic, deadLetters);
          const seconds = (performance.now() - started) / 1000 / chunk.length;
          for (const { message } of chunk) {
            const kind = outcomes.get(message)?.kind === 'handled' ? 'handled' : 'dead_lettered';
            this.options.metrics?.messageHandled(spec.name, kind, seconds);
          }
          const last = chunk[chunk.length - 1]?.message.offset ?? '0';
          handledUpTo = last;
          resolveOffset(last); // where the next fetch of this partition starts
          if (performance.now() - committedAt >= 200) await commit();
          await heartbeat();
        }
        await commit();
      },
    });
    return consumer;
  }

  /** Graceful shutdown: consumers finish the message in hand and leave their groups, then the producer flushes. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.sending;
    await this.producer?.disconnect();
    this.producer = undefined;
  }

  /** The topic's name on the cluster. */
  topicName(name: string): string {
    return `${this.options.topicPrefix ?? ''}${name}`;
  }

  private async connectedProducer(): Promise<Producer> {
    if (!this.producer) {
      // Idempotent: a retried send after a lost ack is not written twice.
      const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      this.producer = producer;
      await producer.connect().catch((error: unknown) => {
        this.producer = undefined;
        throw error;
      });
    }
    return this.producer;
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The most a produce request carries (the broker refuses a partition's batch over 1 MB, `message.max.bytes`). */
const REQUEST_BYTES = 900_000;

/** A record's size on the wire, near enough (UTF-8 bytes of key, value and headers). */
const recordBytes = (record: OutgoingRecord): number => {
  const size = (text: string | Buffer | null) => (text === null ? 0 : Buffer.byteLength(text));
  let bytes = size(record.value) + size(record.key);
  for (const [name, value] of Object.entries(record.headers)) bytes += size(name) + size(value);
  return bytes;
};

/** Records cut, in order, into runs of at most REQUEST_BYTES (a single larger record is a run of its own), with their size. */
const requestSized = (records: readonly OutgoingRecord[]): Array<{ records: OutgoingRecord[]; bytes: number }> => {
  let part: { records: OutgoingRecord[]; bytes: number } = { records: [], bytes: 0 };
  const parts = [part];
  for (const record of records) {
    const size = recordBytes(record);
    if (part.records.length > 0 && part.bytes + size > REQUEST_BYTES) {
      part = { records: [], bytes: 0 };
      parts.push(part);
    }
    part.records.push(record);
    part.bytes += size;
  }
  return parts;
};

/**
 * The group session of every consumer: a crashed member holds its partitions until its session expires — 10 s, not
 * kafkajs's 30 s, before another takes over (or a restarted process gets its partitions back).
 */
export const consumerSession = { sessionTimeout: 10_000, heartbeatInterval: 1_000 } as const;

class StoppingError extends Error {
  constructor() {
    super('consumer is stopping; the message stays uncommitted');
    this.name = 'StoppingError';
  }
}

type Outcome =
  | { kind: 'handled' }
  | { kind: 'stopped' }
  | { kind: 'dead-letter'; code: string; reason: string; attempts: number };

type Decoded<S extends z.ZodType> =
  | { kind: 'valid'; value: z.infer<S> }
  | { kind: 'dead-letter'; code: string; reason: string; attempts: number };

/** Decodes and validates a message: its value, or why it goes to the dead-letter topic. */
const decodeMessage = <S extends z.ZodType>(spec: TopicSpec<S>, message: KafkaMessage): Decoded<S> => {
  let text: string;
  try {
    // Fatal: a replacement character would slip altered text past the schema and into every carrier.
    text = message.value === null ? 'null' : utf8.decode(message.value);
  } catch {
    return { kind: 'dead-letter', code: 'invalid_utf8', reason: 'value is not valid UTF-8', attempts: 0 };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { kind: 'dead-letter', code: 'invalid_json', reason: `value is not JSON: ${errorMessage(error)}`, attempts: 0 };
  }
  const parsed = spec.schema.safeParse(json);
  if (!parsed.success) {
    const reason = describeZodIssues(parsed.error)
      .map((issue) => `${issue.field}: ${issue.reason}`)
      .join('; ');
    return { kind: 'dead-letter', code: 'invalid_message', reason, attempts: 0 };
  }
  const key = message.key?.toString('utf8') ?? null;
  if (key !== spec.key(parsed.data)) {
    const reason = `key: is ${JSON.stringify(key)}, but the catalogue keys this message by ${JSON.stringify(spec.key(parsed.data))}`;
    return { kind: 'dead-letter', code: 'wrong_key', reason, attempts: 0 };
  }
  const refused = spec.verify?.(parsed.data) ?? null;
  if (refused !== null) return { kind: 'dead-letter', code: 'unverified_message', reason: refused, attempts: 0 };
  return { kind: 'valid', value: parsed.data };
};

const messageContext = <S extends z.ZodType>(
  spec: TopicSpec<S>,
  input: { topic: string; partition: number; message: KafkaMessage; value: z.infer<S>; trace: TraceContext; log: Logger },
): MessageContext => ({
  topic: input.topic,
  partition: input.partition,
  offset: input.message.offset,
  key: input.message.key?.toString('utf8') ?? null,
  headers: headersAsText(input.message.headers),
  attempt: 1,
  traceId: input.trace.traceId,
  logger: input.log,
  within: (work) => handling.run({ topic: spec.name, value: input.value, trace: input.trace }, work),
});

/** Hands one valid message to the handler, retrying retryable failures with backoff. */
const handleOne = async <S extends z.ZodType>(
  spec: TopicSpec<S>,
  handler: MessageHandler<S>,
  input: {
    value: z.infer<S>;
    context: MessageContext;
    heartbeat: () => Promise<void>;
    signal: AbortSignal;
    trace: TraceContext;
    log: Logger;
    onRetry: () => void;
  },
): Promise<Outcome> => {
  const { context } = input;
  for (;;) {
    try {
      await context.within(() => handler(input.value, context));
      return { kind: 'handled' };
    } catch (error) {
      const retryable = isRetryable(error);
      // An outage is no fault of the message: it waits (the partition with it, lag shows it) until the dependency is back.
      const outage = isOutage(error);
      if (!retryable || (!outage && context.attempt >= spec.retry.maxAttempts)) {
        const prefix = retryable ? `gave up after ${context.attempt} attempts: ` : '';
        return { kind: 'dead-letter', code: errorCode(error), reason: prefix + errorMessage(error), attempts: context.attempt };
      }
      if (outage && context.attempt >= spec.retry.maxAttempts) {
        input.log.error({ attempt: context.attempt, code: errorCode(error), err: errorMessage(error) }, 'waiting out an outage');
      }
      input.onRetry();
      await sleep(backoffDelay(spec.retry, context.attempt), input.signal);
      if (input.signal.aborted) return { kind: 'stopped' };
      await input.heartbeat();
      context.attempt += 1;
    }
  }
};

const deadLetterRecord = (
  message: KafkaMessage,
  outcome: { code: string; reason: string; attempts: number },
  source: { topic: string; partition: number; groupId: string },
): OutgoingRecord => ({
  key: message.key?.toString('utf8') ?? null,
  value: message.value,
  headers: {
    ...headersAsText(message.headers as IHeaders),
    [deadLetterHeaders.reason]: outcome.reason,
    [deadLetterHeaders.code]: outcome.code,
    [deadLetterHeaders.sourceTopic]: source.topic,
    [deadLetterHeaders.sourcePartition]: String(source.partition),
    [deadLetterHeaders.sourceOffset]: message.offset,
    [deadLetterHeaders.consumerGroup]: source.groupId,
    [deadLetterHeaders.attempts]: String(outcome.attempts),
    [deadLetterHeaders.failedAt]: new Date().toISOString(),
  },
});

const configEntries = (config: Record<string, string>) => Object.entries(config).map(([name, value]) => ({ name, value }));

const createTopics = async (admin: Admin, topics: Parameters<Admin['createTopics']>[0]['topics']): Promise<void> => {
  try {
    await admin.createTopics({ topics, waitForLeaders: false });
  } catch (error) {
    // Another process created it between our list and our create: that is what we wanted.
    if ((error as { type?: string }).type !== 'TOPIC_ALREADY_EXISTS') throw error;
  }
  await waitForLeaders(
    admin,
    topics.map((topic) => topic.topic),
  );
};

/** A new topic's metadata can answer UNKNOWN_TOPIC_OR_PARTITION for a moment, which kafkajs's own wait does not retry. */
const waitForLeaders = async (admin: Admin, topics: string[], timeoutMs = 30_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      const { topics: metadata } = await admin.fetchTopicMetadata({ topics });
      if (metadata.every((topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0))) return;
    } catch (error) {
      const type = (error as { type?: string }).type;
      if (type !== 'UNKNOWN_TOPIC_OR_PARTITION' && type !== 'LEADER_NOT_AVAILABLE') throw error;
    }
    if (Date.now() > deadline) throw new Error(`topics have no leader after ${timeoutMs} ms: ${topics.join(', ')}`);
    await sleep(Math.min(1_000, 50 * attempt));
  }
};
