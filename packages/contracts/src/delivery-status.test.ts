import { describe, expect, it } from 'vitest';
import { zigongRevision } from './corpus-revision.fixture.js';
import { DeliveryStatus, deliveryKeyOf } from './delivery-status.js';
import { sourceFingerprint } from './fingerprint.js';
import { topics } from './topics.js';
import { describeZodIssues } from './zod-issues.js';

const revision = zigongRevision();
const failed: DeliveryStatus = {
  version: 'v1',
  documentId: revision.documentId,
  revision: 1,
  fingerprint: sourceFingerprint(revision),
  channel: 'newmedia',
  target: 'zigong-zwgk',
  state: 'failed',
  attempt: 3,
  error: { code: 'WECHAT_RATE_LIMITED', message: 'freepublish/submit returned 45009', retryable: true },
  artifactKeys: [],
  occurredAt: '2022-04-29T09:35:00+08:00',
};

const fields = (value: unknown) => {
  const result = DeliveryStatus.safeParse(value);
  return result.success ? [] : describeZodIssues(result.error).map((p) => p.field);
};

describe('DeliveryStatus', () => {
  it('accepts a failed attempt with its error', () => {
    expect(fields(failed)).toEqual([]);
  });

  it('says why a delivery failed, and a delivered one has no error', () => {
    expect(fields({ ...failed, error: null })).toEqual(['error']);
    expect(fields({ ...failed, state: 'delivered' })).toEqual(['error']);
    expect(fields({ ...failed, state: 'delivered', error: null })).toEqual([]);
  });

  it('rejects attempt 0, an unknown channel and a date without offset', () => {
    expect(fields({ ...failed, attempt: 0, channel: 'weibo', occurredAt: '2022-04-29 09:35:00' })).toEqual([
      'channel',
      'attempt',
      'occurredAt',
    ]);
  });

  it("is keyed by document id, so one document's statuses stay in order", () => {
    expect(topics.deliveryStatus.key(failed)).toBe(revision.documentId);
  });

  it('has one idempotency key per (document, revision, channel, target)', () => {
    expect(deliveryKeyOf(failed)).toBe(`${revision.documentId}/1/newmedia/zigong-zwgk`);
  });
});
