import { Writable } from 'node:stream';
import { createLogger } from '@tongyuan/logger';
import { parseTraceparent } from '@tongyuan/observability';
import { integrationTest as test, testTopic, uniqueName, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { type BusMetrics, KafkaBus, TRACEPARENT } from './index.js';

const Note = z.object({ id: z.string(), text: z.string() });
const noteTopic = () =>
  testTopic('test.note', Note, (value) => value.id, { retry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 20 } });

describe('trace context and metrics on the bus', () => {
  test('a handler continues the trace of the message it handles, logs with it, and the hook sees every outcome', async ({
    servers,
  }) => {
    const lines: Array<Record<string, unknown>> = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const handled: Array<[string, string]> = [];
    const published: Array<{ topic: string; during?: string }> = [];
    const metrics: BusMetrics = {
      messageHandled: (topic, outcome) => handled.push([topic, outcome]),
      messagePublished: (topic, _value, handling) => published.push({ topic, during: handling?.topic }),
    };
    const bus = new KafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: uniqueName('trace'),
      logger: createLogger({ service: 'trace-test', level: 'info', destination }),
      metrics,
    });
    const first = noteTopic();
    const second = noteTopic();
    try {
      await bus.ensureTopics([first, second]);
      const seen: Array<{ topic: string; traceId: string; traceparent?: string }> = [];
      const one = await bus.subscribe(first, {
        groupId: uniqueName('group'),
        handler: async (note, context) => {
          seen.push({ topic: 'first', traceId: context.traceId, traceparent: context.headers[TRACEPARENT] });
          context.logger.info('forwarding');
          await bus.publish(second, { id: note.id, text: `${note.text}!` });
        },
      });
      const two = await bus.subscribe(second, {
        groupId: uniqueName('group'),
        handler: async (_note, context) => {
          seen.push({ topic: 'second', traceId: context.traceId, traceparent: context.headers[TRACEPARENT] });
        },
      });
      await bus.publish(first, { id: 'doc-7', text: '起' });
      // A producer outside the project with a malformed header: a new trace, not a failure.
      await bus.sendRecords(first.name, [
        { key: 'doc-8', value: JSON.stringify({ id: 'doc-8', text: '外' }), headers: { traceparent: 'junk' } },
      ]);
      await waitFor(() => seen.length === 4, { what: 'both messages through both topics' });
      await one.stop();
      await two.stop();

      const a = seen.find((s) => s.topic === 'first' && s.traceparent !== 'junk');
      const started = parseTraceparent(a?.traceparent);
      expect(started?.traceId).toBe(a?.traceId);
      const forwarded = seen.filter((s) => s.topic === 'second').map((s) => parseTraceparent(s.traceparent));
      expect(forwarded.map((f) => f?.traceId)).toContain(a?.traceId);
      // The forwarded message is a child: same trace, another span.
      expect(forwarded.find((f) => f?.traceId === a?.traceId)?.spanId).not.toBe(started?.spanId);
      const junk = seen.find((s) => s.traceparent === 'junk');
      expect(junk?.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(junk?.traceId).not.toBe(a?.traceId);

      const log = lines.find((line) => line.msg === 'forwarding' && line.documentId === 'doc-7');
      expect(log).toMatchObject({ traceId: a?.traceId, topic: first.name });
      expect(handled.filter(([, outcome]) => outcome === 'handled')).toHaveLength(4);
      expect(published).toContainEqual({ topic: second.name, during: first.name });
      expect(published).toContainEqual({ topic: first.name, during: undefined });
    } finally {
      await bus.close();
    }
  });
});
