import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, databaseEnv, kafkaEnv, parseEnv, port } from './index.js';

const schema = z.object({ ...kafkaEnv, ...databaseEnv, PORT: port(8080) });

describe('parseEnv', () => {
  it('parses and coerces a good environment', () => {
    const env = parseEnv(schema, { KAFKA_BROKERS: 'a:9092, b:9093', DATABASE_URL: 'postgres://x@h/db', PORT: '81' });
    expect(env).toEqual({
      KAFKA_BROKERS: ['a:9092', 'b:9093'],
      KAFKA_TOPIC_PREFIX: '',
      DATABASE_URL: 'postgres://x@h/db',
      PORT: 81,
    });
  });

  it('names every bad variable and the reason', () => {
    let caught: unknown;
    try {
      parseEnv(schema, { KAFKA_BROKERS: 'no-port', DATABASE_URL: 'mysql://x', PORT: 'eighty' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.map((p) => p.variable);
    expect(problems).toEqual(expect.arrayContaining(['KAFKA_BROKERS.0', 'DATABASE_URL', 'PORT']));
    expect((caught as ConfigError).message).toContain('expected a postgres:// URL');
  });
});
