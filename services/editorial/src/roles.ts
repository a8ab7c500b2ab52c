import type { ReviewStage } from '@tongyuan/contracts';

/** The roles of the editors' API; a token carries one or more. */
export const roles = {
  editor: 'editor',
  /** 自审: head of the drafting office. */
  officeHead: 'reviewer.office-head',
  /** 审核: the leader in charge. */
  leader: 'reviewer.leader',
  /** 批审: the principal. */
  principal: 'reviewer.principal',
  confidentiality: 'confidentiality-reviewer',
  archivist: 'archivist',
  ops: 'ops',
} as const;

/** Which role may record which 三审 stage, and the 职务 written into the review record. */
export const stageRoles: Record<ReviewStage, { role: string; title: string }> = {
  自审: { role: roles.officeHead, title: '科室负责人' },
  审核: { role: roles.leader, title: '分管领导' },
  批审: { role: roles.principal, title: '主要负责人' },
};

export const reviewerRoles = Object.values(stageRoles).map((entry) => entry.role);
export const staffRoles = Object.values(roles);
