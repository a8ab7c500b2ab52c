// The hostile-input run: the whole pipeline as child processes on the shared servers (own namespace), and what a
// hostile producer puts straight onto <prefix>content.published, bypassing the editors' API: broken bytes, broken
// JSON, broken schemas, huge and deeply nested values, wrong keys, forged fingerprints — interleaved with valid events
// whose every visible field carries a classic XSS vector.
import { createHash } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus } from '@tongyuan/bus';
import {
  type Block,
  type ContentPublished,
  type DocumentRevision,
  sourceFingerprint,
  toContentPublished,
  topics,
} from '@tongyuan/contracts';
import { issueTokens } from '@tongyuan/http';
import { S3ObjectStore } from '@tongyuan/object-store';
import { freePort, generatedRevision, integrationTest, quietLogger, uniqueName } from '@tongyuan/testing';
import sharp from 'sharp';
import { Pipeline, type ServiceName } from '../scripts/pipeline.ts';
import { staff } from '../services/editorial/src/staff.fixture.ts';
import { vectorGroups, type XssVector } from './xss-vectors.ts';

/** A record a hostile producer sends, and what the bus must say when it dead-letters it. */
export interface HostileCase {
  name: string;
  key: string | null;
  value: string | Buffer | null;
  headers?: Record<string, string>;
  code: string;
  /** The dead letter's reason must match: it names the field. */
  reason: RegExp;
}

/** A valid, correctly fingerprinted document whose fields carry vectors, and where each vector was put. */
export interface XssDocument {
  revision: DocumentRevision;
  /** Vectors a reader sees as text (title, headings, paragraphs, cells, captions, list items, organs, topics). */
  visible: XssVector[];
  /** Vectors that are image alt text: an attribute, not visible text. */
  alt: XssVector[];
}

export interface HostileRun {
  pipeline: Pipeline;
  tokens: Record<string, string>;
  cases: HostileCase[];
  xssDocuments: XssDocument[];
  /** A 900 KB paragraph: valid, under Kafka's 1 MB default, delivered. */
  huge: DocumentRevision;
  /** A document whose revision 2 is a forgery (altered text, stale fingerprint): revision 1 must stay live. */
  forgedTarget: DocumentRevision;
  /** What the broker answered to a 1.2 MB value, and to a record without a key. */
  refused: { oversize: string; keyless: string };
  /** The accounts the XSS documents are targeted to. */
  accounts: string[];
  /** The words every XSS document carries, for search. */
  searchPhrase: string;
  /** Records the producer wrote to content.published (refused ones not counted). */
  sent: number;
}

const SEARCH_PHRASE = '同源安全测试检索词';
const accounts = ['zigong-fabu', 'zigong-zwgk'];

/** The n-th base revision: a 规范性文件 of January 2019 (so a gazette candidate of one issue), for the two accounts. */
const baseRevision = (n: number): DocumentRevision => {
  const generated = generatedRevision(n, 8);
  return {
    ...generated,
    kind: '规范性文件',
    docNumber: `自府办发〔2019〕${n + 101}号`,
    validity: { status: '现行有效', effectiveFrom: generated.writtenDate, expiresOn: null },
    topics: ['政务公开'],
    targeting: { channels: [], sites: [], accounts, regions: [] },
  };
};

const paragraph = (text: string): Block => ({ type: 'paragraph', text });

interface Media {
  image: Omit<Extract<Block, { type: 'image' }>, 'alt' | 'caption' | 'id'>;
  attachment: { key: string; sha256: string; size: number };
}

