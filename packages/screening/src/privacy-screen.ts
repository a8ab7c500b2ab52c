import { bankCardDetector } from './bank-card.detector.js';
import { normalizeForDetection } from './detection-text.js';
import type { Detection, Detector } from './detector.js';
import { emailDetector } from './email.detector.js';
import type { PrivacyFinding, PrivacyRule } from './finding.js';
import { mobileDetector } from './mobile.detector.js';
import { residentIdDetector } from './resident-id.detector.js';
import { characterPositions, describePath, type TextSegment } from './segment.js';

/** Values known to be public, which the screen lets through. */
export interface PrivacyAllowance {
  /** The office's own published contacts (a hotline mobile, a public mailbox), written in any usual form. */
  values?: readonly string[];
  /** Institutional mail domains whose addresses are public by design, e.g. `gov.cn` (subdomains included). */
  emailDomains?: readonly string[];
}

export interface PrivacyScreenOptions {
  allow?: PrivacyAllowance;
  /** Latest birth year a resident ID may carry; defaults to this year. */
  currentYear?: number;
}

// Earlier wins when two matches cover the same digits: an 18-digit ID that also passes Luhn is reported as an ID.
const DETECTORS: readonly Detector[] = [residentIdDetector, bankCardDetector, mobileDetector, emailDetector];

const LABELS: Readonly<Record<PrivacyRule, { zh: string; en: string }>> = {
  'resident-id': { zh: '居民身份证号', en: 'resident ID number' },
  mobile: { zh: '手机号码', en: 'mobile phone number' },
  'bank-card': { zh: '银行卡号', en: 'bank card number' },
  email: { zh: '电子邮箱地址', en: 'e-mail address' },
};

/** Finds resident ID numbers, mobile numbers, bank card numbers and e-mail addresses in each segment. */
export function screenPrivacy(segments: readonly TextSegment[], options: PrivacyScreenOptions = {}): PrivacyFinding[] {
  const currentYear = options.currentYear ?? new Date().getFullYear();
  const allowed = allowanceOf(options.allow);
  const findings: PrivacyFinding[] = [];
  for (const { path, text } of segments) {
    const input = { original: text, normalized: normalizeForDetection(text), currentYear };
    const position = characterPositions(text);
    const candidates = DETECTORS.flatMap((detector) =>
      detector.detect(input).map((detection) => ({ rule: detector.rule, detection })),
    );
    for (const { rule, detection } of withoutOverlaps(candidates, text.length)) {
      if (allowed(rule, detection.key)) continue;
      const { offset, length, masked } = detection;
      const where = `${describePath(path)}${position(offset)}`;
      findings.push({
        rule,
        path,
        offset,
        length,
        excerpt: masked,
        masked,
        message: `${where}起疑似${LABELS[rule].zh} / ${LABELS[rule].en} at ${path} offset ${offset}`,
      });
    }
  }
  return findings;
}

/**
 * The segments with each finding's match replaced by its masked form: what the editor is offered. Findings must come
 * from screening these same segments; one that overlaps another already applied is skipped.
 */
export function maskFindings(segments: readonly TextSegment[], findings: readonly PrivacyFinding[]): TextSegment[] {
  return segments.map(({ path, text }) => {
    // Right to left, so a replacement of another length does not move the offsets still to apply.
    const mine = findings.filter((f) => f.path === path).sort((a, b) => b.offset - a.offset);
    let masked = text;
    let appliedFrom = text.length;
    for (const finding of mine) {
      const end = finding.offset + finding.length;
      if (finding.offset < 0 || end > text.length) {
        throw new RangeError(`finding at ${path} offset ${finding.offset} lies outside the segment`);
      }
      if (end > appliedFrom) continue;
      masked = masked.slice(0, finding.offset) + finding.masked + masked.slice(end);
      appliedFrom = finding.offset;
    }
    return { path, text: masked };
  });
}

interface Candidate {
  rule: PrivacyRule;
  detection: Detection;
}

/**
 * Keeps the longest match where matches overlap (an e-mail whose local part is a mobile), ties by detector order. What
 * a shorter match has beyond the longer one is kept too, as a finding of its own masked all in stars: left bare, it
 * could read as a match again next to the longer one's mask ("6250 **** **** 0016" + "@0.zhang" is an address).
 */
function withoutOverlaps(candidates: readonly Candidate[], textLength: number): Candidate[] {
  const order = (c: Candidate): number => DETECTORS.findIndex((d) => d.rule === c.rule);
  const ranked = [...candidates].sort((a, b) => b.detection.length - a.detection.length || order(a) - order(b));
  const taken = new Uint8Array(textLength);
  const kept: Candidate[] = [];
  for (const candidate of ranked) {
    const { offset, length, key } = candidate.detection;
    if (!taken.subarray(offset, offset + length).includes(1)) {
      taken.fill(1, offset, offset + length);
      kept.push(candidate);
      continue;
    }
    // Each run of cells no longer match has taken becomes a starred finding of this rule.
    let start = offset;
    while (start < offset + length) {
      let end = start;
      while (end < offset + length && taken[end] === 0) end++;
      if (end > start) {
        taken.fill(1, start, end);
        kept.push({
          rule: candidate.rule,
          detection: { offset: start, length: end - start, key, masked: '*'.repeat(end - start) },
        });
      }
      start = end + 1;
    }
  }
  return kept.sort((a, b) => a.detection.offset - b.detection.offset);
}

function allowanceOf(allow: PrivacyAllowance | undefined): (rule: PrivacyRule, key: string) => boolean {
  const values = new Set<string>();
  for (const value of allow?.values ?? []) {
    const folded = normalizeForDetection(value).trim();
    if (folded.includes('@')) {
      values.add(folded.toLowerCase());
      continue;
    }
    const digits = folded.replace(/[^0-9Xx]/g, '').toUpperCase();
    values.add(digits);
    // A mobile listed with its country code still matches the national number the detector keys on.
    if (/^(?:00)?86\d{11}$/.test(digits)) values.add(digits.slice(-11));
  }
  const domains = (allow?.emailDomains ?? []).map((d) => d.toLowerCase().replace(/^[@.]+/, ''));
  return (rule, key) => {
    if (values.has(key)) return true;
    if (rule !== 'email') return false;
    const domain = key.slice(key.indexOf('@') + 1);
    return domains.some((d) => domain === d || domain.endsWith(`.${d}`));
  };
}
