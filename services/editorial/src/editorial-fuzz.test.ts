// Generated bad requests against the editors' API: each one is refused with a 4xx that says why,
// the service keeps answering, and a refused request leaves no row behind.
import {
  ConfidentialityReviewRequest,
  CreateDraftRequest,
  formatIssuePath,
  RecordReviewRequest,
  StartRevisionRequest,
  UpdateDraftRequest,
} from '@tongyuan/contracts';
import { createPool, type Pool } from '@tongyuan/database';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { draftAndReview, type EditorialHarness, editorialTest, publish } from './editorial.fixture.js';
import { noticeDraft } from './sample-documents.fixture.js';
import type { StaffMember } from './staff.fixture.js';

/** Generated requests per property: enough to meet every generator branch many times, few enough for 2 cores (FUZZ_RUNS to search longer). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/** Shrinking a failure sends many more requests than the runs themselves. */
const TIMEOUT_MS = 120_000;

/** The one valid draft every generated body starts from. */
const validContent = () => noticeDraft('本次检查覆盖全区各部门。');

// ---------------------------------------------------------------------------------------------------------------------
// Raw HTTP: the harness client always sends JSON and parses the answer, so bytes, content types, headers and non-JSON
// answers (a crash page) need a client of their own.

interface RawRequest {
  method: string;
  path: string;
  /** Sent as exactly these bytes (strings as UTF-8); absent = no body. */
  body?: string | Uint8Array;
  /** Absent = no Content-Type header at all. */
  contentType?: string;
  headers?: Record<string, string>;
}

interface RawAnswer {
  status: number;
  contentType: string;
  text: string;
  json: any;
}

type Caller = StaffMember | 'anonymous';

