import { createHash } from 'node:crypto';
import type { DocumentRevision } from './document-revision.js';
import type { Fingerprint } from './identifiers.js';

// A surrogate half without its partner: I-JSON (RFC 7493) forbids it, so JCS cannot serialize it.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const serializeString = (value: string): string => {
  if (LONE_SURROGATE.test(value)) throw new TypeError('canonicalJson: string holds a lone surrogate, which is not I-JSON');
  // JSON.stringify escapes exactly what JCS asks: " \ and U+0000–U+001F (\b \t \n \f \r short forms, else \u00xx).
  return JSON.stringify(value);
};

const serialize = (input: unknown): string | undefined => {
  let value = input;
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    value = (value as { toJSON: () => unknown }).toJSON();
  }
  switch (typeof value) {
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    case 'bigint':
      throw new TypeError('canonicalJson: a BigInt has no JSON form; send a number or a string');
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      // ECMAScript Number::toString is the JCS number form (-0 → 0, 1e21 → 1e+21, 0.000001 → 0.000001).
      return JSON.stringify(value);
    case 'string':
      return serializeString(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map((item) => serialize(item) ?? 'null').join(',')}]`;
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  // Array.prototype.sort without a comparator orders by UTF-16 code units, which is what JCS requires.
  for (const key of Object.keys(record).sort()) {
    const member = serialize(record[key]);
    if (member !== undefined) members.push(`${serializeString(key)}:${member}`);
  }
  return `{${members.join(',')}}`;
};

/**
 * RFC 8785 JSON Canonicalization Scheme: keys sorted by UTF-16 code units, ECMAScript number form, no whitespace.
 * Undefined members are left out, as JSON.stringify does, so optional fields that are absent and unset agree.
 */
export const canonicalJson = (value: unknown): string => {
  const json = serialize(value);
  if (json === undefined) throw new TypeError('canonicalJson: value has no JSON form');
  return json;
};

/** The source fingerprint every artifact downstream carries: computed here and nowhere else. */
export const sourceFingerprint = (revision: DocumentRevision): Fingerprint =>
  `sha256:${createHash('sha256').update(canonicalJson(revision), 'utf8').digest('hex')}`;
