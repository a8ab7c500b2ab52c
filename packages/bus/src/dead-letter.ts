import type { IHeaders } from 'kafkajs';

/** Headers a dead letter carries beside the untouched original key, value and headers. */
export const deadLetterHeaders = {
  reason: 'dlq-reason',
  code: 'dlq-code',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  consumerGroup: 'dlq-consumer-group',
  attempts: 'dlq-attempts',
  failedAt: 'dlq-failed-at',
} as const;

export interface DeadLetter {
  reason: string;
  code: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  consumerGroup: string;
  attempts: number;
  failedAt: string;
  key: string | null;
  /** The original payload, byte for byte. */
  value: Buffer | null;
  /** The original headers, without the dlq-* ones. */
  headers: Record<string, string>;
}

export const headerText = (headers: IHeaders | undefined, name: string): string | undefined => {
  const raw = headers?.[name];
  const first = Array.isArray(raw) ? raw[0] : raw;
  return first === undefined ? undefined : String(first);
};

export const headersAsText = (headers: IHeaders | undefined): Record<string, string> => {
  const text: Record<string, string> = {};
  for (const name of Object.keys(headers ?? {})) {
    const value = headerText(headers, name);
    if (value !== undefined) text[name] = value;
  }
  return text;
};

/** Reads a message from a dead-letter topic back into what failed and why. */
export const readDeadLetter = (message: { key: Buffer | null; value: Buffer | null; headers?: IHeaders }): DeadLetter => {
  const text = headersAsText(message.headers);
  const dlqNames = new Set<string>(Object.values(deadLetterHeaders));
  const original = Object.fromEntries(Object.entries(text).filter(([name]) => !dlqNames.has(name)));
  return {
    reason: text[deadLetterHeaders.reason] ?? '',
    code: text[deadLetterHeaders.code] ?? '',
    sourceTopic: text[deadLetterHeaders.sourceTopic] ?? '',
    sourcePartition: Number(text[deadLetterHeaders.sourcePartition] ?? -1),
    sourceOffset: text[deadLetterHeaders.sourceOffset] ?? '',
    consumerGroup: text[deadLetterHeaders.consumerGroup] ?? '',
    attempts: Number(text[deadLetterHeaders.attempts] ?? 0),
    failedAt: text[deadLetterHeaders.failedAt] ?? '',
    key: message.key === null ? null : message.key.toString('utf8'),
    value: message.value,
    headers: original,
  };
};