const rawClient =
  (editorial: EditorialHarness) =>
  async (caller: Caller, request: RawRequest): Promise<RawAnswer> => {
    const body = typeof request.body === 'string' ? new TextEncoder().encode(request.body) : request.body;
    const response = await fetch(`${editorial.baseUrl}${request.path}`, {
      method: request.method,
      headers: {
        ...(caller === 'anonymous' ? {} : { authorization: `Bearer ${editorial.tokenOf(caller)}` }),
        ...(request.contentType === undefined ? {} : { 'content-type': request.contentType }),
        ...request.headers,
      },
      body,
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', text, json };
  };

type Send = ReturnType<typeof rawClient>;

const jsonRequest = (method: string, path: string, text: string): RawRequest => ({
  method,
  path,
  body: text,
  contentType: 'application/json',
});

/** A request and its answer in one line, so a failing case can be replayed with curl. */
const shown = (request: RawRequest, answer: RawAnswer): string => {
  const body =
    request.body === undefined
      ? '(no body)'
      : typeof request.body === 'string'
        ? request.body.length > 600
          ? `${request.body.slice(0, 600)}… (${request.body.length} chars)`
          : request.body
        : `bytes ${Buffer.from(request.body).toString('hex').slice(0, 600)}`;
  return `${request.method} ${request.path} [content-type: ${request.contentType ?? '(none)'}] ${body}\n  → ${answer.status} ${answer.contentType} ${answer.text.slice(0, 600)}`;
};

interface Refusal {
  /** The exact status when the case decides it; otherwise any 4xx. */
  status?: number;
  /** A schema failure: errors[] must name fields and reasons. */
  fieldReasons?: boolean;
  /** Formatted paths the sender broke: at least one error must name one of them, or a field inside or around it. */
  brokenAt?: readonly string[];
}

const inside = (inner: string, outer: string): boolean =>
  inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
/** content.body[1] is near content.body[1].text and near content.body: a reason may name the field or the part of it that failed. */
const near = (field: string, path: string): boolean => field !== '' && (inside(field, path) || inside(path, field));

/** What every refusal looks like: a 4xx, problem+json, a detail a person can read, and per-field reasons for bad bodies. */
const expectRefusal = (request: RawRequest, answer: RawAnswer, refusal: Refusal = {}): void => {
  const seen = shown(request, answer);
  expect(answer.status, seen).toBeGreaterThanOrEqual(400);
  expect(answer.status, seen).toBeLessThan(500);
  if (refusal.status !== undefined) expect(answer.status, seen).toBe(refusal.status);
  expect(answer.contentType, seen).toMatch(/^application\/problem\+json/);
  expect(answer.json, seen).toMatchObject({
    status: answer.status,
    code: expect.stringMatching(/\S/),
    detail: expect.stringMatching(/\S/),
  });
  if (!refusal.fieldReasons && !refusal.brokenAt) return;
  const errors: Array<{ field: unknown; reason: unknown }> = answer.json.errors;
  expect(Array.isArray(errors) && errors.length > 0, seen).toBe(true);
  for (const error of errors)
    expect(error, seen).toMatchObject({ field: expect.any(String), reason: expect.stringMatching(/\S/) });
  if (refusal.brokenAt && refusal.brokenAt.length > 0) {
    const fields = errors.map((error) => error.field as string);
    expect(
      refusal.brokenAt.some((path) => fields.some((field) => near(field, path))),
      `${seen}\n  expected an error naming one of: ${refusal.brokenAt.join(', ')}`,
    ).toBe(true);
  }
};

// ---------------------------------------------------------------------------------------------------------------------
// Rows: a refusal must leave every table as it was.

const tables = ['documents', 'drafts', 'revisions', 'outbox', 'audit_log', 'idempotency_keys'] as const;

const rowCounts = async (db: Pool): Promise<Record<(typeof tables)[number], number>> => {
  const { rows } = await db.query(
    `select ${tables.map((table) => `(select count(*)::int from ${table}) as ${table}`).join(', ')}`,
  );
  return rows[0];
};

/** Everything a write to the draft would change, updated_at included. */
const draftRow = async (db: Pool, documentId: string) => {
  const { rows } = await db.query(
    'select revision, content, reviews, confidentiality, correction, updated_by, updated_at from drafts where document_id = $1',
    [documentId],
  );
  return rows[0];
};

/** Proves a property refused everything it was sent: the release counts the harness keeps, and every table's rows. */
const snapshot = async (editorial: EditorialHarness, db: Pool) => ({
  release: await editorial.counts(),
  rows: await rowCounts(db),
});

/** The service still answers, and still does real work. */
const expectAlive = async (send: Send): Promise<void> => {
  const health = await send('anonymous', { method: 'GET', path: '/healthz' });
  expect(health.status).toBe(200);
  const created = await send('editor', jsonRequest('POST', '/v1/documents', JSON.stringify({ content: validContent() })));
  expect(created.status, created.text).toBe(201);
};

// ---------------------------------------------------------------------------------------------------------------------
// Bodies: a valid one, and mutations of it described as data, so fast-check prints and shrinks them.

type Path = ReadonlyArray<string | number>;
type Mutation =
  | { op: 'drop'; path: Path }
  | { op: 'set'; path: Path; value: unknown }
  /** A key the contract does not have, written as an own property even for "__proto__". */
  | { op: 'extra'; path: Path; value: unknown };

const parentOf = (root: unknown, path: Path): Record<string | number, unknown> | undefined => {
  let node = root;
  for (const key of path.slice(0, -1)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>) : undefined;
};

/** Applies the mutation in place; false when its path no longer exists (an earlier mutation replaced a parent). */
const apply = (root: unknown, mutation: Mutation): boolean => {
  const parent = parentOf(root, mutation.path);
  const key = mutation.path.at(-1);
  if (!parent || key === undefined) return false;
  if (mutation.op === 'drop') {
    if (Array.isArray(parent) || !Object.hasOwn(parent, key)) return false;
    delete parent[key];
    return true;
  }
  Object.defineProperty(parent, key, { value: mutation.value, enumerable: true, writable: true, configurable: true });
  return true;
};

interface Mutated {
  text: string;
  /** Formatted paths of the mutations that took effect. */
  brokenAt: string[];
}

const mutate = (base: unknown, mutations: readonly Mutation[]): Mutated => {
  const body = structuredClone(base);
  const brokenAt = mutations.filter((mutation) => apply(body, mutation)).map((mutation) => formatIssuePath(mutation.path));
  return { text: JSON.stringify(body), brokenAt };
};

/** Keeps only bodies the contract refuses: a mutation can land on a value that happens to be valid. */
const refusedBy = (schema: { safeParse(value: unknown): { success: boolean } }) => (mutated: Mutated) =>
  !schema.safeParse(JSON.parse(mutated.text)).success;

const nested = (depth: number, kind: 'array' | 'object'): unknown => {
  let value: unknown = kind === 'array' ? [] : {};
  for (let i = 0; i < depth; i++) value = kind === 'array' ? [value] : { a: value };
  return value;
};

/** Values of the wrong type, or the right type with nonsense inside. */
const wrongValue = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom([], {}, '', ' ', '\n', [null], [''], { type: 'paragraph' }),
  fc.jsonValue({ maxDepth: 3 }),
);

const longString = fc
  .record({ unit: fc.constantFrom('a', '字', '𠀀', ' ', '\u3000'), length: fc.integer({ min: 2_001, max: 300_000 }) })
  .map(({ unit, length }) => unit.repeat(length));

const deepValue = fc
  .record({ depth: fc.integer({ min: 100, max: 2_000 }), kind: fc.constantFrom('array' as const, 'object' as const) })
  .map(({ depth, kind }) => nested(depth, kind));

/** Keys a sender might add: random ones, JavaScript's own, and fields the service assigns itself (mass assignment). */
const extraKey = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 8 }),
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty'),
  fc.constantFrom(
    'documentId',
    'revision',
    'indexNumber',
    'status',
    'reviews',
    'confidentialityReview',
    'publishedAt',
    'correction',
  ),
);

const setAt = (paths: readonly Path[], value: fc.Arbitrary<unknown>) =>
  fc.record({ op: fc.constant('set' as const), path: fc.constantFrom(...paths), value });
const dropAt = (paths: readonly Path[]) => fc.record({ op: fc.constant('drop' as const), path: fc.constantFrom(...paths) });
const extraAt = (parents: readonly Path[]) =>
  fc
    .record({ parent: fc.constantFrom(...parents), key: extraKey, value: fc.jsonValue({ maxDepth: 2 }) })
    .map(({ parent, key, value }): Mutation => ({ op: 'extra', path: [...parent, key], value }));

