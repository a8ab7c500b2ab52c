import { maskDigits, standsAlone } from './detection-text.js';
import type { Detection, DetectionInput, Detector } from './detector.js';

// 1[3-9]x xxxx xxxx, optionally after +86 / 0086 / 86, with single spaces or hyphens between the 3-4-4 groups.
const MOBILE = /(?<!\d)(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)/g;

export const mobileDetector: Detector = {
  rule: 'mobile',
  detect({ original, normalized }: DetectionInput): Detection[] {
    const found: Detection[] = [];
    for (const match of normalized.matchAll(MOBILE)) {
      const start = match.index;
      const end = start + match[0].length;
      if (!standsAlone(normalized, start, end)) continue;
      const national = match[0].replace(/\D/g, '').slice(-11);
      // Hide the middle four of the national number, 138****8000, as carriers and banks do.
      const masked = maskDigits(original, normalized, start, end, (i, n) => {
        const inNational = i - (n - 11);
        return inNational >= 3 && inNational < 7;
      });
      found.push({ offset: start, length: end - start, key: national, masked });
    }
    return found;
  },
};
