import { maskDigits, standsAlone } from './detection-text.js';
import type { Detection, DetectionInput, Detector } from './detector.js';

// 16–19 digits run together, or in groups of four with one kind of separator (the last group may be short).
const CARD = /(?<!\d)(?:\d{16,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{4}(?:\1\d{1,3})?)(?!\d)/g;

/** The Luhn (mod 10) check that card numbers carry in their last digit. */
export function passesLuhn(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 1, doubled = false; i >= 0; i--, doubled = !doubled) {
    let d = Number(digits[i]);
    if (doubled) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export const bankCardDetector: Detector = {
  rule: 'bank-card',
  detect({ original, normalized }: DetectionInput): Detection[] {
    const found: Detection[] = [];
    for (const match of normalized.matchAll(CARD)) {
      const start = match.index;
      const end = start + match[0].length;
      const digits = match[0].replace(/\D/g, '');
      if (!passesLuhn(digits) || !standsAlone(normalized, start, end)) continue;
      // First four and last four stay, as on a receipt: enough to recognise the card, not to use it.
      const masked = maskDigits(original, normalized, start, end, (i, n) => i >= 4 && i < n - 4);
      found.push({ offset: start, length: end - start, key: digits, masked });
    }
    return found;
  },
};
