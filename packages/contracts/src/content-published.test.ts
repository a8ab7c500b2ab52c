import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { ContentPublished, toContentPublished, verifyFingerprint } from './content-published.js';
import { zigongRevision } from './corpus-revision.fixture.js';
import { schemasDir } from './generate-schemas.js';
import { describeZodIssues } from './zod-issues.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object, the plugin is its default.
const addFormats = formats as unknown as typeof formats.default;

/** A validator for a schema file as it is committed under schemas/, the way a non-TypeScript consumer would use it. */
const validatorFor = (file: string) => {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(JSON.parse(readFileSync(join(schemasDir, file), 'utf8')) as object);
};

describe('ContentPublished', () => {
  it('carries a revision and its fingerprint, which verifyFingerprint recomputes', () => {
    const event = toContentPublished(zigongRevision());
    expect(ContentPublished.parse(event)).toEqual(event);
    expect(verifyFingerprint(event)).toEqual({ ok: true, expected: event.fingerprint, actual: event.fingerprint });
  });

  it('does not check the fingerprint in the schema, but verifyFingerprint catches an altered revision', () => {
    const event = toContentPublished(zigongRevision());
    const tampered = { ...event, revision: { ...event.revision, title: `${event.revision.title}(修订)` } };
    expect(ContentPublished.safeParse(tampered).success).toBe(true);
    const check = verifyFingerprint(tampered);
    expect(check.ok).toBe(false);
    expect(check.actual).toBe(event.fingerprint);
    expect(check.expected).not.toBe(event.fingerprint);
  });

  it('is strict at the top and names the version', () => {
    const event = toContentPublished(zigongRevision());
    const result = ContentPublished.safeParse({ ...event, version: 'v2', extra: true });
    expect(describeZodIssues(result.error ?? { issues: [] }).map((p) => p.field)).toEqual(['version', 'extra']);
  });
});

describe('schemas/content-published.v1.json', () => {
  const validate = validatorFor('content-published.v1.json');

  it('accepts a real event', () => {
    const event = JSON.parse(JSON.stringify(toContentPublished(zigongRevision())));
    expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects what the zod schema rejects by shape: a bad 发文字号, an unknown key, a half-width 序号', () => {
    const event = toContentPublished(zigongRevision());
    expect(validate({ ...event, revision: { ...event.revision, docNumber: '自府办函[2022]21号' } })).toBe(false);
    expect(validate.errors?.some((e) => e.instancePath === '/revision/docNumber')).toBe(true);
    expect(validate({ ...event, revision: { ...event.revision, html: '<p>' } })).toBe(false);
    const body = [{ type: 'heading', level: 2, numbering: '(一)', text: '加强稳增长信息公开' }];
    expect(validate({ ...event, revision: { ...event.revision, body } })).toBe(false);
  });

  it('declares its $id and the 2020-12 dialect', () => {
    const schema = JSON.parse(readFileSync(join(schemasDir, 'content-published.v1.json'), 'utf8'));
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('urn:tongyuan:schema:content-published:v1');
  });
});

describe('schemas/delivery-status.v1.json', () => {
  it('accepts a real status and rejects an unknown state', () => {
    const validate = validatorFor('delivery-status.v1.json');
    const event = toContentPublished(zigongRevision());
    const status = {
      version: 'v1',
      documentId: event.revision.documentId,
      revision: 1,
      fingerprint: event.fingerprint,
      channel: 'newmedia',
      target: 'zigong-zwgk',
      state: 'delivered',
      attempt: 1,
      error: null,
      artifactKeys: [`newmedia/${event.revision.documentId}/1/zigong-zwgk/article.html`],
      occurredAt: '2022-04-29T09:31:02.120+08:00',
    };
    expect(validate(status), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...status, state: 'done' })).toBe(false);
  });
});
