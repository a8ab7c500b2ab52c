import { maskDigits, standsAlone } from './detection-text.js';
import type { Detection, DetectionInput, Detector } from './detector.js';

// ISO 7064 MOD 11-2 as GB 11643 applies it to the first 17 digits.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const CHECK_CHARS = '10X98765432';
const EARLIEST_BIRTH_YEAR = 1900;

// A trailing X after 18 digits continues the run, so the last 18 are not read as an ID.
const EIGHTEEN = /(?<!\d)\d{17}[\dXx](?![\dXx])/g;
const FIFTEEN = /(?<!\d)\d{15}(?!\d)/g;

/** The check character GB 11643 assigns to 17 leading digits. */
export function residentIdCheckChar(first17: string): string {
  if (!/^\d{17}$/.test(first17)) throw new RangeError('a resident ID check character needs exactly 17 digits');
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (WEIGHTS[i] ?? 0);
  return CHECK_CHARS[sum % 11] ?? '';
}

/**
 * True for an 18-character ID whose check character is right, or a 15-digit pre-1999 ID, with a region code starting
 * 1–8 and a real birth date between 1900 and `currentYear`.
 */
export function isResidentIdNumber(value: string, currentYear: number = new Date().getFullYear()): boolean {
  if (/^\d{17}[\dXx]$/.test(value)) {
    return (
      plausibleRegion(value) &&
      realBirthDate(value.slice(6, 14), currentYear) &&
      residentIdCheckChar(value.slice(0, 17)) === value.slice(17).toUpperCase()
    );
  }
  // The 15-digit form predates 2000 births, so its YYMMDD is always 19YY.
  if (/^\d{15}$/.test(value)) return plausibleRegion(value) && realBirthDate(`19${value.slice(6, 12)}`, currentYear);
  return false;
}

export const residentIdDetector: Detector = {
  rule: 'resident-id',
  detect({ original, normalized, currentYear }: DetectionInput): Detection[] {
    const found: Detection[] = [];
    for (const pattern of [EIGHTEEN, FIFTEEN]) {
      for (const match of normalized.matchAll(pattern)) {
        const value = match[0];
        const start = match.index;
        const end = start + value.length;
        if (!isResidentIdNumber(value, currentYear) || !standsAlone(normalized, start, end)) continue;
        // Keep the region (6) and the tail (4, or 3 for the old form): the birth date is what identifies.
        const tail = value.length === 18 ? 4 : 3;
        const masked = maskDigits(original, normalized, start, end, (i, n) => i >= 6 && i < n - tail);
        found.push({ offset: start, length: value.length, key: value.toUpperCase(), masked });
      }
    }
    return found;
  },
};

const plausibleRegion = (value: string): boolean => /^[1-8]/.test(value);

function realBirthDate(yyyymmdd: string, currentYear: number): boolean {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (year < EARLIEST_BIRTH_YEAR || year > currentYear || month < 1 || month > 12 || day < 1) return false;
  return day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