// The draft: which fields are required, which hold text, which hold lists.
const C = 'content';
const requiredDraftPaths: Path[] = [
  [C],
  ...['kind', 'title', 'issuingOrgans', 'docNumber', 'topics', 'writtenDate', 'validity', 'openness', 'body'].map((k) => [C, k]),
  ...['attachments', 'related', 'targeting', 'organisationCode', 'requiresInterpretation'].map((k) => [C, k]),
  [C, 'body', 0, 'type'],
  [C, 'body', 0, 'level'],
  [C, 'body', 0, 'text'],
  [C, 'body', 1, 'type'],
  [C, 'body', 1, 'text'],
  [C, 'targeting', 'channels'],
  [C, 'targeting', 'regions'],
];
const textDraftPaths: Path[] = [
  [C, 'kind'],
  [C, 'title'],
  [C, 'shortTitle'],
  [C, 'docNumber'],
  [C, 'writtenDate'],
  [C, 'openness'],
  [C, 'organisationCode'],
  [C, 'issuingOrgans', 0],
  [C, 'topics', 0],
  [C, 'body', 0, 'numbering'],
  [C, 'body', 0, 'text'],
  [C, 'body', 1, 'text'],
  [C, 'body', 1, 'align'],
];
const anyDraftPaths: Path[] = [
  ...requiredDraftPaths,
  ...textDraftPaths,
  [C, 'body', 0],
  [C, 'body', 1],
  [C, 'targeting', 'sites'],
  [C, 'targeting', 'accounts'],
];

const badDocNumber = fc.oneof(
  fc.constantFrom(
    '自府办函[2022]21号', // square brackets instead of 〔〕
    '自府办函（2022）21号',
    '自府办函〔2022〕021号', // leading zero
    '自府办函〔22〕21号',
    '自府办函〔2022〕第21号', // 第 only in decrees
    '自府办函〔1899〕1号',
    '自府办函〔2022〕1234567号',
    '自府办函〔2022〕21',
    '〔2022〕21号',
    '自府办函〔2022〕21号 ',
    '自府办函〔2022〕21号\n',
    '自贡市人民政府令第03号',
    '',
    ' ',
  ),
  fc.string({ maxLength: 30 }),
);

// 机构代码 is the organisation part of every 索引号 the service will assign.
const badOrganisationCode = fc.oneof(
  fc.constantFrom(
    '11510300008589567', // 17 characters
    '11510300008589567q', // lower case
    '11510300008589567Q ',
    '115103000085895670Q',
    '11510300008589567Q/2022-00001', // a whole 索引号
    '00815908-55',
    '0081590-85',
    '００８１５９０８－５', // full-width
    '',
  ),
  fc.string({ maxLength: 30 }),
);

const badDate = fc.oneof(
  fc.constantFrom(
    '2019-02-30',
    '2019-06-31',
    '2019-13-01',
    '2019-00-10',
    '20190619',
    '2019-6-19',
    '2019/06/19',
    '2019-06-19 ',
    '2019-06-19T00:00:00Z',
    '+002019-06-19',
    '二〇一九年六月十九日',
    '',
  ),
  fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  fc.string({ maxLength: 12 }),
);

const badValidity = fc.oneof(
  fc.constantFrom<unknown>(
    { status: '现行有效', effectiveFrom: '2020-01-02', expiresOn: '2020-01-01' }, // ends before it starts
    { status: '现行有效', effectiveFrom: '2020-02-30', expiresOn: null },
    { status: '现行有效', effectiveFrom: null },
    { status: '失效', effectiveFrom: null },
    { status: '废止', effectiveFrom: null, repealedOn: '2020-01-01', repealedBy: 'doc_not-an-id' },
    { status: '有效', effectiveFrom: null, expiresOn: null },
    { status: '现行有效', effectiveFrom: null, expiresOn: null, repealedOn: '2020-01-01' },
    {},
  ),
  badDate.map((date) => ({ status: '失效', effectiveFrom: null, expiredOn: date })),
);

const badBlock = fc.constantFrom<unknown>(
  { type: 'heading', level: 1, numbering: '（一）', text: '检查范围' }, // numbered like level 2
  { type: 'heading', level: 5, text: '检查范围' },
  { type: 'heading', level: 1, text: '一、检查范围' }, // 序号 inside the text
  { type: 'paragraph', text: '' },
  { type: 'paragraph', text: '   ' },
  { type: 'paragraph', text: '第一行\n第二行' },
  { type: 'paragraph', text: '居中', align: 'justify' },
  { type: 'list', ordered: true, items: [] },
  { type: 'table', header: [], rows: [] },
  { type: 'table', header: [], rows: [[]] },
  { type: 'table', header: [['甲', '乙']], rows: [['丙']] },
  { type: 'table', header: [], rows: [['甲', '乙']], merges: [{ row: 0, col: 0, rowSpan: 1, colSpan: 1 }] },
  { type: 'image', key: '../../etc/passwd', alt: '图', width: 1, height: 1, mediaType: 'image/svg+xml', size: 1, sha256: 'x' },
  { type: 'attachment', ref: '' },
  { type: 'script', text: 'alert(1)' },
  { type: 'paragraph', id: '-bad id-', text: '正文' },
);

