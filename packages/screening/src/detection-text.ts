// Full-width forms (digits, ＋, －, ＠, letters), the ideographic space and hyphen look-alikes, mapped one unit to one unit.
const WIDE_OR_LOOKALIKE = /[\uFF01-\uFF5E\u3000\u00A0\u2010-\u2013]/g;

/**
 * The text detectors match against: same length as the original, so every offset found in it is an offset in the
 * original too.
 */
export function normalizeForDetection(text: string): string {
  return text.replace(WIDE_OR_LOOKALIKE, (ch) => {
    const code = ch.charCodeAt(0);
    if (code >= 0xff01 && code <= 0xff5e) return String.fromCharCode(code - 0xfee0);
    if (code === 0x3000 || code === 0x00a0) return ' ';
    return '-';
  });
}

/**
 * A number match must stand alone: written in groups, it must not run on into another digit group
 * (`1234 5678 9012 3456 7890` is a 20-digit number, not a card and four digits); and it must not continue a masked run
 * (`8138********6250 9460 0000 0016` holds one masked number, not a new card), so masked text passes the screen.
 */
export function standsAlone(text: string, start: number, end: number): boolean {
  if (/\*{2,}[ -]?$/.test(text.slice(Math.max(0, start - 3), start)) || /^[ -]?\*{2,}/.test(text.slice(end, end + 3))) {
    return false;
  }
  const matched = text.slice(start, end);
  if (!/[ -]/.test(matched)) return true;
  if (/^\d/.test(matched) && /\d[ -]$/.test(text.slice(Math.max(0, start - 2), start))) return false;
  return !/^[ -]\d/.test(text.slice(end, end + 2));
}

/**
 * Masks the digits (and an ID's check letter) of `original[start, end)` chosen by `hide`, keeping separators and the
 * original's own characters (full-width stays full-width) so the masked form reads like the text around it.
 */
export function maskDigits(
  original: string,
  normalized: string,
  start: number,
  end: number,
  hide: (index: number, count: number) => boolean,
): string {
  const maskable = (i: number): boolean => /[0-9Xx]/.test(normalized[i] ?? '');
  let count = 0;
  for (let i = start; i < end; i++) if (maskable(i)) count++;
  let out = '';
  let index = 0;
  for (let i = start; i < end; i++) {
    if (maskable(i)) {
      // A full-width digit is masked with a full-width star so the line keeps its width.
      out += hide(index, count) ? (original.charCodeAt(i) >= 0xff00 ? '＊' : '*') : original[i];
      index++;
    } else {
      out += original[i];
    }
  }
  return out;
}