/** Four documents, each putting its share of the vectors into a different kind of field. */
const xssDocumentsOf = (media: Media): XssDocument[] => {
  const groups = vectorGroups(12);
  const titled = (n: number, group: XssVector[]) => ({ title: `同源安全测试第${n + 1}号${group[0]?.text ?? ''}` });
  const [g0 = [], g1 = [], g2 = [], g3 = []] = groups;

  const paragraphs: DocumentRevision = {
    ...baseRevision(0),
    ...titled(0, g0),
    body: [
      { type: 'heading', level: 1, numbering: '一、', text: `标题${g0[1]?.text ?? ''}` },
      paragraph(SEARCH_PHRASE),
      ...g0.slice(2).map((vector) => paragraph(`正文：${vector.text}`)),
    ],
  };

  const cells = g1.slice(3).map((vector) => vector.text);
  const table: DocumentRevision = {
    ...baseRevision(1),
    ...titled(1, g1),
    body: [
      paragraph(SEARCH_PHRASE),
      {
        type: 'table',
        caption: `表题${g1[1]?.text ?? ''}`,
        header: [['事项', g1[2]?.text ?? '']],
        rows: Array.from({ length: Math.ceil(cells.length / 2) }, (_, i) => [cells[2 * i] ?? '', cells[2 * i + 1] ?? '—']),
      },
    ],
  };

  const pairs = g2.slice(1, 7);
  const images: DocumentRevision = {
    ...baseRevision(2),
    ...titled(2, g2),
    body: [
      paragraph(SEARCH_PHRASE),
      ...pairs.map(
        (vector, i): Block => ({ ...media.image, id: `img${i + 1}`, alt: vector.text, caption: `图${i + 1}${vector.text}` }),
      ),
      { type: 'list', ordered: false, items: g2.slice(7).map((vector) => `事项${vector.text}`) },
    ],
  };

  const metadata: DocumentRevision = {
    ...baseRevision(3),
    ...titled(3, g3),
    issuingOrgans: [`自贡市人民政府办公室${g3[1]?.text ?? ''}`],
    topics: ['政务公开', `主题${g3[2]?.text ?? ''}`],
    body: [paragraph(SEARCH_PHRASE), ...g3.slice(4).map((vector) => paragraph(`说明：${vector.text}`))],
    attachments: [
      {
        id: 'att1',
        title: `附件${g3[3]?.text ?? ''}`,
        fileName: 'fujian.pdf',
        key: media.attachment.key,
        sha256: media.attachment.sha256,
        mediaType: 'application/pdf',
        size: media.attachment.size,
      },
    ],
  };

  return [
    { revision: paragraphs, visible: g0, alt: [] },
    { revision: table, visible: g1, alt: [] },
    { revision: images, visible: [...g2.slice(0, 1), ...pairs, ...g2.slice(7)], alt: pairs },
    { revision: metadata, visible: g3, alt: [] },
  ];
};

/** A JSON value nested `depth` deep, built as text (a recursive builder would need the same depth of stack). */
const nestedArrays = (depth: number, inner = '"文"'): string => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;
const nestedObjects = (depth: number): string => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

/** Replaces the JSON text of one field path in a valid event: for values JSON.stringify would refuse or could not build. */
const withRaw = (event: ContentPublished, field: string[], raw: string): string => {
  const marker = `__raw_${field.join('_')}__`;
  const copy = structuredClone(event) as unknown as Record<string, unknown>;
  let target = copy;
  for (const step of field.slice(0, -1)) target = target[step] as Record<string, unknown>;
  target[field.at(-1) ?? ''] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), raw);
};

const hugeText = (bytes: number): string => {
  const sentence = '各级行政机关应当坚持以公开为常态、不公开为例外，推进决策、执行、管理、服务、结果公开。';
  return sentence.repeat(Math.ceil(bytes / Buffer.byteLength(sentence))).slice(0, Math.floor(bytes / 3));
};