const draftMutation: fc.Arbitrary<Mutation> = fc.oneof(
  dropAt(requiredDraftPaths),
  setAt(anyDraftPaths, wrongValue),
  extraAt([[], [C], [C, 'body', 0], [C, 'body', 1], [C, 'targeting']]),
  setAt(textDraftPaths, longString),
  setAt(anyDraftPaths, deepValue),
  setAt([[C, 'docNumber']], badDocNumber),
  setAt([[C, 'organisationCode']], badOrganisationCode),
  setAt([[C, 'writtenDate']], badDate),
  setAt([[C, 'validity']], badValidity),
  setAt(
    [
      [C, 'issuingOrgans'],
      [C, 'topics'],
      [C, 'body'],
    ],
    fc.constant([]),
  ),
  // Items that must not repeat.
  setAt(
    [
      [C, 'topics'],
      [C, 'issuingOrgans'],
    ],
    fc.constant(['政务公开', '政务公开']),
  ),
  setAt(
    [
      [C, 'body', 0],
      [C, 'body', 1],
    ],
    badBlock,
  ),
  setAt([[C, 'related']], fc.constant([{ relation: 'interprets', documentId: 'doc_../../etc', title: '某文件' }])),
);

const badDraftBody = (schema: { safeParse(value: unknown): { success: boolean } }) =>
  fc
    .array(draftMutation, { minLength: 1, maxLength: 3 })
    .map((mutations) => mutate({ content: validContent() }, mutations))
    .filter(refusedBy(schema));

/** Bodies of the small review and revision requests: drop a field, break one, add one, stretch the comment. */
const badSmallBody = (
  base: Record<string, unknown>,
  badValues: Record<string, fc.Arbitrary<unknown>>,
  schema: { safeParse(value: unknown): { success: boolean } },
) => {
  const keys = Object.keys(base).map((key): Path => [key]);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    dropAt(keys),
    setAt(keys, wrongValue),
    setAt(keys, deepValue),
    extraAt([[]]),
    ...Object.entries(badValues).map(([key, value]) => setAt([[key]], value)),
  );
  return fc
    .array(mutation, { minLength: 1, maxLength: 3 })
    .map((mutations) => mutate(base, mutations))
    .filter(refusedBy(schema));
};

/** Every route with a document id in its path, with a body and role that would pass, so only the id is wrong. */
const idRoutes: Array<{
  method: string;
  path: (id: string) => string;
  caller: StaffMember;
  body?: unknown;
  headers?: Record<string, string>;
}> = [
  { method: 'GET', path: (id) => `/v1/documents/${id}`, caller: 'archivist' },
  { method: 'GET', path: (id) => `/v1/documents/${id}/revisions/1`, caller: 'ops' },
  { method: 'PUT', path: (id) => `/v1/documents/${id}/draft`, caller: 'editor', body: { content: validContent() } },
  { method: 'POST', path: (id) => `/v1/documents/${id}/draft/mask-personal-data`, caller: 'editor' },
  {
    method: 'POST',
    path: (id) => `/v1/documents/${id}/draft/reviews`,
    caller: 'officeHead',
    body: { stage: '自审', decision: 'approved', comment: null },
  },
  {
    method: 'POST',
    path: (id) => `/v1/documents/${id}/draft/confidentiality-review`,
    caller: 'confidentiality',
    body: { conclusion: '不涉密', comment: null },
  },
  {
    method: 'POST',
    path: (id) => `/v1/documents/${id}/revisions`,
    caller: 'editor',
    body: { kind: 'withdrawal', reason: '已被新通知替代' },
  },
  {
    method: 'POST',
    path: (id) => `/v1/documents/${id}/publish`,
    caller: 'editor',
    headers: { 'idempotency-key': 'fuzz-publish-0001' },
  },
];

// ---------------------------------------------------------------------------------------------------------------------

/** The harness (one service per file) plus a raw client and a database connection of its own, to count rows. */
const test = editorialTest.extend<{ send: Send; db: Pool }>({
  send: [async ({ editorial }, use) => use(rawClient(editorial)), { scope: 'file' }],
  db: [
    async ({ editorial }, use) => {
      const db = createPool(editorial.databaseUrl, 2);
      await use(db);
      await db.end();
    },
    { scope: 'file' },
  ],
});

const created = async (send: Send): Promise<string> => {
  const answer = await send('editor', jsonRequest('POST', '/v1/documents', JSON.stringify({ content: validContent() })));
  if (answer.status !== 201) throw new Error(`create failed: ${answer.text}`);
  return answer.json.documentId;
};

