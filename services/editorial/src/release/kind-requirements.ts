import type { DocumentKind, DraftContent, GateFinding } from '@tongyuan/contracts';

interface KindRule {
  field: keyof DraftContent;
  present: (content: DraftContent) => boolean;
  reason: string;
}

const hasDocNumber: KindRule = { field: 'docNumber', present: (c) => c.docNumber !== null, reason: '发文字号 is required' };
const hasValidity: KindRule = { field: 'validity', present: (c) => c.validity !== null, reason: '有效性 is required' };
const hasWrittenDate: KindRule = { field: 'writtenDate', present: (c) => c.writtenDate !== null, reason: '成文日期 is required' };
const interpretsSomething: KindRule = {
  field: 'related',
  present: (c) => c.related.some((r) => r.relation === 'interprets'),
  reason: 'a 政策解读 names the policy it interprets (related: interprets)',
};
const hasBody: KindRule = { field: 'body', present: (c) => c.body.length > 0, reason: 'the body is empty' };

/** What each kind must carry before release, beyond the schema: the catalogue needs these to file it correctly. */
const rulesByKind: Partial<Record<DocumentKind, KindRule[]>> = {
  规章: [hasDocNumber, hasValidity, hasWrittenDate],
  规范性文件: [hasDocNumber, hasValidity, hasWrittenDate],
  其他文件: [hasWrittenDate],
  政策解读: [interpretsSomething],
  通知: [hasWrittenDate],
  公告: [hasWrittenDate],
  年度报告: [hasWrittenDate],
};

export const kindRequirementProblems = (content: DraftContent): GateFinding[] =>
  [hasBody, ...(rulesByKind[content.kind] ?? [])]
    .filter((rule) => !rule.present(content))
    .map((rule) => ({ field: `content.${rule.field}`, rule: 'metadata.required', reason: `${content.kind}: ${rule.reason}` }));
