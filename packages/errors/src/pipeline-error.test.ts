import { describe, expect, it } from 'vitest';
import {
  InvalidInputError,
  isOutage,
  isRetryable,
  RefusedError,
  statusErrorCode,
  TransientError,
  UnavailableError,
} from './index.js';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe('what a failure says about itself', () => {
  it('calls an unreachable dependency an outage, whatever library reported it', () => {
    expect(isOutage(new UnavailableError('store down'))).toBe(true);
    expect(isOutage(withProps('connect ECONNREFUSED 127.0.0.1:9000', { code: 'ECONNREFUSED' }))).toBe(true);
    // node-postgres when the server restarts under a checked-out client, and PostgreSQL shutting down
    expect(isOutage(new Error('Client has encountered a connection error and is not queryable'))).toBe(true);
    expect(isOutage(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isOutage(withProps('terminating connection due to administrator command', { code: '57P01' }))).toBe(true);
    expect(isOutage(withProps('the database system is starting up', { code: '57P03' }))).toBe(true);
    expect(isOutage(withProps('connection failure', { code: '08006' }))).toBe(true);
    // wrapped: the cause decides
    expect(isOutage(new TransientError('write failed', { cause: withProps('refused', { code: 'ECONNREFUSED' }) }))).toBe(true);
  });

  it('does not call a failure of the work itself an outage', () => {
    expect(isOutage(new TransientError('one 503'))).toBe(false);
    expect(isOutage(new InvalidInputError('bad field'))).toBe(false);
    expect(isOutage(withProps('duplicate key value violates unique constraint', { code: '23505' }))).toBe(false);
    expect(isOutage(new Error('boom'))).toBe(false);
  });

  it('retries outages and transient failures, not refusals or bugs', () => {
    expect(isRetryable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isRetryable(new TransientError('one 503'))).toBe(true);
    expect(isRetryable(new InvalidInputError('bad field'))).toBe(false);
    expect(isRetryable(new TypeError('undefined is not a function'))).toBe(false);
  });

  it('names a failure on delivery.status in upper snake case, whatever threw it', () => {
    expect(statusErrorCode(new RefusedError('ACCOUNT_UNAVAILABLE', 'disabled'))).toBe('ACCOUNT_UNAVAILABLE');
    expect(statusErrorCode(withProps('no such bucket', { name: 'NoSuchBucket' }))).toBe('NOSUCHBUCKET');
    expect(statusErrorCode(new UnavailableError('down'))).toBe('UNAVAILABLE');
    expect(statusErrorCode(withProps('pg', { code: '57P01' }))).toBe('CODE_57P01');
    expect(statusErrorCode(withProps('odd', { code: 'wechat-api.timeout' }))).toBe('WECHAT_API_TIMEOUT');
    expect(statusErrorCode(new Error('plain'))).toBe('UNEXPECTED');
    expect(statusErrorCode('a string')).toBe('UNEXPECTED');
  });
});