describe('fuzzing the editors’ API with bad requests', () => {
  test(
    'POST /v1/documents: any JSON value that is not a draft is refused with field reasons, and no document is created',
    async ({ editorial, send, db }) => {
      const before = await snapshot(editorial, db);
      const value = fc.oneof(
        fc.anything(),
        fc.jsonValue(),
        fc.record({ content: fc.anything() }),
        fc.record({ content: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })) }),
      );
      await fc.assert(
        fc.asyncProperty(value, async (generated) => {
          const text = JSON.stringify(generated);
          fc.pre(text !== undefined && !CreateDraftRequest.safeParse(JSON.parse(text)).success);
          const request = jsonRequest('POST', '/v1/documents', text);
          expectRefusal(request, await send('editor', request), { status: 400, fieldReasons: true });
        }),
        { numRuns: RUNS },
      );
      expect(await snapshot(editorial, db)).toEqual(before);
      await expectAlive(send);
    },
    TIMEOUT_MS,
  );

  test(
    'POST /v1/documents: a valid draft broken in one to three places is refused, naming a broken field; nothing is written',
    async ({ editorial, send, db }) => {
      const before = await snapshot(editorial, db);
      await fc.assert(
        fc.asyncProperty(badDraftBody(CreateDraftRequest), async ({ text, brokenAt }) => {
          const request = jsonRequest('POST', '/v1/documents', text);
          expectRefusal(request, await send('editor', request), { status: 400, fieldReasons: true, brokenAt });
        }),
        { numRuns: RUNS },
      );
      expect(await snapshot(editorial, db)).toEqual(before);
      await expectAlive(send);
    },
    TIMEOUT_MS,
  );

  test(
    'POST /v1/documents: bytes that are not JSON, wrong content types, empty and oversized bodies, strangers and wrong roles',
    async ({ editorial, send, db }) => {
      const valid = JSON.stringify({ content: validContent() });
      type Case = { caller: Caller; body: string | Uint8Array; contentType?: string; status: number };
      const asEditor =
        (status: number) =>
        (fields: { body: string | Uint8Array; contentType?: string }): Case => ({
          caller: 'editor',
          status,
          ...fields,
        });
      const cases: fc.Arbitrary<Case> = fc.oneof(
        // Random bytes: not JSON, or JSON that is not a draft; either way a 400 that says where.
        fc.uint8Array({ minLength: 1, maxLength: 512 }).map((body) => asEditor(400)({ body, contentType: 'application/json' })),
        // A valid body cut short anywhere.
        fc
          .integer({ min: 1, max: valid.length - 1 })
          .map((n) => asEditor(400)({ body: valid.slice(0, n), contentType: 'application/json' })),
        // Almost JSON.
        fc
          .constantFrom(
            `\ufeff${valid}`,
            valid.replace('{', '{ // comment\n'),
            valid.replace(/}$/, ',}'),
            `${valid}${valid}`,
            "{'content': {}}",
            '{"content": NaN}',
            '{"content": undefined}',
            '{"content": 0x10}',
            '{content: {}}',
            `${valid.slice(0, -1)},"content":1}`, // a repeated key: the last one wins
            valid.replace('"level":1', '"level":1e400'), // Infinity once parsed
            '\u0000',
            ' ',
          )
          .map((body) => asEditor(400)({ body, contentType: 'application/json' })),
        // A JSON body sent as something else, or with no content type at all.
        fc
          .constantFrom(
            undefined,
            'text/plain',
            'text/json',
            'application/x-www-form-urlencoded',
            'multipart/form-data; boundary=x',
            'application/jsonx',
            'application/xml',
            'json',
            '*/*',
            '',
          )
          .map((contentType) => asEditor(415)({ body: valid, contentType })),
        // Empty bodies, whatever they claim to be.
        fc
          .constantFrom(undefined, 'application/json', 'text/plain')
          .map((contentType) => asEditor(400)({ body: '', contentType })),
        // Nesting far past any real document, as text so no serialiser here has to hold it.
        fc
          .integer({ min: 1_000, max: 200_000 })
          .map((depth) =>
            asEditor(400)({ body: `{"content":${'['.repeat(depth)}${']'.repeat(depth)}}`, contentType: 'application/json' }),
          ),
        // Authentication and roles come before the body is even read.
        fc
          .record({
            caller: fc.constantFrom<Caller>('anonymous', 'archivist', 'officeHead', 'ops'),
            body: fc.oneof(fc.constant(valid), fc.string(), fc.uint8Array({ maxLength: 64 })),
          })
          .map(
            ({ caller, body }): Case => ({
              caller,
              body,
              contentType: 'application/json',
              status: caller === 'anonymous' ? 401 : 403,
            }),
          ),
      );
      const before = await snapshot(editorial, db);
      await fc.assert(
        fc.asyncProperty(cases, async ({ caller, status, ...fields }) => {
          const request: RawRequest = { method: 'POST', path: '/v1/documents', ...fields };
          expectRefusal(request, await send(caller, request), { status, fieldReasons: status === 400 });
        }),
        { numRuns: RUNS },
      );

      // Over the 4 MiB limit: refused before it is parsed.
      const oversized = jsonRequest(
        'POST',
        '/v1/documents',
        JSON.stringify({ content: { ...validContent(), title: '字'.repeat(1_500_000) } }),
      );
      expectRefusal(oversized, await send('editor', oversized), { status: 413 });

      expect(await snapshot(editorial, db)).toEqual(before);
      await expectAlive(send);
    },
    TIMEOUT_MS,
  );

  test(
    'PUT /v1/documents/{id}/draft: a broken draft is refused and the stored draft, its 自审 included, is untouched',
    async ({ editorial, send, db }) => {
      const id = await created(send);
      const review = await send(
        'officeHead',
        jsonRequest(
          'POST',
          `/v1/documents/${id}/draft/reviews`,
          JSON.stringify({ stage: '自审', decision: 'approved', comment: null }),
        ),
      );
      expect(review.status, review.text).toBe(200);
      const before = await snapshot(editorial, db);
      const draftBefore = await draftRow(db, id);

      await fc.assert(
        fc.asyncProperty(badDraftBody(UpdateDraftRequest), async ({ text, brokenAt }) => {
          const request = jsonRequest('PUT', `/v1/documents/${id}/draft`, text);
          expectRefusal(request, await send('editor', request), { status: 400, fieldReasons: true, brokenAt });
        }),
        { numRuns: RUNS },
      );
      expect(await snapshot(editorial, db)).toEqual(before);
      expect(await draftRow(db, id)).toEqual(draftBefore);

      // A valid edit still goes through, and sends the draft back through 三审 (一事一审).
      const edited = await send(
        'editor',
        jsonRequest('PUT', `/v1/documents/${id}/draft`, JSON.stringify({ content: noticeDraft('检查于6月30日前完成。') })),
      );
      expect(edited.status, edited.text).toBe(200);
      expect(edited.json.draft.reviews).toEqual([]);
    },
    TIMEOUT_MS,
  );

  test(
    'POST /v1/documents/{id}/draft/reviews and …/confidentiality-review: broken review bodies are refused and record nothing',
    async ({ editorial, send, db }) => {
      const id = await created(send);
      const before = await snapshot(editorial, db);
      const draftBefore = await draftRow(db, id);
      const comment = fc.oneof(longString, fc.constantFrom<unknown>(5, [], {}, true));

      const reviews = badSmallBody(
        { stage: '自审', decision: 'approved', comment: null },
        {
          stage: fc.oneof(
            fc.constantFrom('自审 ', ' 自审', '終審', '三审', 'self-review', 'ZISHEN', ''),
            fc.string({ maxLength: 8 }),
          ),
          decision: fc.oneof(
            fc.constantFrom('approve', 'APPROVED', 'approved ', 'rejected\n', '同意', ''),
            fc.string({ maxLength: 10 }),
          ),
          comment,
        },
        RecordReviewRequest,
      );
      await fc.assert(
        fc.asyncProperty(
          reviews,
          fc.constantFrom<StaffMember>('officeHead', 'allReviewer'),
          async ({ text, brokenAt }, member) => {
            const request = jsonRequest('POST', `/v1/documents/${id}/draft/reviews`, text);
            expectRefusal(request, await send(member, request), { status: 400, fieldReasons: true, brokenAt });
          },
        ),
        { numRuns: RUNS },
      );

      const confidentiality = badSmallBody(
        { conclusion: '不涉密', comment: null },
        {
          conclusion: fc.oneof(
            fc.constantFrom('不涉密 ', '不 涉 密', '不涉秘', '非涉密', 'not secret', '', '涉密?'),
            fc.string({ maxLength: 8 }),
          ),
          comment,
        },
        ConfidentialityReviewRequest,
      );
      await fc.assert(
        fc.asyncProperty(confidentiality, async ({ text, brokenAt }) => {
          const request = jsonRequest('POST', `/v1/documents/${id}/draft/confidentiality-review`, text);
          expectRefusal(request, await send('confidentiality', request), { status: 400, fieldReasons: true, brokenAt });
        }),
        { numRuns: RUNS },
      );

      expect(await snapshot(editorial, db)).toEqual(before);
      expect(await draftRow(db, id)).toEqual(draftBefore);
      const review = await send(
        'officeHead',
        jsonRequest(
          'POST',
          `/v1/documents/${id}/draft/reviews`,
          JSON.stringify({ stage: '自审', decision: 'approved', comment: null }),
        ),
      );
      expect(review.status, review.text).toBe(200);
      const cleared = await send(
        'confidentiality',
        jsonRequest(
          'POST',
          `/v1/documents/${id}/draft/confidentiality-review`,
          JSON.stringify({ conclusion: '不涉密', comment: null }),
        ),
      );
      expect(cleared.status, cleared.text).toBe(200);
      expect(cleared.json.draft.confidentialityReview).toMatchObject({ conclusion: '不涉密' });
    },
    TIMEOUT_MS,
  );

  test(
    'POST /v1/documents/{id}/revisions: broken correction, withdrawal and validity-change requests open no draft',
    async ({ editorial, send, db }) => {
      const id = await draftAndReview(editorial, validContent());
      const released = await publish(editorial, id);
      expect(released.status, JSON.stringify(released.body)).toBe(201);
      const before = await snapshot(editorial, db);

      const reason = fc.oneof(
        fc.constantFrom<unknown>('', '   ', '\n\t', '\u3000', 5, null),
        fc.integer({ min: 501, max: 5_000 }).map((n) => '误'.repeat(n)),
      );
      const bases = [
        { kind: 'correction', reason: '完成日期有误', changes: ['修改正文第2块'] },
        { kind: 'withdrawal', reason: '已被新通知替代' },
        {
          kind: 'validityChange',
          reason: '已废止',
          validity: { status: '废止', effectiveFrom: null, repealedOn: '2024-01-01', repealedBy: null },
        },
      ];
      const bodies = fc.oneof(
        ...bases.map((base) =>
          badSmallBody(
            base,
            {
              kind: fc.constantFrom<unknown>('Correction', 'correction ', 'revision', 'withdraw', '纠错', '', null),
              reason,
              changes: fc.constantFrom<unknown>([''], ['  '], '修改', [1], ['改'.repeat(201)]),
              validity: badValidity,
            },
            StartRevisionRequest,
          ),
        ),
      );
      await fc.assert(
        fc.asyncProperty(bodies, async ({ text, brokenAt }) => {
          const request = jsonRequest('POST', `/v1/documents/${id}/revisions`, text);
          expectRefusal(request, await send('editor', request), { status: 400, fieldReasons: true, brokenAt });
        }),
        { numRuns: RUNS },
      );
      expect(await snapshot(editorial, db)).toEqual(before);
      expect(await draftRow(db, id)).toBeUndefined();

      const correction = await send('editor', jsonRequest('POST', `/v1/documents/${id}/revisions`, JSON.stringify(bases[0])));
      expect(correction.status, correction.text).toBe(201);
    },
    TIMEOUT_MS,
  );

  test(
    'unknown, malformed, path-traversal and unicode document ids are refused on every route',
    async ({ editorial, send, db }) => {
      const known = await created(send);
      const id = fc.oneof(
        fc.string({ minLength: 1, maxLength: 64 }).map(encodeURIComponent),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 32 }).map(encodeURIComponent),
        // Well-formed, never issued.
        fc.stringMatching(/^doc_[0-7][0-9A-HJKMNP-TV-Z]{25}$/).filter((candidate) => candidate !== known),
        // The known id, bent (spaces percent-encoded: a URL parser trims raw ones).
        fc.constantFrom(
          known.toLowerCase(),
          `${known}%20`,
          `%20${known}`,
          `${known}%0A`,
          `${known}%2F`,
          `${known}/..`,
          encodeURIComponent(`${known}\u200b`),
        ),
        fc.constantFrom(
          '..',
          '..%2F..%2Fetc%2Fpasswd',
          '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
          '....%2F%2F....%2F%2Fetc',
          '%252e%252e%252f',
          '%5C..%5C..%5Cwindows',
          encodeURIComponent("doc_' or '1'='1"),
          encodeURIComponent('doc_01G1R4M5N6P7Q8R9S0T1V2W3X4; drop table documents; --'),
          encodeURIComponent('文档一'),
          encodeURIComponent('\u202edoc_evil'),
          encodeURIComponent('%'),
          '%ZZ', // not a percent escape
          '%E0%A4%A', // a truncated UTF-8 sequence
          '%ED%A0%80', // an encoded lone surrogate
          '%00', // NUL
          `${known}%00`,
        ),
        fc.integer({ min: 300, max: 4_000 }).map((n) => 'd'.repeat(n)),
      );
      const before = await snapshot(editorial, db);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...idRoutes), id, async (route, generated) => {
          const request: RawRequest = {
            method: route.method,
            path: route.path(generated),
            ...(route.body === undefined ? {} : { body: JSON.stringify(route.body), contentType: 'application/json' }),
            ...(route.headers ? { headers: route.headers } : {}),
          };
          expectRefusal(request, await send(route.caller, request));
        }),
        { numRuns: RUNS },
      );
      expect(await snapshot(editorial, db)).toEqual(before);
      await expectAlive(send);
    },
    TIMEOUT_MS,
  );

  test(
    'text PostgreSQL cannot store (NUL, lone surrogates) is refused with a 4xx naming the field, on every write',
    async ({ editorial, send, db }) => {
      const draftId = await created(send);
      const releasedId = await draftAndReview(editorial, validContent());
      expect((await publish(editorial, releasedId)).status).toBe(201);
      const before = await snapshot(editorial, db);

      // Each of these passes the contract (they are strings of the right shape) but jsonb cannot hold them.
      const unstorable = fc.constantFrom('\u0000', '\ud800', '\udfff', '\ud83d');
      const writes = fc.constantFrom(
        {
          caller: 'editor' as const,
          method: 'POST',
          path: '/v1/documents',
          base: { content: validContent() },
          at: [C, 'body', 1, 'text'],
        },
        { caller: 'editor' as const, method: 'POST', path: '/v1/documents', base: { content: validContent() }, at: [C, 'title'] },
        {
          caller: 'editor' as const,
          method: 'PUT',
          path: `/v1/documents/${draftId}/draft`,
          base: { content: validContent() },
          at: [C, 'body', 1, 'text'],
        },
        {
          caller: 'officeHead' as const,
          method: 'POST',
          path: `/v1/documents/${draftId}/draft/reviews`,
          base: { stage: '自审', decision: 'rejected', comment: '请修改' },
          at: ['comment'],
        },
        {
          caller: 'confidentiality' as const,
          method: 'POST',
          path: `/v1/documents/${draftId}/draft/confidentiality-review`,
          base: { conclusion: '不涉密', comment: '无' },
          at: ['comment'],
        },
        {
          caller: 'editor' as const,
          method: 'POST',
          path: `/v1/documents/${releasedId}/revisions`,
          base: { kind: 'withdrawal', reason: '已被替代' },
          at: ['reason'],
        },
      );
      await fc.assert(
        fc.asyncProperty(writes, unstorable, fc.nat(), async (write, character, position) => {
          const body = structuredClone(write.base) as Record<string, unknown>;
          const parent = parentOf(body, write.at) as Record<string, string>;
          const key = write.at.at(-1) as string;
          const text = parent[key] as string;
          const cut = position % (text.length + 1);
          parent[key] = text.slice(0, cut) + character + text.slice(cut);
          const request = jsonRequest(write.method, write.path, JSON.stringify(body));
          expectRefusal(request, await send(write.caller, request), { brokenAt: [formatIssuePath(write.at)] });
        }),
        { numRuns: 60 },
      );
      expect(await snapshot(editorial, db)).toEqual(before);
      await expectAlive(send);
    },
    TIMEOUT_MS,
  );

  // The minimal requests the properties above shrank to, kept as examples so every one of them is reported at once.
  test(
    'requests the fuzzing found answered with a 500 are refused with a 4xx instead, and wrote nothing',
    async ({ editorial, send, db }) => {
      const draftId = await created(send);
      const releasedId = await draftAndReview(editorial, validContent());
      expect((await publish(editorial, releasedId)).status).toBe(201);
      const before = await snapshot(editorial, db);
      const withText = (text: string) => JSON.stringify({ content: noticeDraft(text) });
      const cases: Array<{ caller: StaffMember; request: RawRequest }> = [
        // A path parameter that is not valid percent-encoded UTF-8: decodeURIComponent throws a URIError.
        ...['%ZZ', '%E0%A4%A', '%ED%A0%80', '%C0%AF'].map((id) => ({
          caller: 'archivist' as const,
          request: { method: 'GET', path: `/v1/documents/${id}` },
        })),
        { caller: 'editor', request: jsonRequest('PUT', '/v1/documents/%ZZ/draft', withText('本次检查覆盖全区各部门。')) },
        { caller: 'ops', request: { method: 'GET', path: `/v1/documents/${draftId}/revisions/%ZZ` } },
        // NUL in the id: PostgreSQL refuses 0x00 in a text parameter.
        { caller: 'archivist', request: { method: 'GET', path: '/v1/documents/%00' } },
        { caller: 'editor', request: { method: 'POST', path: `/v1/documents/${draftId}%00/draft/mask-personal-data` } },
        // NUL or a lone surrogate in a string the contract accepts: jsonb refuses both.
        { caller: 'editor', request: jsonRequest('POST', '/v1/documents', withText('\u0000')) },
        { caller: 'editor', request: jsonRequest('POST', '/v1/documents', withText('\ud800')) },
        { caller: 'editor', request: jsonRequest('PUT', `/v1/documents/${draftId}/draft`, withText('\u0000')) },
        {
          caller: 'officeHead',
          request: jsonRequest(
            'POST',
            `/v1/documents/${draftId}/draft/reviews`,
            JSON.stringify({ stage: '自审', decision: 'approved', comment: '\u0000' }),
          ),
        },
        {
          caller: 'confidentiality',
          request: jsonRequest(
            'POST',
            `/v1/documents/${draftId}/draft/confidentiality-review`,
            JSON.stringify({ conclusion: '不涉密', comment: '\u0000' }),
          ),
        },
        {
          caller: 'editor',
          request: jsonRequest(
            'POST',
            `/v1/documents/${releasedId}/revisions`,
            JSON.stringify({ kind: 'withdrawal', reason: '\u0000' }),
          ),
        },
      ];
      const answers = [];
      for (const { caller, request } of cases) answers.push({ request, answer: await send(caller, request) });

      expect(await snapshot(editorial, db)).toEqual(before);
      const crashed = answers.filter(({ answer }) => answer.status >= 500).map(({ request, answer }) => shown(request, answer));
      expect(crashed.length, `answered with a 5xx:\n${crashed.join('\n')}`).toBe(0);
      for (const { request, answer } of answers) expectRefusal(request, answer);
      await expectAlive(send);
    },
    TIMEOUT_MS,
  );

  test(
    'an unknown document has no audit trail: 404 like every other read, not an empty 200',
    async ({ send }) => {
      for (const id of ['doc_01G1R4M5N6P7Q8R9S0T1V2W3X4', '..%2F..%2Fetc%2Fpasswd', encodeURIComponent('文档一')]) {
        const request = { method: 'GET', path: `/v1/documents/${id}/audit` };
        expectRefusal(request, await send('ops', request), { status: 404 });
      }
    },
    TIMEOUT_MS,
  );
});
