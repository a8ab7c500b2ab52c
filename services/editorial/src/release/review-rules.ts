import type { GateFinding, Review, ReviewStage } from '@tongyuan/contracts';
import type { Principal } from '@tongyuan/http';
import { stageRoles } from '../roles.js';

export const stageOrder: readonly ReviewStage[] = ['自审', '审核', '批审'];

/** Whether `principal` may record `stage` now: the right role, the next stage in order, a person not yet among the reviewers. */
export const reviewStepProblems = (reviews: readonly Review[], stage: ReviewStage, principal: Principal): GateFinding[] => {
  const field = 'stage';
  const { role, title } = stageRoles[stage];
  if (!principal.roles.includes(role)) {
    return [
      {
        field,
        rule: 'review.role',
        reason: `${stage} is recorded by the ${title} (role ${role}); ${principal.name} does not hold it`,
      },
    ];
  }
  const expected = stageOrder[reviews.length];
  if (expected === undefined) return [{ field, rule: 'review.complete', reason: '三审 is already complete for this draft' }];
  if (stage !== expected) {
    return [{ field, rule: 'review.order', reason: `三审 goes 自审 → 审核 → 批审: the next stage is ${expected}, not ${stage}` }];
  }
  const earlier = reviews.find((review) => review.reviewerId === principal.id);
  if (earlier) {
    return [
      {
        field,
        rule: 'review.distinct',
        reason: `${principal.name} already recorded ${earlier.stage}; the three reviews are by three different people`,
      },
    ];
  }
  return [];
};

/** The release gate's view of 三审 and 保密审查: complete, in order, three people, and cleared for release. */
export const reviewRecordProblems = (reviews: readonly Review[], confidentialityCleared: boolean): GateFinding[] => {
  const problems: GateFinding[] = [];
  stageOrder.forEach((stage, index) => {
    const review = reviews[index];
    if (!review)
      problems.push({
        field: `reviews[${index}]`,
        rule: 'review.missing',
        reason: `${stage} has not been recorded (三审: 自审 → 审核 → 批审)`,
      });
    else if (review.stage !== stage)
      problems.push({
        field: `reviews[${index}].stage`,
        rule: 'review.order',
        reason: `expected ${stage}, found ${review.stage}`,
      });
  });
  const people = reviews.map((review) => review.reviewerId);
  if (new Set(people).size !== people.length) {
    problems.push({
      field: 'reviews',
      rule: 'review.distinct',
      reason: 'the same person reviewed twice; 三审 needs three different people',
    });
  }
  if (!confidentialityCleared) {
    problems.push({
      field: 'confidentialityReview',
      rule: 'confidentiality.missing',
      reason: '保密审查 has not cleared this draft (不涉密) before release',
    });
  }
  return problems;
};
