import type { DocumentRevision } from '@tongyuan/contracts';
import type { PoolClient } from '@tongyuan/database';
import { draftStore } from '../drafts/draft-store.js';

/**
 * The documents released by one publish: the document itself plus every never-released draft linked to it as
 * policy ↔ interpretation (政策解读 三同步: drafted, approved and released together). Sorted, so locks are taken in one order.
 */
export const releaseSetOf = async (client: PoolClient, documentId: string): Promise<string[]> => {
  const members = new Set([documentId]);
  const queue = [documentId];
  while (queue.length > 0) {
    const id = queue.shift() as string;
    const draft = await draftStore.draft(client, id);
    const linked = [
      ...(draft?.content.related.map((relation) => relation.documentId) ?? []),
      ...(await draftStore.draftsRelatedTo(client, id)),
    ];
    for (const candidate of linked) {
      if (members.has(candidate)) continue;
      const document = await draftStore.document(client, candidate);
      if (document?.latestRevision === 0 && (await draftStore.draft(client, candidate))) {
        members.add(candidate);
        queue.push(candidate);
      }
    }
  }
  return [...members].sort();
};

/** Completes the links among documents released together, so each policy and its interpretation name each other. */
export const linkReleaseSet = (records: readonly DocumentRevision[]): DocumentRevision[] => {
  const byId = new Map(records.map((record) => [record.documentId, record]));
  const pairs = new Set<string>();
  for (const record of records) {
    for (const relation of record.related) {
      if (!byId.has(relation.documentId)) continue;
      const [policy, interpretation] =
        relation.relation === 'interprets' ? [relation.documentId, record.documentId] : [record.documentId, relation.documentId];
      pairs.add(`${policy} ${interpretation}`);
    }
  }
  return records.map((record) => {
    const related = [...record.related];
    for (const pair of pairs) {
      const [policy, interpretation] = pair.split(' ') as [string, string];
      const wanted =
        record.documentId === policy
          ? { relation: 'interpretedBy' as const, documentId: interpretation }
          : record.documentId === interpretation
            ? { relation: 'interprets' as const, documentId: policy }
            : undefined;
      if (!wanted || related.some((r) => r.relation === wanted.relation && r.documentId === wanted.documentId)) continue;
      related.push({ ...wanted, title: byId.get(wanted.documentId)?.title ?? '' });
    }
    return { ...record, related };
  });
};
