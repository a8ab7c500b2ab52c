import type { Detection, DetectionInput, Detector } from './detector.js';

// `*` is left out of the local part on purpose: it is legal there but never used, and it lets a masked address pass.
// Quantifiers are bounded so that a 100 KB run of letters cannot make the scan quadratic; a domain never runs into
// an `@`, so two addresses written together are two findings, not one that swallows the other's local part. Digits
// may follow the top-level domain (an address run into a number, "…@example.com13800138000"): the address is found
// there, not missed and then swallowed as the local part of an address further on — whose mask would leave it bare.
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.){1,8}[A-Za-z]{2,24}(?![A-Za-z@])/g;

export const emailDetector: Detector = {
  rule: 'email',
  detect({ original, normalized }: DetectionInput): Detection[] {
    const found: Detection[] = [];
    for (const match of normalized.matchAll(EMAIL)) {
      const start = match.index;
      const end = start + match[0].length;
      const at = start + match[0].indexOf('@');
      // One letter and the domain: the reader can still tell whose office it was; three stars hide the length.
      const masked = `${original[start] ?? ''}***${maskedDomain(original.slice(at, end), normalized.slice(at, end))}`;
      found.push({ offset: start, length: end - start, key: match[0].toLowerCase(), masked });
    }
    return found;
  },
};

/** A domain long enough in digits to hold a mobile or an ID (none of 163.com, 126.com) has its digits hidden too. */
function maskedDomain(original: string, normalized: string): string {
  if ((normalized.match(/\d/g) ?? []).length < 11) return original;
  return [...original].map((ch, i) => (/\d/.test(normalized[i] ?? '') ? (ch.charCodeAt(0) >= 0xff00 ? '＊' : '*') : ch)).join('');
}
