import type { WordingAction, WordingKind } from './wording-lexicon.js';

export type PrivacyRule = 'resident-id' | 'mobile' | 'bank-card' | 'email';

/** Personal data found in a segment; carries no raw value because findings are logged and returned over HTTP. */
export interface PrivacyFinding {
  rule: PrivacyRule;
  path: string;
  /** UTF-16 index into the segment's original text. */
  offset: number;
  /** UTF-16 length of the match in the original text. */
  length: number;
  /** The match, masked: safe to log. */
  excerpt: string;
  /** What the editor is offered in place of the match. */
  masked: string;
  message: string;
}

/** A lexicon term found in a segment. */
export interface LexiconFinding {
  rule: 'lexicon';
  term: string;
  kind: WordingKind;
  action: WordingAction;
  suggestion?: string;
  note?: string;
  path: string;
  offset: number;
  length: number;
  message: string;
}

export type Finding = PrivacyFinding | LexiconFinding;
