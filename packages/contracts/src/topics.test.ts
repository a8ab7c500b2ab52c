import { describe, expect, it } from 'vitest';
import { readCloudEventHeaders } from './cloud-events.js';
import { toContentPublished } from './content-published.js';
import { zigongRevision } from './corpus-revision.fixture.js';
import { sourceFingerprint } from './fingerprint.js';
import { allTopics, cloudEventHeadersSchemaOf, cloudEventMessage, topics } from './topics.js';

describe('the topic catalogue', () => {
  it('names each topic and dead-letter topic once', () => {
    const names = allTopics.flatMap((t) => [t.name, t.deadLetterTopic]);
    expect(new Set(names).size).toBe(names.length);
    expect(topics.contentPublished.deadLetterTopic).toBe('content.published.dlq');
  });

  it('compacts content.published and keeps delivery.status forever', () => {
    expect(topics.contentPublished.config['cleanup.policy']).toBe('compact');
    expect(topics.deliveryStatus.config).toEqual({ 'cleanup.policy': 'delete', 'retention.ms': '-1' });
    expect(topics.contentPublished.retry).toEqual({ maxAttempts: 5, initialDelayMs: 200, maxDelayMs: 5000 });
  });

  it('keys content.published by document id', () => {
    const event = toContentPublished(zigongRevision());
    expect(topics.contentPublished.key(event)).toBe(event.revision.documentId);
  });
});

describe('cloudEventMessage', () => {
  it('builds the Kafka record: catalogue key, JSON value, binary-mode headers with the fingerprint and revision', () => {
    const event = toContentPublished(zigongRevision());
    const message = cloudEventMessage('contentPublished', event, '/tongyuan/publisher');
    expect(message.topic).toBe('content.published');
    expect(message.key).toBe(event.revision.documentId);
    expect(JSON.parse(message.value)).toEqual(event);
    const attributes = readCloudEventHeaders(message.headers);
    expect(attributes).toMatchObject({
      id: `${event.revision.documentId}/1`,
      type: 'cn.gov.tongyuan.content.published.v1',
      subject: event.revision.documentId,
      time: event.revision.publishedAt,
      extensions: { sourcefingerprint: sourceFingerprint(event.revision), revision: '1' },
    });
    expect(cloudEventHeadersSchemaOf('contentPublished').safeParse(message.headers).success).toBe(true);
  });

  it('is the same message when replayed', () => {
    const event = toContentPublished(zigongRevision());
    expect(cloudEventMessage('contentPublished', event, '/tongyuan/publisher')).toEqual(
      cloudEventMessage('contentPublished', structuredClone(event), '/tongyuan/publisher'),
    );
  });

  it('refuses an invalid value before it reaches Kafka', () => {
    const event = toContentPublished(zigongRevision());
    expect(() => cloudEventMessage('contentPublished', { ...event, version: 'v0' as 'v1' }, '/tongyuan/publisher')).toThrow();
  });
});
