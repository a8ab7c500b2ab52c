// The pre-release privacy and wording gate (保密审查、敏错字): pure functions over a revision's text segments.

export { passesLuhn } from './bank-card.detector.js';
export type { Finding, LexiconFinding, PrivacyFinding, PrivacyRule } from './finding.js';
export type { PrivacyAllowance, PrivacyScreenOptions } from './privacy-screen.js';
export { maskFindings, screenPrivacy } from './privacy-screen.js';
export { isResidentIdNumber, residentIdCheckChar } from './resident-id.detector.js';
export type { ScreenAllowance, ScreenOptions, ScreenResult } from './screen-revision-text.js';
export { screenRevisionText } from './screen-revision-text.js';
export type { TextSegment } from './segment.js';
export type { WordingScreenOptions } from './wording-lexicon.js';
export {
  defaultLexicon,
  screenWording,
  WordingAction,
  WordingEntry,
  WordingKind,
  WordingLexicon,
} from './wording-lexicon.js';
