import { type DraftContent, type GateFinding, segmentsForScreening } from '@tongyuan/contracts';
import { type Finding, maskFindings, screenPrivacy, screenRevisionText, type WordingLexicon } from '@tongyuan/screening';

export interface TextScreenPolicy {
  lexicon: WordingLexicon;
  /** Mail domains published on purpose, e.g. gov.cn. */
  allowedEmailDomains: readonly string[];
}

const asGateFinding = (finding: Finding): GateFinding => ({
  field: `content.${finding.path}`,
  rule: finding.rule === 'lexicon' ? `wording.${finding.kind}` : `privacy.${finding.rule}`,
  reason: finding.message,
  offset: finding.offset,
  length: finding.length,
  ...(finding.rule === 'lexicon'
    ? finding.suggestion === undefined
      ? {}
      : { suggestion: finding.suggestion }
    : { suggestion: finding.masked }),
});

/** Privacy (always refuses) and 敏错字 (refuses or warns per entry) over every text a reader can see or download. */
export const screenDraftText = (
  content: DraftContent,
  policy: TextScreenPolicy,
): { refusals: GateFinding[]; warnings: GateFinding[] } => {
  const result = screenRevisionText(segmentsForScreening(content), {
    lexicon: policy.lexicon,
    allow: { emailDomains: policy.allowedEmailDomains },
  });
  return { refusals: result.refusals.map(asGateFinding), warnings: result.warnings.map(asGateFinding) };
};

/** The draft with every personal-data finding replaced by its masked form: what the editor is offered. */
export const maskPersonalData = (content: DraftContent, policy: TextScreenPolicy): { content: DraftContent; masked: number } => {
  const segments = segmentsForScreening(content);
  const privacy = screenPrivacy(segments, { allow: { emailDomains: policy.allowedEmailDomains } });
  if (privacy.length === 0) return { content, masked: 0 };
  const copy = structuredClone(content) as unknown as Record<string, unknown>;
  for (const segment of maskFindings(segments, privacy)) setAtPath(copy, segment.path, segment.text);
  return { content: copy as unknown as DraftContent, masked: privacy.length };
};

/** Sets a value at a screening path such as body[3].rows[1][2] or attachments[0].text. */
const setAtPath = (target: Record<string, unknown>, path: string, value: string): void => {
  const steps = [...path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((match) =>
    match[2] === undefined ? (match[1] ?? '') : Number(match[2]),
  );
  let node: unknown = target;
  steps.slice(0, -1).forEach((step) => {
    node = (node as Record<string | number, unknown>)[step];
  });
  const last = steps.at(-1);
  if (last !== undefined) (node as Record<string | number, unknown>)[last] = value;
};
