import { deadLetterTopicOf, defineTopic, type TopicSpec } from '@tongyuan/contracts';
import type { z } from 'zod';
import { uniqueName } from './fixtures.js';

/**
 * A topic of the test's own: a unique name from `prefix`, its dead-letter topic, CloudEvents type `<prefix>.v1`, one
 * partition and quick retries unless told otherwise.
 */
export const testTopic = <S extends z.ZodType>(
  prefix: string,
  schema: S,
  key: (value: z.infer<S>) => string,
  options: Partial<Pick<TopicSpec<S>, 'partitions' | 'config' | 'retry' | 'verify'>> = {},
): TopicSpec<S> => {
  const name = uniqueName(prefix);
  return defineTopic({
    name,
    description: 'test topic',
    schema,
    key,
    keyDescription: 'test key',
    eventType: `${prefix}.v1`,
    partitions: options.partitions ?? 1,
    config: options.config ?? {},
    retry: options.retry ?? { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 50 },
    deadLetterTopic: deadLetterTopicOf(name),
    ...(options.verify === undefined ? {} : { verify: options.verify }),
  });
};
