import { describe, expect, it } from 'vitest';
import { zigongRevision } from './corpus-revision.fixture.js';
import { canonicalJson, sourceFingerprint } from './fingerprint.js';

// Reverses key order at every depth: same JSON value, different insertion order.
const reordered = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(reordered);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
};

describe('canonicalJson (RFC 8785)', () => {
  it('sorts keys by UTF-16 code units, non-ASCII and emoji included (RFC 8785 §3.2.3)', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('serializes the RFC 8785 §3.2.2 sample exactly', () => {
    const input = {
      // biome-ignore lint/correctness/noPrecisionLoss: the RFC sample is written with more digits than a double holds, on purpose
      numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001],
      string: '\u20ac$\u000F\u000aA\'\u0042\u0022\u005c\\"/',
      literals: [null, true, false],
    };
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it.each([
    [0, '0'],
    [-0, '0'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [0.000001, '0.000001'],
    [1e-7, '1e-7'],
    [9007199254740992, '9007199254740992'],
    [295147905179352830000, '295147905179352830000'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-1.5, '-1.5'],
  ])('writes the number %s as %s (RFC 8785 appendix B)', (n, text) => {
    expect(canonicalJson(n)).toBe(text);
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson(Number.NaN)).toThrow(TypeError);
    expect(() => canonicalJson(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => canonicalJson(10n)).toThrow(TypeError);
    expect(() => canonicalJson('\ud800')).toThrow(/lone surrogate/);
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
  });

  it('leaves out undefined members, as JSON.stringify does, and writes no whitespace', () => {
    expect(canonicalJson({ b: [1, { d: undefined, c: 'x y' }], a: undefined })).toBe('{"b":[1,{"c":"x y"}]}');
  });

  it('agrees with JSON.parse: the output is the same value', () => {
    const revision = zigongRevision();
    expect(JSON.parse(canonicalJson(revision))).toEqual(revision);
  });
});

describe('sourceFingerprint', () => {
  it('is sha256: and 64 hex digits', () => {
    expect(sourceFingerprint(zigongRevision())).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('does not change when keys are reordered at any depth', () => {
    const revision = zigongRevision();
    expect(sourceFingerprint(reordered(revision) as typeof revision)).toBe(sourceFingerprint(revision));
  });

  it('changes when one character of the body changes', () => {
    const revision = zigongRevision();
    const edited = structuredClone(revision);
    const block = edited.body[4];
    if (block?.type !== 'paragraph') throw new Error('fixture: body[4] should be a paragraph');
    block.text = block.text.replace('围绕', '围着');
    expect(sourceFingerprint(edited)).not.toBe(sourceFingerprint(revision));
  });
});
