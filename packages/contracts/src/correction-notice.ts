import type { DocumentRevision } from './document-revision.js';

/** 更正 / 有效性变更 / 撤回: the words every carrier uses for a revision after the first. */
const correctionWords = {
  correction: { heading: '更正说明', verb: '更正' },
  validityChange: { heading: '有效性变更说明', verb: '变更有效性' },
  withdrawal: { heading: '撤回说明', verb: '撤回' },
} as const;

export interface CorrectionNotice {
  heading: string;
  verb: string;
  changedAt: string;
  /** changedAt as readers see it: "YYYY-MM-DD HH:mm" (the time as the record gives it, offset dropped). */
  changedAtText: string;
  revision: number;
  previousRevision: number;
  reason: string;
  changes: string[];
}

/** When, why and what changed, the same on the portal, in new media and in the gazette (数据同源 of the notice too). */
export const correctionNoticeOf = (revision: DocumentRevision): CorrectionNotice | null => {
  const correction = revision.correction;
  if (correction === null) return null;
  return {
    ...correctionWords[correction.kind],
    changedAt: correction.changedAt,
    changedAtText: `${correction.changedAt.slice(0, 10)} ${correction.changedAt.slice(11, 16)}`,
    revision: revision.revision,
    previousRevision: correction.previousRevision,
    reason: correction.reason,
    changes: [...correction.changes],
  };
};
