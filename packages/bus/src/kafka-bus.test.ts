import { InvalidInputError, TransientError, UnavailableError } from '@tongyuan/errors';
import { readTopic, integrationTest as test, testTopic, uniqueName, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { z } from 'zod';
import { readDeadLetter } from './index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const Greeting = z.object({ id: z.string(), text: z.string().min(1) });

const greetingTopic = (config: Record<string, string> = {}) =>
  testTopic('test.greeting', Greeting, (value) => value.id, {
    config,
    verify: (value) => (value.text === 'forged' ? 'text: a forged greeting' : null),
  });

describe('KafkaBus against the real broker', () => {
  test('delivers typed messages in key order with CloudEvents headers', async ({ bus }) => {
    const topic = greetingTopic();
    await bus.ensureTopics([topic]);
    const seen: Array<{ text: string; key: string | null; type?: string; subject?: string }> = [];
    const subscription = await bus.subscribe(topic, {
      groupId: uniqueName('group'),
      handler: async (value, context) => {
        seen.push({ text: value.text, key: context.key, type: context.headers.ce_type, subject: context.headers.ce_subject });
      },
    });
    await bus.publish(topic, { id: 'doc-1', text: '一' });
    await bus.publish(topic, { id: 'doc-1', text: '二' });
    await waitFor(() => seen.length === 2, { what: 'two messages' });
    await subscription.stop();
    expect(seen).toEqual([
      { text: '一', key: 'doc-1', type: 'test.greeting.v1', subject: 'doc-1' },
      { text: '二', key: 'doc-1', type: 'test.greeting.v1', subject: 'doc-1' },
    ]);
  });

  test('many sends at once arrive complete and in the order made; a record the broker refuses fails alone', async ({
    bus,
    servers,
  }) => {
    const topic = greetingTopic();
    await bus.ensureTopics([topic]);
    const texts = Array.from({ length: 300 }, (_, i) => `第${i}条`);
    const sends: Array<Promise<void>> = [];
    let tooLarge: Promise<void> | undefined;
    for (const [i, text] of texts.entries()) {
      sends.push(bus.publish(topic, { id: 'doc-1', text }));
      // Over the broker's 1 MB message limit, between the others: refused, and only it.
      if (i === 10) tooLarge = bus.sendRecords(topic.name, [{ key: 'doc-2', value: 'x'.repeat(1_200_000), headers: {} }]);
    }
    await expect(tooLarge).rejects.toBeDefined();
    await Promise.all(sends);
    // One after another, each sent the moment the one before is acknowledged: none may be left waiting.
    const after = Array.from({ length: 20 }, (_, i) => `其后第${i}条`);
    for (const text of after) await bus.publish(topic, { id: 'doc-1', text });
    // A send made the moment the one before is acknowledged (in its own continuation) is sent too, not left queued.
    const record = (text: string) => bus.toWireRecord(topic, { id: 'doc-1', text });
    const chained = bus.sendRecords(topic.name, [record('接续甲')]).then(() => bus.sendRecords(topic.name, [record('接续乙')]));
    await expect(Promise.race([chained.then(() => 'sent'), sleep(10_000).then(() => 'stuck')])).resolves.toBe('sent');
    after.push('接续甲', '接续乙');
    const read = await readTopic(servers.kafkaBrokers, bus.topicName(topic.name), { count: texts.length + after.length });
    const shown = read.map((message) => (JSON.parse(message.value?.toString('utf8') ?? '{}') as { text?: string }).text);
    expect(shown).toEqual([...texts, ...after]);
  });

  test('one send of more than a request holds (an outbox backlog) goes out whole, in order', async ({ bus, servers }) => {
    const topic = greetingTopic();
    await bus.ensureTopics([topic]);
    // 120 records of ~30 KB each (Chinese text, 3 bytes a character): 3.6 MB in one call, over the broker's 1 MB a batch.
    const records = Array.from({ length: 120 }, (_, i) =>
      bus.toWireRecord(topic, { id: 'doc-1', text: `${i}:${'公'.repeat(10_000)}` }),
    );
    await bus.sendRecords(topic.name, records);
    const read = await readTopic(servers.kafkaBrokers, bus.topicName(topic.name), { count: records.length, settleMs: 500 });
    const order = read.map((message) =>
      Number((JSON.parse(message.value?.toString('utf8') ?? '{}') as { text: string }).text.split(':')[0]),
    );
    expect(order).toEqual(records.map((_, i) => i));
  });

  test('after a request the broker refused in part, the sends behind it still arrive (the producer is not left out of step)', async ({
    bus,
    servers,
  }) => {
    const open = greetingTopic();
    const strict = greetingTopic({ 'max.message.bytes': '2000' });
    await bus.ensureTopics([open, strict]);
    const record = (text: string) => bus.toWireRecord(open, { id: 'doc-1', text });
    // The first send holds the line; the next three go together in one request, which the broker takes for `open` (one
    // batch of two sends) and refuses for `strict` (a batch over its 2,000 bytes). Sent again alone, each of the two is
    // a different batch under the same sequence numbers.
    const first = bus.sendRecords(open.name, [record('甲')]);
    const shared = [bus.sendRecords(open.name, [record('乙')]), bus.sendRecords(open.name, [record('丙')])];
    const refused = bus.sendRecords(strict.name, [{ key: 'doc-1', value: '大'.repeat(3_000), headers: {} }]);
    await first;
    await expect(refused).rejects.toBeDefined();
    await Promise.allSettled(shared); // taken by the broker in the shared request; sent again alone, or refused
    await bus.sendRecords(open.name, [record('丁')]);
    await bus.sendRecords(open.name, [record('戊')]);
    const read = await readTopic(servers.kafkaBrokers, bus.topicName(open.name), {
      count: 5,
      settleMs: 1_000,
      timeoutMs: 10_000,
    });
    const texts = read.map((message) => (JSON.parse(message.value?.toString('utf8') ?? '{}') as { text: string }).text);
    expect(texts.slice(-2)).toEqual(['丁', '戊']);
    expect(new Set(texts)).toEqual(new Set(['甲', '乙', '丙', '丁', '戊']));
  });

  test('refuses to publish a value its schema rejects, naming the field', async ({ bus }) => {
    const topic = greetingTopic();
    await expect(bus.publish(topic, { id: 'x', text: '' })).rejects.toMatchObject({
      code: 'invalid_input',
      details: [{ field: 'text', reason: expect.any(String) }],
    });
  });

  test('a message that fails handling lands on the dead-letter topic with its reason; the next one is still handled', async ({
    bus,
    servers,
  }) => {
    const topic = greetingTopic();
    await bus.ensureTopics([topic]);
    const handled: string[] = [];
    const subscription = await bus.subscribe(topic, {
      groupId: uniqueName('group'),
      handler: async (value) => {
        if (value.text === 'poison') throw new InvalidInputError('text "poison" cannot be rendered');
        handled.push(value.text);
      },
    });
    await bus.publish(topic, { id: 'a', text: 'before' });
    await bus.publish(topic, { id: 'b', text: 'poison' });
    await bus.publish(topic, { id: 'c', text: 'after' });
    await waitFor(() => handled.length === 2, { what: 'messages around the poison one' });
    await subscription.stop();
    expect(handled).toEqual(['before', 'after']);

    const [dead] = await readTopic(servers.kafkaBrokers, topic.deadLetterTopic, { count: 1 });
    expect(dead).toBeDefined();
    const letter = readDeadLetter(dead!);
    expect(letter).toMatchObject({
      code: 'invalid_input',
      reason: 'text "poison" cannot be rendered',
      sourceTopic: topic.name,
      key: 'b',
      attempts: 1,
    });
    expect(JSON.parse(letter.value!.toString('utf8'))).toEqual({ id: 'b', text: 'poison' });
    expect(letter.headers.ce_type).toBe('test.greeting.v1');
  });

  test('bad bytes and bad shapes are dead-lettered with the field and reason, and the stream keeps flowing', async ({
    bus,
    servers,
  }) => {
    const topic = greetingTopic();
    await bus.ensureTopics([topic]);
    const handled: string[] = [];
    const subscription = await bus.subscribe(topic, {
      groupId: uniqueName('group'),
      handler: async (value) => {
        handled.push(value.text);
      },
    });
    // "{"id":"u","text":"<0xC3 0x28>"}": an invalid two-byte sequence that a lenient decoder would turn into U+FFFD.
    const invalidUtf8 = Buffer.concat([Buffer.from('{"id":"u","text":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    await bus.sendRecords(topic.name, [
      { key: 'x', value: '{not json', headers: {} },
      { key: 'y', value: JSON.stringify({ id: 'y', text: 42 }), headers: {} },
      { key: 'u', value: invalidUtf8, headers: {} },
      { key: 'other', value: JSON.stringify({ id: 'k', text: 'keyed wrongly' }), headers: {} },
      { key: 'f', value: JSON.stringify({ id: 'f', text: 'forged' }), headers: {} },
      { key: 'z', value: JSON.stringify({ id: 'z', text: 'fine' }), headers: {} },
    ]);
    await waitFor(() => handled.length === 1, { what: 'the good message' });
    await subscription.stop();
    expect(handled).toEqual(['fine']);
    const letters = (await readTopic(servers.kafkaBrokers, topic.deadLetterTopic, { count: 5 })).map(readDeadLetter);
    expect(letters.map((letter) => [letter.key, letter.code])).toEqual([
      ['x', 'invalid_json'],
      ['y', 'invalid_message'],
      ['u', 'invalid_utf8'],
      ['other', 'wrong_key'],
      ['f', 'unverified_message'],
    ]);
    expect(letters[0]!.value!.toString('utf8')).toBe('{not json');
    expect(letters[1]!.reason).toMatch(/^text: .*string/i);
    expect(letters[2]!.value).toEqual(invalidUtf8);
    expect(letters[3]!.reason).toBe('key: is "other", but the catalogue keys this message by "k"');
    expect(letters[4]!.reason).toBe('text: a forged greeting');
  });

  test('a retryable failure is retried with backoff and then handled, not dead-lettered', async ({ bus }) => {
    const topic = greetingTopic();
    await bus.ensureTopics([topic]);
    const attempts: number[] = [];
    const subscription = await bus.subscribe(topic, {
      groupId: uniqueName('group'),
      handler: async (_value, context) => {
        attempts.push(context.attempt);
        if (context.attempt < 3) throw new TransientError('store briefly down');
      },
    });
    await bus.publish(topic, { id: 'r', text: 'retry me' });
    await waitFor(() => attempts.length === 3, { what: 'three attempts' });
    await subscription.stop();
    expect(attempts).toEqual([1, 2, 3]);
  });

  test('an outage lasting past the retry budget is waited out, not dead-lettered', async ({ bus, servers }) => {
    const topic = greetingTopic(); // maxAttempts 3
    await bus.ensureTopics([topic]);
    const attempts: number[] = [];
    const subscription = await bus.subscribe(topic, {
      groupId: uniqueName('group'),
      handler: async (value, context) => {
        attempts.push(context.attempt);
        if (value.id === 'o' && context.attempt < 8)
          throw new UnavailableError('store unreachable', { code: 'store_unavailable' });
      },
    });
    await bus.publish(topic, { id: 'o', text: 'after the outage' });
    await bus.publish(topic, { id: 'n', text: 'next' });
    await waitFor(() => attempts.length === 9, { what: 'eight attempts at the first message, then the next one' });
    await subscription.stop();
    expect(attempts).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 1]);
    expect(await readTopic(servers.kafkaBrokers, topic.deadLetterTopic, { count: 1, timeoutMs: 2_000 }).catch(() => [])).toEqual(
      [],
    );
  });

  test('offsets are committed after handling: a restarted consumer in the same group does not see handled messages again', async ({
    bus,
  }) => {
    const topic = greetingTopic();
    await bus.ensureTopics([topic]);
    const groupId = uniqueName('group');
    const first: string[] = [];
    const one = await bus.subscribe(topic, { groupId, handler: async (value) => void first.push(value.text) });
    await bus.publish(topic, { id: '1', text: 'first' });
    await waitFor(() => first.length === 1, { what: 'first message' });
    await one.stop();

    await bus.publish(topic, { id: '2', text: 'second' });
    const second: string[] = [];
    const two = await bus.subscribe(topic, { groupId, handler: async (value) => void second.push(value.text) });
    await waitFor(() => second.length === 1, { what: 'second message' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    await two.stop();
    expect(second).toEqual(['second']);
  });

  test('a batch handler gets valid messages together, in order; bad ones are dead-lettered; a failed batch is retried one by one', async ({
    bus,
    servers,
  }) => {
    const topic = greetingTopic();
    await bus.ensureTopics([topic]);
    // Everything is on the topic before the consumer starts, so the first fetch holds all of it.
    await bus.sendRecords(topic.name, [
      ...['1', '2', '3'].map((id) => ({ key: id, value: JSON.stringify({ id, text: `t${id}` }), headers: {} })),
      { key: 'x', value: '{not json', headers: {} },
      ...['4', 'poison', '5'].map((id) => ({ key: id, value: JSON.stringify({ id, text: `t${id}` }), headers: {} })),
    ]);
    const calls: string[][] = [];
    const groupId = uniqueName('group');
    const subscription = await bus.subscribe(topic, {
      groupId,
      batch: {
        maxMessages: 4,
        handler: async (items) => {
          calls.push(items.map((item) => item.value.id));
          if (items.some((item) => item.value.id === 'poison')) throw new InvalidInputError('poison cannot be rendered');
          await bus.publishMany(
            topic,
            items
              .filter((item) => item.value.id.length === 1)
              .map((item) => ({ value: { id: `re-${item.value.id}`, text: 'echo' }, context: item.context })),
          );
        },
      },
    });
    await waitFor(() => calls.flat().includes('re-5'), { what: 'the echoes of the last batch' });
    await subscription.stop();
    // Chunks of 4 messages: [1 2 3 x] → the valid three together; [4 poison 5] fails together, then one by one.
    expect(calls.slice(0, 5)).toEqual([['1', '2', '3'], ['4', 'poison', '5'], ['4'], ['poison'], ['5']]);
    const letters = (await readTopic(servers.kafkaBrokers, topic.deadLetterTopic, { count: 2 })).map(readDeadLetter);
    expect(letters.map((letter) => [letter.key, letter.code])).toEqual([
      ['x', 'invalid_json'],
      ['poison', 'invalid_input'],
    ]);
    // Each echo continues the trace of the message it answers.
    const records = await readTopic(servers.kafkaBrokers, topic.name, { count: 12 });
    const traceOf = (id: string) =>
      records
        .find((r) => r.key?.toString() === id)
        ?.headers?.traceparent?.toString()
        .split('-')[1];
    expect(traceOf('re-1')).toBeDefined();
    expect(traceOf('re-1')).not.toBe(traceOf('re-2'));
  });
});