/** The hostile records, each with the dead letter it must become. Keys of documents sent validly right behind. */
const hostileCasesOf = (valid: DocumentRevision[], forgedTarget: DocumentRevision, huge: DocumentRevision): HostileCase[] => {
  const [a, b, c, d] = valid as [DocumentRevision, DocumentRevision, DocumentRevision, DocumentRevision];
  const event = (revision: DocumentRevision) => toContentPublished(revision);
  const json = (value: unknown) => JSON.stringify(value);
  const utf8 = (before: string, bytes: number[], after: string) =>
    Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);
  const validA = json(event(a));
  const forgedRevision: DocumentRevision = {
    ...forgedTarget,
    revision: 2,
    body: [paragraph('篡改后的正文<script>top.__xss=99</script>')],
    correction: {
      kind: 'correction',
      reason: '伪造的更正',
      changes: ['替换正文'],
      previousRevision: 1,
      previousFingerprint: sourceFingerprint(forgedTarget),
      changedAt: '2019-02-01T10:00:00+00:00',
    },
  };
  return [
    { name: 'not JSON', key: a.documentId, value: '{"version":"v1",', code: 'invalid_json', reason: /^value is not JSON: / },
    {
      name: 'an HTML page instead of JSON',
      key: a.documentId,
      value: '<html><script>top.__xss=1</script><img src=x onerror=alert(1)></html>',
      code: 'invalid_json',
      reason: /^value is not JSON: /,
    },
    {
      name: 'invalid UTF-8: a lone continuation byte',
      key: a.documentId,
      value: utf8(validA.slice(0, 200), [0x80], validA.slice(200)),
      code: 'invalid_utf8',
      reason: /^value is not valid UTF-8$/,
    },
    {
      name: 'invalid UTF-8: an overlong "/"',
      key: b.documentId,
      value: utf8('{"version":"v1","x":"', [0xc0, 0xaf], '"}'),
      code: 'invalid_utf8',
      reason: /^value is not valid UTF-8$/,
    },
    {
      name: 'invalid UTF-8: an encoded surrogate',
      key: b.documentId,
      value: utf8(validA.slice(0, 300), [0xed, 0xa0, 0x80], validA.slice(300)),
      code: 'invalid_utf8',
      reason: /^value is not valid UTF-8$/,
    },
    {
      name: 'a tombstone (null value) on the compacted topic',
      key: b.documentId,
      value: null,
      code: 'invalid_message',
      reason: /^: .*object/,
    },
    {
      name: 'an empty object',
      key: c.documentId,
      value: '{}',
      code: 'invalid_message',
      reason: /^version: .*; fingerprint: .*; revision: /,
    },
    {
      name: 'no revision',
      key: c.documentId,
      value: json({ version: 'v1', fingerprint: event(c).fingerprint }),
      code: 'invalid_message',
      reason: /^revision: /,
    },
    {
      name: 'a title that is a number',
      key: c.documentId,
      value: json({ ...event(c), revision: { ...c, title: 42 } }),
      code: 'invalid_message',
      reason: /^revision\.title: /,
    },
    {
      name: 'an unknown field carrying script',
      key: c.documentId,
      value: json({ ...event(c), revision: { ...c, onload: '<script>top.__xss=1</script>' } }),
      code: 'invalid_message',
      reason: /^revision\.onload: unknown field/,
    },
    {
      name: 'unknown version v2',
      key: d.documentId,
      value: json({ ...event(d), version: 'v2' }),
      code: 'invalid_message',
      reason: /^version: /,
    },
    {
      name: 'a block type no renderer knows',
      key: d.documentId,
      value: json({ ...event(d), revision: { ...d, body: [{ type: 'html', html: '<script>alert(1)</script>' }] } }),
      code: 'invalid_message',
      reason: /^revision\.body\[0\]\.type: /,
    },
    {
      name: '10,000 nested arrays as the title',
      key: d.documentId,
      value: withRaw(event(d), ['revision', 'title'], nestedArrays(10_000)),
      code: 'invalid_message',
      reason: /^revision\.title: /,
    },
    {
      name: '10,000 nested objects in an unknown field',
      key: a.documentId,
      value: withRaw(
        { ...event(a), revision: { ...a, extra: 0 } as unknown as DocumentRevision },
        ['revision', 'extra'],
        nestedObjects(10_000),
      ),
      code: 'invalid_message',
      reason: /^revision\.extra: unknown field/,
    },
    {
      name: '10,000 nested arrays as the whole value',
      key: a.documentId,
      value: nestedArrays(10_000),
      code: 'invalid_message',
      reason: /^: .*object/,
    },
    {
      name: 'a 900 KB paragraph with a line break',
      key: huge.documentId,
      value: json(
        event({ ...huge, body: [paragraph('开头'), { type: 'paragraph', text: `${hugeText(450_000)}\n${hugeText(450_000)}` }] }),
      ),
      code: 'invalid_message',
      reason: /^revision\.body\[1\]\.text: must be one non-blank line/,
    },
    {
      name: 'a fingerprint of the wrong shape',
      key: b.documentId,
      value: json({ ...event(b), fingerprint: 'sha256:<script>alert(1)</script>' }),
      code: 'invalid_message',
      reason: /^fingerprint: fingerprint must be "sha256:"/,
    },
    {
      name: 'a forged fingerprint (well formed, of nothing)',
      key: b.documentId,
      value: json({ ...event(b), fingerprint: `sha256:${'0'.repeat(64)}` }),
      code: 'unverified_message',
      reason: new RegExp(`^fingerprint: is sha256:0{64}, but the revision hashes to ${event(b).fingerprint}$`),
    },
    {
      name: 'a script slipped into a fingerprinted title',
      key: a.documentId,
      value: json({ ...event(a), revision: { ...a, title: `${a.title}<script>top.__xss=1</script>` } }),
      code: 'unverified_message',
      reason: new RegExp(`^fingerprint: is ${event(a).fingerprint}, but the revision hashes to sha256:`),
    },
    {
      name: 'a forged revision 2 with the stale fingerprint of revision 1',
      key: forgedTarget.documentId,
      value: json({ version: 'v1', fingerprint: sourceFingerprint(forgedTarget), revision: forgedRevision }),
      code: 'unverified_message',
      reason: /^fingerprint: is sha256:[0-9a-f]{64}, but the revision hashes to sha256:/,
    },
    {
      name: 'a valid event under another document’s key',
      key: a.documentId,
      value: json(event(d)),
      code: 'wrong_key',
      reason: new RegExp(`^key: is "${a.documentId}", but the catalogue keys this message by "${d.documentId}"$`),
    },
    {
      name: 'hostile headers on a broken value',
      key: c.documentId,
      value: '[]',
      headers: { traceparent: '<script>alert(1)</script>', ce_revision: 'NaN', ce_id: '"><svg onload=alert(1)>' },
      code: 'invalid_message',
      reason: /^: .*object/,
    },
  ];
};

