import type { Finding } from './finding.js';
import { type PrivacyAllowance, screenPrivacy } from './privacy-screen.js';
import type { TextSegment } from './segment.js';
import { screenWording, type WordingLexicon } from './wording-lexicon.js';

/** What the reviewers let through for this revision. */
export interface ScreenAllowance extends PrivacyAllowance {
  /** Lexicon terms accepted in this revision. */
  terms?: readonly string[];
}

export interface ScreenOptions {
  lexicon: WordingLexicon;
  allow?: ScreenAllowance;
  /** Latest birth year a resident ID may carry; defaults to this year. */
  currentYear?: number;
}

export interface ScreenResult {
  /** Any of these stops the release. */
  refusals: Finding[];
  /** Shown to the reviewers, who decide. */
  warnings: Finding[];
}

/** The pre-release gate: personal data always refuses; a lexicon term refuses or warns as its entry says. */
export function screenRevisionText(segments: readonly TextSegment[], options: ScreenOptions): ScreenResult {
  const { lexicon, allow, currentYear } = options;
  const privacy = screenPrivacy(segments, {
    ...(allow && { allow }),
    ...(currentYear !== undefined && { currentYear }),
  });
  const wording = screenWording(segments, lexicon, { ...(allow?.terms && { allowTerms: allow.terms }) });
  const order = new Map(segments.map((s, i) => [s.path, i]));
  const byPlace = (a: Finding, b: Finding): number => (order.get(a.path) ?? 0) - (order.get(b.path) ?? 0) || a.offset - b.offset;
  return {
    refusals: [...privacy, ...wording.filter((f) => f.action === 'refuse')].sort(byPlace),
    warnings: wording.filter((f) => f.action === 'warn').sort(byPlace),
  };
}
