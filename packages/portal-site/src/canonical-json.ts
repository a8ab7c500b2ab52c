import { canonicalJson } from '@tongyuan/contracts';

// canonicalJson (RFC 8785, @tongyuan/contracts) builds its output piece by piece in JavaScript; for a JSON view of a
// whole revision that is most of the cost of the view. The same bytes come faster from one native JSON.stringify over a
// copy whose objects have their keys inserted in sorted order — for plain data. Whatever the two could disagree on is
// left to canonicalJson itself, so its result (or its error) is what the caller gets:
// - a string or key holding a lone surrogate half (canonicalJson refuses it; JSON.stringify would escape it);
// - a non-finite number or a BigInt (refused; JSON.stringify gives null or throws another error);
// - an object with toJSON (a Date: canonicalJson serializes what toJSON returns, sorted);
// - a key that is an array index ("0", "12"): objects list those first, in numeric order, whatever the insertion order;
// - a "__proto__" key (assigning it to a copy would set the prototype) and sparse arrays.
const UNSUPPORTED = Symbol('left to canonicalJson');

type Copy = unknown | typeof UNSUPPORTED;

// String.prototype.isWellFormed (ES2024, in Node since 20): false when the text holds a lone surrogate half.
const wellFormed = (text: string): boolean => (text as unknown as { isWellFormed(): boolean }).isWellFormed();

const sortedCopy = (value: unknown): Copy => {
  switch (typeof value) {
    case 'string':
      return wellFormed(value) ? value : UNSUPPORTED;
    case 'number':
      return Number.isFinite(value) ? value : UNSUPPORTED;
    case 'boolean':
    case 'undefined':
      return value;
    case 'object':
      break;
    default:
      return UNSUPPORTED;
  }
  if (value === null) return null;
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return UNSUPPORTED;
  if (Array.isArray(value)) {
    const items: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i += 1) {
      if (!(i in value)) return UNSUPPORTED;
      const item = sortedCopy(value[i]);
      if (item === UNSUPPORTED) return UNSUPPORTED;
      items[i] = item;
    }
    return items;
  }
  const record = value as Record<string, unknown>;
  const copy: Record<string, unknown> = {};
  // Array.prototype.sort without a comparator orders by UTF-16 code units, as canonicalJson (and JCS) does.
  for (const key of Object.keys(record).sort()) {
    const first = key.charCodeAt(0);
    if ((first >= 48 && first <= 57) || key === '__proto__' || !wellFormed(key)) return UNSUPPORTED;
    const member = sortedCopy(record[key]);
    if (member === UNSUPPORTED) return UNSUPPORTED;
    copy[key] = member;
  }
  return copy;
};

/** canonicalJson(value), byte for byte, computed faster for plain data. */
export const canonicalJsonOf = (value: unknown): string => {
  const copy = sortedCopy(value);
  if (copy === UNSUPPORTED || copy === undefined) return canonicalJson(value);
  return JSON.stringify(copy);
};