const uploadMedia = async (store: S3ObjectStore): Promise<Media> => {
  await store.ensureBucket();
  const png = await sharp({ create: { width: 640, height: 360, channels: 3, background: '#2a6' } })
    .png()
    .toBuffer();
  await store.put('uploads/hostile/chart.png', png, { contentType: 'image/png' });
  const pdf = Buffer.from('%PDF-1.4\n% 附件\n%%EOF\n');
  await store.put('uploads/hostile/fujian.pdf', pdf, { contentType: 'application/pdf' });
  const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
  return {
    image: {
      type: 'image',
      key: 'uploads/hostile/chart.png',
      width: 640,
      height: 360,
      mediaType: 'image/png',
      size: png.length,
      sha256: sha256(png),
    },
    attachment: { key: 'uploads/hostile/fujian.pdf', sha256: sha256(pdf), size: pdf.length },
  };
};

export const hostileTest = integrationTest.extend<{ run: HostileRun }>({
  run: [
    async ({ servers }, use) => {
      const names: ServiceName[] = ['wechat-fake', 'editorial', 'portal', 'newmedia', 'gazette', 'ops'];
      const ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()] as const)));
      const { users, tokens } = issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));
      const namespace = uniqueName('hostile');
      const pipeline = new Pipeline({
        endpoints: {
          KAFKA_BROKERS: servers.kafkaBrokers.join(','),
          S3_ENDPOINT: servers.s3.endpoint,
          S3_REGION: servers.s3.region,
          S3_ACCESS_KEY_ID: servers.s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: servers.s3.secretAccessKey,
          DATABASE_URL: servers.databaseUrl,
        },
        users,
        workDir: await mkdtemp(join(tmpdir(), 'tongyuan-hostile-')),
        ports: ports as Record<ServiceName, number>,
        namespace,
        only: names,
        extraEnv: { newmedia: { WECHAT_PUBLISH_POLL_MS: '200' }, 'wechat-fake': { FAKE_WECHAT_PUBLISH_DELAY_MS: '200' } },
        logLevel: process.env.TEST_LOG_LEVEL ?? 'warn',
      });
      const media = await uploadMedia(
        new S3ObjectStore({ bucket: pipeline.bucket('tongyuan-assets'), ...servers.s3, forcePathStyle: true }),
      );
      const bus = new KafkaBus({
        brokers: servers.kafkaBrokers,
        clientId: uniqueName('hostile-producer'),
        logger: quietLogger(),
        topicPrefix: pipeline.topicPrefix,
      });
      try {
        await pipeline.start();
        const xssDocuments = xssDocumentsOf(media);
        const valid = xssDocuments.map((document) => document.revision);
        const huge: DocumentRevision = {
          ...generatedRevision(10, 8),
          kind: '通知',
          docNumber: null,
          validity: null,
          topics: ['政务公开'],
          targeting: { channels: [], sites: [], accounts: ['zigong-fabu'], regions: [] },
          body: [paragraph('开头'), paragraph(hugeText(900_000))],
        };
        const forgedTarget: DocumentRevision = {
          ...generatedRevision(11, 8),
          kind: '通知',
          docNumber: null,
          validity: null,
          topics: ['政务公开'],
          targeting: { channels: [], sites: [], accounts: ['zigong-fabu'], regions: [] },
          body: [paragraph('原始正文，未经篡改。')],
        };
        const cases = hostileCasesOf(valid, forgedTarget, huge);
        const spec = topics.contentPublished;
        const wire = (revision: DocumentRevision) => bus.toWireRecord(spec, toContentPublished(revision));

        // Each valid event goes right behind hostile records of its own key: the same partition, so it is truly behind them.
        const validByKey = new Map([...valid, huge, forgedTarget].map((revision) => [revision.documentId, revision]));
        let sent = 0;
        await bus.sendRecords(spec.name, [wire(forgedTarget)]);
        sent++;
        for (const hostile of cases) {
          await bus.sendRecords(spec.name, [
            { key: hostile.key, value: hostile.value, headers: { ...hostile.headers, 'hostile-case': hostile.name } },
          ]);
          sent++;
          const next = hostile.key === null ? undefined : validByKey.get(hostile.key);
          if (next !== undefined && next !== forgedTarget) {
            await bus.sendRecords(spec.name, [wire(next)]);
            sent++;
            validByKey.delete(next.documentId);
          }
        }

        // What the broker refuses outright: nothing of it is written, and the producer's caller gets the error.
        const refusedBy = async (record: { key: string | null; value: string }): Promise<string> => {
          // A producer of its own: a refused batch leaves an idempotent producer's sequence behind.
          const producer = new KafkaBus({
            brokers: servers.kafkaBrokers,
            clientId: uniqueName('hostile-refused'),
            logger: quietLogger(),
            topicPrefix: pipeline.topicPrefix,
          });
          try {
            await producer.sendRecords(spec.name, [{ ...record, headers: {} }]);
            return '';
          } catch (error) {
            return `${(error as { type?: string }).type ?? ''}: ${(error as Error).message}`;
          } finally {
            await producer.close();
          }
        };
        const refused = {
          // Over the broker's 1 MB message.max.bytes.
          oversize: await refusedBy(wire({ ...huge, body: [paragraph('开头'), paragraph(hugeText(1_200_000))] })),
          // A compacted topic keeps the latest record per key: a record without one is invalid there.
          keyless: await refusedBy({ key: null, value: JSON.stringify(toContentPublished(valid[2] as DocumentRevision)) }),
        };

        await use({
          pipeline,
          tokens,
          cases,
          xssDocuments,
          huge,
          forgedTarget,
          refused,
          accounts,
          searchPhrase: SEARCH_PHRASE,
          sent,
        });
      } finally {
        await bus.close();
        await pipeline.stop();
      }
    },
    { scope: 'file' },
  ],
});
