import type { DocumentRevision } from '@tongyuan/contracts';
import { chineseDate } from '@tongyuan/gazette-issue';

/** The proposed 勘误 wording, from the correction block: where it was printed, why, what changed, where the corrected text is. */
export const proposedErratumText = (revision: DocumentRevision, originalLabel: string, portalUrl: string): string => {
  const correction = revision.correction;
  const name = `《${revision.title}》${revision.docNumber ? `（${revision.docNumber}）` : ''}`;
  const what = correction?.kind === 'validityChange' ? '有效性变更' : '更正';
  const reason = correction?.reason.replace(/[。.]+$/, '') ?? '';
  const changes = (correction?.changes ?? []).map((change) => change.replace(/[。；;.]+$/, '')).join('；');
  const dated = correction ? `于${chineseDate(correction.changedAt)}` : '';
  return `本刊${originalLabel}刊登的${name}，因${reason}，${dated}${what}如下：${changes}。${what}后的全文见${portalUrl}。`;
};
