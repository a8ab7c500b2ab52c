import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withoutCredentials } from './index.js';

const capture = () => {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, destination };
};

describe('logger', () => {
  it('never writes secrets, however deep they sit', () => {
    const { lines, destination } = capture();
    const log = createLogger({ service: 'test', destination });
    log.info(
      {
        password: 'p4ss',
        config: { S3_SECRET_ACCESS_KEY: 'sk-123', nested: { token: 'tok-9' } },
        headers: { authorization: 'Bearer abc' },
      },
      'booted',
    );
    const line = lines.join('');
    for (const secret of ['p4ss', 'sk-123', 'tok-9', 'Bearer abc']) expect(line).not.toContain(secret);
    expect(line).toContain('"service":"test"');
    expect(line).toContain('[redacted]');
  });

  it('strips passwords from URLs', () => {
    expect(withoutCredentials('postgres://app:hunter2@db:5432/x')).toBe('postgres://app:***@db:5432/x');
    expect(withoutCredentials('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
  });
});
