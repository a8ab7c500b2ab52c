import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { cloudEventHeaders, type KafkaHeaders, readCloudEventHeaders } from './cloud-events.js';
import { describeZodIssues } from './zod-issues.js';

const input = {
  id: 'doc_01G1SF0TE0F9MPEVVECWPK4C1J/1',
  source: '/tongyuan/publisher',
  type: 'cn.gov.tongyuan.content.published.v1',
  time: '2022-04-29T09:30:00+08:00',
  subject: 'doc_01G1SF0TE0F9MPEVVECWPK4C1J',
  dataschema: 'urn:tongyuan:schema:content-published:v1',
  extensions: { sourcefingerprint: `sha256:${'ab'.repeat(32)}`, revision: '1' },
};

/** The field names of the ZodError a call throws. */
const failingFields = (read: () => unknown): string[] => {
  try {
    read();
  } catch (error) {
    if (error instanceof z.ZodError) return describeZodIssues(error).map((p) => p.field);
    throw error;
  }
  return [];
};

describe('cloudEventHeaders', () => {
  it('writes binary-mode headers: ce_ attributes, ce_ extensions and a plain content-type', () => {
    expect(cloudEventHeaders(input)).toEqual({
      ce_specversion: '1.0',
      ce_id: input.id,
      ce_source: '/tongyuan/publisher',
      ce_type: 'cn.gov.tongyuan.content.published.v1',
      ce_time: '2022-04-29T09:30:00+08:00',
      ce_subject: 'doc_01G1SF0TE0F9MPEVVECWPK4C1J',
      ce_dataschema: 'urn:tongyuan:schema:content-published:v1',
      'content-type': 'application/json',
      ce_revision: '1',
      ce_sourcefingerprint: input.extensions.sourcefingerprint,
    });
  });

  it('refuses extension names CloudEvents does not allow', () => {
    expect(failingFields(() => cloudEventHeaders({ ...input, extensions: { source_fingerprint: 'x' } }))).toEqual([
      'extensions.source_fingerprint',
    ]);
    expect(failingFields(() => cloudEventHeaders({ ...input, extensions: { subject: 'x' } }))).toEqual(['extensions.subject']);
  });
});

describe('readCloudEventHeaders', () => {
  it('round-trips what cloudEventHeaders wrote, from strings or from Buffers as kafkajs delivers them', () => {
    const headers = cloudEventHeaders(input);
    const expected = {
      specversion: '1.0',
      id: input.id,
      source: input.source,
      type: input.type,
      time: input.time,
      subject: input.subject,
      datacontenttype: 'application/json',
      dataschema: input.dataschema,
      extensions: input.extensions,
    };
    expect(readCloudEventHeaders(headers)).toEqual(expected);
    const asBuffers: KafkaHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, Buffer.from(v, 'utf8')]));
    expect(readCloudEventHeaders(asBuffers)).toEqual(expected);
  });

  it('ignores headers that are not CloudEvents attributes', () => {
    const read = readCloudEventHeaders({
      ...cloudEventHeaders(input),
      traceparent: '00-abc-def-01',
      'x-dead-letter-reason': 'x',
    });
    expect(Object.keys(read.extensions).sort()).toEqual(['revision', 'sourcefingerprint']);
  });

  it('requires specversion 1.0 and the required attributes, naming the header', () => {
    const { ce_id: _id, ce_type: _type, ...rest } = cloudEventHeaders(input);
    expect(failingFields(() => readCloudEventHeaders({ ...rest, ce_specversion: '0.3' }))).toEqual([
      'ce_specversion',
      'ce_id',
      'ce_type',
    ]);
    expect(failingFields(() => readCloudEventHeaders({ ...cloudEventHeaders(input), ce_time: '2022-04-29' }))).toEqual([
      'ce_time',
    ]);
  });

  it('rejects a repeated ce_ header and a malformed extension name', () => {
    const headers = cloudEventHeaders(input);
    expect(failingFields(() => readCloudEventHeaders({ ...headers, ce_id: ['a', 'b'] }))).toEqual(['ce_id']);
    expect(failingFields(() => readCloudEventHeaders({ ...headers, ce_Fingerprint: 'x' }))).toEqual(['ce_Fingerprint']);
  });
});
