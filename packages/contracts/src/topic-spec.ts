import type { z } from 'zod';

/** How a consumer of a topic retries a retryable failure before dead-lettering it. */
export interface RetryPolicy {
  /** Attempts of a retryable failure before the message is dead-lettered; a dependency outage is waited out instead. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

/** One row of the topic catalogue: everything a producer or consumer needs to know about a topic. */
export interface TopicSpec<S extends z.ZodType = z.ZodType> {
  /** Kafka topic name; typed only here. */
  name: string;
  description: string;
  /** zod schema of the message value (JSON). */
  schema: S;
  /** The message key, derived from the value; same key, same partition, same order. */
  key: (value: z.infer<S>) => string;
  /** What `key` is, in words, for the AsyncAPI document. */
  keyDescription: string;
  /** CloudEvents `type` carried by each message (binary mode headers). */
  eventType: string;
  partitions: number;
  /** Kafka topic configs, e.g. cleanup.policy=compact. */
  config: Record<string, string>;
  retry: RetryPolicy;
  /** Where messages that cannot be handled go, with the reason in headers. */
  deadLetterTopic: string;
  /** Checks the schema cannot express (e.g. the source fingerprint); a reason dead-letters the message before any handler sees it. */
  verify?: (value: z.infer<S>) => string | null;
  /** The CloudEvents envelope derived from the value (deterministic ids survive re-sends); absent = random id, time of sending. */
  envelope?: (value: z.infer<S>) => EventEnvelope;
}

export interface EventEnvelope {
  id: string;
  time: string;
  dataschema?: string;
  extensions?: Record<string, string>;
}

export const defineTopic = <S extends z.ZodType>(spec: TopicSpec<S>): TopicSpec<S> => spec;

/** The default dead-letter topic name for a topic. */
export const deadLetterTopicOf = (name: string): string => `${name}.dlq`;
