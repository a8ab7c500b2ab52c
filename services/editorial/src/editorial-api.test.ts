import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { KafkaBus } from '@tongyuan/bus';
import { topics, verifyFingerprint } from '@tongyuan/contracts';
import { keyedBy, readTopic, waitFor } from '@tongyuan/testing';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import type { KafkaMessage } from 'kafkajs';
import { describe, expect } from 'vitest';
import { approveDraft, draftAndReview, publish, editorialTest as test } from './editorial.fixture.js';
import { corpusDraft, corpusNames, noticeDraft, organisationCode } from './sample-documents.fixture.js';

const contentPublished = topics.contentPublished.name;
const schema = JSON.parse(readFileSync(new URL('../../../schemas/content-published.v1.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
(addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
const validateEvent = ajv.compile(schema);

const eventsOf = (brokers: string[], topic: string, ids: string[], count: number, settleMs = 1_500): Promise<KafkaMessage[]> =>
  readTopic(brokers, topic, { count, filter: keyedBy(...ids), timeoutMs: count === 0 ? 3_000 : 30_000, settleMs });

const hasKcat = (() => {
  try {
    execFileSync('kcat', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('publish once: the editors’ API', () => {
  test('each corpus document goes draft → 三审 → publish, and exactly one valid event per revision reaches content.published', async ({
    editorial,
    servers,
  }) => {
    const released: Array<{ documentId: string; fingerprint: string; indexNumber: string }> = [];
    for (const name of corpusNames) {
      const id = await draftAndReview(editorial, corpusDraft(name));
      const answer = await publish(editorial, id);
      expect(answer.status, JSON.stringify(answer.body)).toBe(201);
      expect(answer.body.released).toHaveLength(1);
      released.push(answer.body.released[0]);
    }
    const ids = released.map((entry) => entry.documentId);
    expect(new Set(released.map((entry) => entry.indexNumber)).size).toBe(4);
    for (const entry of released) expect(entry.indexNumber).toMatch(new RegExp(`^${organisationCode}/20\\d\\d-\\d{5}$`));

    const messages = await eventsOf(servers.kafkaBrokers, editorial.topic(contentPublished), ids, 4);
    expect(messages.map((message) => message.key?.toString()).sort()).toEqual([...ids].sort());
    for (const message of messages) {
      const event = JSON.parse(message.value?.toString() ?? '');
      expect(validateEvent(event), JSON.stringify(validateEvent.errors)).toBe(true);
      expect(verifyFingerprint(event).ok).toBe(true);
      const mine = released.find((entry) => entry.documentId === event.revision.documentId);
      expect(event.fingerprint).toBe(mine?.fingerprint);
      expect(message.headers?.ce_id?.toString()).toBe(`${event.revision.documentId}/1`);
      expect(message.headers?.ce_sourcefingerprint?.toString()).toBe(event.fingerprint);
    }
    const zigong = messages
      .map((message) => JSON.parse(message.value?.toString() ?? ''))
      .find((event) => event.revision.docNumber === '自府办函〔2022〕21号');
    expect(zigong.revision.body[0]).toMatchObject({
      type: 'paragraph',
      text: '各区、县人民政府,高新区管委会,市政府各部门,有关单位：',
    });
    expect(zigong.revision.body[2]).toMatchObject({
      type: 'heading',
      level: 1,
      numbering: '一、',
      text: '强化重点领域信息公开,促进政策措施阳光透明',
    });
    expect(zigong.revision.reviews.map((review: { reviewerName: string }) => review.reviewerName)).toEqual([
      '王科长',
      '李副主任',
      '陈主任',
    ]);

    if (hasKcat) {
      // From outside the project: kcat sees each document's key exactly once.
      const keys = execFileSync(
        'kcat',
        ['-C', '-b', servers.kafkaBrokers[0] ?? '', '-t', editorial.topic(contentPublished), '-e', '-q', '-f', '%k\\n'],
        {
          encoding: 'utf8',
          maxBuffer: 256 * 1024 * 1024,
        },
      )
        .split('\n')
        .filter((key) => ids.includes(key));
      expect(keys.sort()).toEqual([...ids].sort());
    }
  });

  test('a valid resident ID number is refused with its location; masked, the document passes', async ({ editorial, servers }) => {
    const paragraph = '联系人身份证号11010519491231002X，请核对。';
    const id = await draftAndReview(editorial, noticeDraft(paragraph));
    const before = await editorial.counts();

    const refused = await publish(editorial, id);
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('release_refused');
    expect(refused.body.errors).toEqual([
      expect.objectContaining({
        field: 'content.body[1].text',
        rule: 'privacy.resident-id',
        offset: 7,
        length: 18,
        documentId: id,
      }),
    ]);
    expect(JSON.stringify(refused.body)).not.toContain('11010519491231002X');
    expect(await editorial.counts()).toEqual(before);

    const masked = await editorial.as('editor').post(`/v1/documents/${id}/draft/mask-personal-data`);
    expect(masked.status).toBe(200);
    expect(masked.body.draft.content.body[1].text).toBe(`联系人身份证号${refused.body.errors[0].suggestion}，请核对。`);
    expect(masked.body.draft.reviews).toEqual([]); // the masked text is new content: 三审 again
    await approveDraft(editorial, id);
    const answer = await publish(editorial, id);
    expect(answer.status).toBe(201);
    const [event] = await eventsOf(servers.kafkaBrokers, editorial.topic(contentPublished), [id], 1, 0);
    expect(event?.value?.toString()).toContain('110105********002X');
  });

  test('an 18-digit number with an invalid check digit does not trigger the ID rule', async ({ editorial }) => {
    const id = await draftAndReview(editorial, noticeDraft('档案编号110105194912310029，存档备查。'));
    const answer = await publish(editorial, id);
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  });

  test('missing 批审 is refused and nothing reaches Kafka', async ({ editorial, servers }) => {
    const created = await editorial.as('editor').post('/v1/documents', { content: noticeDraft('本次检查覆盖全区各部门。') });
    const id = created.body.documentId;
    await editorial
      .as('officeHead')
      .post(`/v1/documents/${id}/draft/reviews`, { stage: '自审', decision: 'approved', comment: null });
    await editorial
      .as('leader')
      .post(`/v1/documents/${id}/draft/reviews`, { stage: '审核', decision: 'approved', comment: '同意' });
    await editorial
      .as('confidentiality')
      .post(`/v1/documents/${id}/draft/confidentiality-review`, { conclusion: '不涉密', comment: null });
    const before = await editorial.counts();

    const answer = await publish(editorial, id);
    expect(answer.status).toBe(422);
    expect(answer.body.errors).toEqual([
      expect.objectContaining({ field: 'reviews[2]', rule: 'review.missing', reason: expect.stringContaining('批审') }),
    ]);
    expect(await editorial.counts()).toEqual(before);
    expect(await eventsOf(servers.kafkaBrokers, editorial.topic(contentPublished), [id], 0)).toEqual([]);
  });

  test('the same person cannot review twice, and each stage needs its role and its turn', async ({ editorial }) => {
    const created = await editorial.as('editor').post('/v1/documents', { content: noticeDraft('本次检查覆盖全区各部门。') });
    const path = `/v1/documents/${created.body.documentId}/draft/reviews`;
    expect((await editorial.as('allReviewer').post(path, { stage: '自审', decision: 'approved', comment: null })).status).toBe(
      200,
    );
    const twice = await editorial.as('allReviewer').post(path, { stage: '审核', decision: 'approved', comment: null });
    expect(twice.status).toBe(422);
    expect(twice.body.errors).toEqual([
      expect.objectContaining({ rule: 'review.distinct', reason: expect.stringContaining('赵兼任 already recorded 自审') }),
    ]);
    const outOfTurn = await editorial.as('principal').post(path, { stage: '批审', decision: 'approved', comment: null });
    expect(outOfTurn.body.errors).toEqual([expect.objectContaining({ rule: 'review.order' })]);
    const wrongRole = await editorial.as('principal').post(path, { stage: '审核', decision: 'approved', comment: null });
    expect(wrongRole.body.errors).toEqual([expect.objectContaining({ rule: 'review.role' })]);
  });

  test('a policy that needs its interpretation is refused alone, and released together with it, each linking the other', async ({
    editorial,
    servers,
  }) => {
    const policyId = await draftAndReview(editorial, {
      ...corpusDraft('zigong-2022-task-division'),
      requiresInterpretation: true,
    });
    const alone = await publish(editorial, policyId);
    expect(alone.status).toBe(422);
    expect(alone.body.errors).toEqual([
      expect.objectContaining({ field: 'content.requiresInterpretation', rule: 'interpretation.missing' }),
    ]);
    expect(await eventsOf(servers.kafkaBrokers, editorial.topic(contentPublished), [policyId], 0)).toEqual([]);

    const interpretationId = await draftAndReview(
      editorial,
      noticeDraft('本方案明确了2022年政务公开重点任务及责任单位。', {
        kind: '政策解读',
        title: '《自贡市2022年政务公开重点工作任务分工方案》政策解读',
        related: [{ relation: 'interprets', documentId: policyId, title: '自贡市2022年政务公开重点工作任务分工方案' }],
      }),
    );
    const together = await publish(editorial, policyId);
    expect(together.status, JSON.stringify(together.body)).toBe(201);
    expect(together.body.released.map((entry: { documentId: string }) => entry.documentId).sort()).toEqual(
      [policyId, interpretationId].sort(),
    );

    const events = (await eventsOf(servers.kafkaBrokers, editorial.topic(contentPublished), [policyId, interpretationId], 2)).map(
      (message) => JSON.parse(message.value?.toString() ?? ''),
    );
    const policy = events.find((event) => event.revision.documentId === policyId);
    const interpretation = events.find((event) => event.revision.documentId === interpretationId);
    expect(policy.revision.related).toEqual([
      expect.objectContaining({ relation: 'interpretedBy', documentId: interpretationId }),
    ]);
    expect(interpretation.revision.related).toEqual([expect.objectContaining({ relation: 'interprets', documentId: policyId })]);
  });

  test('a correction makes revision 2 with its correction block and a new fingerprint; revision 1 stays readable', async ({
    editorial,
    servers,
  }) => {
    const id = await draftAndReview(editorial, noticeDraft('检查于6月30日前完成。'));
    const first = await publish(editorial, id);
    const started = await editorial
      .as('editor')
      .post(`/v1/documents/${id}/revisions`, { kind: 'correction', reason: '完成日期有误' });
    expect(started.status).toBe(201);
    const content = {
      ...started.body.draft.content,
      body: [started.body.draft.content.body[0], { type: 'paragraph', text: '检查于7月31日前完成。' }],
    };
    expect((await editorial.as('editor').put(`/v1/documents/${id}/draft`, { content })).status).toBe(200);
    await approveDraft(editorial, id);
    const second = await publish(editorial, id);
    expect(second.status).toBe(201);
    expect(second.body.released[0]).toMatchObject({ revision: 2, indexNumber: first.body.released[0].indexNumber });
    expect(second.body.released[0].fingerprint).not.toBe(first.body.released[0].fingerprint);

    const old = await editorial.as('editor').get(`/v1/documents/${id}/revisions/1`);
    expect(old.body.fingerprint).toBe(first.body.released[0].fingerprint);
    expect(old.body.revision.body[1].text).toBe('检查于6月30日前完成。');
    const events = (await eventsOf(servers.kafkaBrokers, editorial.topic(contentPublished), [id], 2)).map((message) =>
      JSON.parse(message.value?.toString() ?? ''),
    );
    expect(events.map((event) => event.revision.revision)).toEqual([1, 2]);
    expect(events[1].revision.correction).toMatchObject({
      kind: 'correction',
      reason: '完成日期有误',
      changes: ['修改正文第2块（段落）'],
      previousRevision: 1,
      previousFingerprint: first.body.released[0].fingerprint,
    });
  });

  test('a withdrawal is a new revision with status withdrawn', async ({ editorial }) => {
    const id = await draftAndReview(editorial, noticeDraft('检查于6月30日前完成。'));
    await publish(editorial, id);
    await editorial.as('editor').post(`/v1/documents/${id}/revisions`, { kind: 'withdrawal', reason: '已被新通知替代' });
    const locked = await editorial.as('editor').put(`/v1/documents/${id}/draft`, { content: noticeDraft('改写') });
    expect(locked.status).toBe(422);
    await approveDraft(editorial, id);
    const answer = await publish(editorial, id);
    expect(answer.body.released[0]).toMatchObject({ revision: 2, status: 'withdrawn' });
  });

  test('a validity change makes a normative document 废止 in a new revision', async ({ editorial }) => {
    const id = await draftAndReview(editorial, corpusDraft('zigong-2022-task-division'));
    await publish(editorial, id);
    const validity = { status: '废止', effectiveFrom: '2022-04-28', repealedOn: '2023-01-01', repealedBy: null };
    const started = await editorial
      .as('editor')
      .post(`/v1/documents/${id}/revisions`, { kind: 'validityChange', reason: '已被新方案替代', validity });
    expect(started.status).toBe(201);
    await approveDraft(editorial, id);
    const answer = await publish(editorial, id);
    expect(answer.body.released[0]).toMatchObject({ revision: 2, status: 'published' });
    const record = await editorial.as('editor').get(`/v1/documents/${id}/revisions/2`);
    expect(record.body.revision.validity).toEqual(validity);
    expect(record.body.revision.correction).toMatchObject({
      kind: 'validityChange',
      reason: '已被新方案替代',
      changes: ['修改有效性'],
    });
  });

  test('a retried publish with the same Idempotency-Key returns the first answer and emits once', async ({
    editorial,
    servers,
  }) => {
    const id = await draftAndReview(editorial, noticeDraft('本次检查覆盖全区各部门。'));
    const first = await publish(editorial, id, 'retry-key-0001');
    const again = await publish(editorial, id, 'retry-key-0001');
    expect(again).toEqual(first);
    expect(await eventsOf(servers.kafkaBrokers, editorial.topic(contentPublished), [id], 1, 2_000)).toHaveLength(1);
    const missingKey = await editorial.as('editor').post(`/v1/documents/${id}/publish`);
    expect(missingKey.body.errors).toEqual([{ field: 'header Idempotency-Key', reason: 'missing' }]);
  });

  test('writes need a token and the right role; the audit log says who did what', async ({ editorial }) => {
    const content = noticeDraft('本次检查覆盖全区各部门。');
    expect((await editorial.anonymous.post('/v1/documents', { content })).status).toBe(401);
    expect((await editorial.as('officeHead').post('/v1/documents', { content })).status).toBe(403);
    const id = await draftAndReview(editorial, content);
    const audit = await editorial.as('ops').get(`/v1/documents/${id}/audit`);
    expect(audit.body.map((entry: { actorName: string; action: string }) => `${entry.actorName} ${entry.action}`)).toEqual([
      '张编辑 draft.created',
      '王科长 review.approved',
      '李副主任 review.approved',
      '陈主任 review.approved',
      '刘保密员 confidentiality.cleared',
    ]);
    const openapi = await editorial.anonymous.get('/v1/openapi.json');
    expect(Object.keys(openapi.body.paths)).toContain('/v1/documents/{id}/publish');
  });
});

describe('per-channel delivery status', () => {
  test('a document shows the latest delivery state each channel reported on delivery.status', async ({
    editorial,
    servers,
    logger,
  }) => {
    const bus = new KafkaBus({
      brokers: servers.kafkaBrokers,
      clientId: 'test-renderer',
      logger,
      topicPrefix: editorial.topicPrefix,
    });
    const id = await draftAndReview(editorial, noticeDraft('本次检查覆盖全区各部门。'));
    const released = (await publish(editorial, id)).body.released[0];
    const step = (state: 'delivering' | 'delivered', occurredAt: string) => ({
      version: 'v1' as const,
      documentId: id,
      revision: 1,
      fingerprint: released.fingerprint,
      channel: 'portal' as const,
      target: 'main-site',
      state,
      attempt: 1,
      error: null,
      artifactKeys: state === 'delivered' ? [`portal/documents/${id}/index.html`] : [],
      occurredAt,
    });
    await bus.publish(topics.deliveryStatus, step('delivering', '2026-01-01T00:00:00.000Z'));
    await bus.publish(topics.deliveryStatus, step('delivered', '2026-01-01T00:00:01.000Z'));
    await bus.close();
    const deliveries = await waitFor(
      async () => {
        const answer = await editorial.as('editor').get(`/v1/documents/${id}/deliveries`);
        return answer.body.length === 1 && answer.body[0].state === 'delivered' ? answer.body : undefined;
      },
      { what: 'the delivered state', timeoutMs: 30_000 },
    );
    expect(deliveries).toEqual([
      expect.objectContaining({
        revision: 1,
        channel: 'portal',
        target: 'main-site',
        state: 'delivered',
        fingerprint: released.fingerprint,
      }),
    ]);
  });
});
