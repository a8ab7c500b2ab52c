import { canonicalJson } from '@tongyuan/contracts';
import { describe, expect, it } from 'vitest';
import { revisionFromCorpus } from '../../contracts/src/corpus-revision.fixture.js';
import { canonicalJsonOf } from './canonical-json.js';
import { corpusNames, richRevisionInput } from './portal-site.fixture.js';

// canonicalJsonOf is a faster path to canonicalJson's bytes: it must agree with it on everything, errors included.
const same = (value: unknown) => {
  let expected: string | Error;
  try {
    expected = canonicalJson(value);
  } catch (error) {
    expected = error as Error;
  }
  if (expected instanceof Error) expect(() => canonicalJsonOf(value)).toThrow(expected.message);
  else expect(canonicalJsonOf(value)).toBe(expected);
};

describe('canonicalJsonOf', () => {
  it.each(corpusNames)('gives canonicalJson’s bytes for the %s revision', (name) => {
    same(revisionFromCorpus(name));
  });

  it('gives canonicalJson’s bytes for a revision with a table, an image, attachments, a correction and related links', () => {
    same(richRevisionInput());
  });

  it('sorts keys by UTF-16 code units, as JCS does', () => {
    same({ z: 1, é: 2, '\u{1F600}': 3, '\uFB33': 4, A: 5, a: { c: [3, { y: 1, x: 2 }], b: null } });
  });

  it('agrees on numbers, booleans, null, undefined and nested arrays', () => {
    same({
      n: [-0, 0.000001, 1e21, 1e-7, 123456789.125, -5],
      t: true,
      f: false,
      none: null,
      gone: undefined,
      list: [undefined, [[]], {}],
    });
  });

  it('agrees where a plain copy would not: index-like keys, __proto__, toJSON, sparse arrays, functions', () => {
    same({ 10: 'ten', 9: 'nine', b: 1, '01': 'x' });
    same(JSON.parse('{"__proto__": {"b": 1, "a": 2}, "x": 1}'));
    same({ when: new Date(Date.UTC(2024, 0, 2)), inner: { toJSON: () => ({ b: 1, a: 2 }) } });
    // biome-ignore lint/suspicious/noSparseArray: the sparse array is the point
    same({ holes: [1, , 3] });
    same({ fn: () => 1, list: [() => 1] });
  });

  it('refuses what canonicalJson refuses, with its error', () => {
    same({ text: 'a\uD800b' });
    same({ 'k\uDC00': 1 });
    same({ n: Number.NaN });
    same({ n: Number.POSITIVE_INFINITY });
    same({ big: 1n });
    same(undefined);
  });
});
