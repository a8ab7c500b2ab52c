import type { PrivacyRule } from './finding.js';

/** What a detector sees: the segment as written and its detection form (same length, full-width folded). */
export interface DetectionInput {
  original: string;
  normalized: string;
  /** Latest plausible birth year of a resident ID; passed in so screening stays a pure function of its input. */
  currentYear: number;
}

/** A match before it becomes a finding; `key` is the raw canonical value and never leaves the package. */
export interface Detection {
  offset: number;
  length: number;
  key: string;
  masked: string;
}

export interface Detector {
  rule: PrivacyRule;
  detect(input: DetectionInput): Detection[];
}
