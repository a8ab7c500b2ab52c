import type { Pool } from '@tongyuan/database';
import type { Finding } from '../alerts/alert-store.js';
import { currentDeliveries, latestRevisions, liveMoments, type RevisionRow } from '../ledger/ledger-store.js';

export interface SlaPolicy {
  slaSeconds: number;
  /** Sites every 主动公开 revision goes to, unless its targeting names others. */
  portalSites: readonly string[];
  /** Kinds the gazette carries. */
  gazetteKinds: readonly string[];
}

/** One delivery a revision is expected to reach, and when (if) it became live. */
export interface Expectation {
  documentId: string;
  revision: number;
  title: string;
  channel: 'portal' | 'newmedia' | 'gazette';
  target: string;
  releasedAt: Date;
  deadline: Date;
  liveAt: Date | undefined;
  state: string | undefined;
  reason: string | undefined;
}

// A revision the ledger first heard of long after its release was backfilled (an import, a replay of history): no SLA.
const BACKFILL_MS = 24 * 3_600_000;

const allows = (revision: RevisionRow, channel: string) =>
  revision.targeting.channels.length === 0 || (revision.targeting.channels as string[]).includes(channel);

/**
 * Which targets the latest revision of each document is expected on: portal = every 主动公开 revision on the configured
 * sites (or those its targeting names); gazette = the configured kinds, live once filed as a candidate of an issue;
 * newmedia = the accounts its renderer announced with `pending`.
 */
export const expectations = async (pool: Pool, policy: SlaPolicy): Promise<Expectation[]> => {
  const [revisions, deliveries, live, received] = await Promise.all([
    latestRevisions(pool),
    currentDeliveries(pool),
    liveMoments(pool),
    pool.query<{ documentId: string; revision: number; receivedAt: Date }>(
      'select document_id as "documentId", revision, received_at as "receivedAt" from revisions',
    ),
  ]);
  const receivedAt = new Map(received.rows.map((r) => [`${r.documentId}/${r.revision}`, r.receivedAt]));
  // Indexed once by revision: the loop below stays linear in the size of the ledger.
  const stepsOf = groupBy(deliveries, (d) => `${d.documentId}/${d.revision}`);
  const liveOf = groupBy(live, (l) => `${l.documentId}/${l.revision}`);
  const result: Expectation[] = [];
  for (const revision of revisions) {
    if (revision.openness !== '主动公开') continue;
    const heard = receivedAt.get(`${revision.documentId}/${revision.revision}`);
    if (heard && heard.getTime() - revision.releasedAt.getTime() > BACKFILL_MS) continue;
    const steps = stepsOf.get(`${revision.documentId}/${revision.revision}`) ?? [];
    const lives = liveOf.get(`${revision.documentId}/${revision.revision}`) ?? [];
    const expect = (channel: Expectation['channel'], target: string) => {
      const current = steps.find((d) => d.channel === channel && (target === '*' || d.target === target));
      const liveAt = lives
        .filter((l) => l.channel === channel && (target === '*' || l.target === target))
        .map((l) => l.liveAt)
        .sort((a, b) => a.getTime() - b.getTime())[0];
      result.push({
        documentId: revision.documentId,
        revision: revision.revision,
        title: revision.title,
        channel,
        target,
        releasedAt: revision.releasedAt,
        deadline: new Date(revision.releasedAt.getTime() + policy.slaSeconds * 1000),
        liveAt,
        state: current?.state,
        reason: current?.errorCode ? `${current.errorCode}: ${current.errorMessage ?? ''}` : undefined,
      });
    };
    if (allows(revision, 'portal')) {
      const sites =
        revision.targeting.sites.length === 0
          ? policy.portalSites
          : revision.targeting.sites.filter((s) => policy.portalSites.includes(s));
      for (const site of sites) expect('portal', site);
    }
    if (allows(revision, 'gazette') && policy.gazetteKinds.includes(revision.kind) && revision.status === 'published') {
      expect('gazette', '*');
    }
    if (allows(revision, 'newmedia')) {
      for (const target of new Set(steps.filter((d) => d.channel === 'newmedia').map((d) => d.target)))
        expect('newmedia', target);
    }
  }
  return result;
};

const groupBy = <T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
};

/** SLA misses: expected deliveries not live by their deadline. */
export const slaFindings = (all: readonly Expectation[], now = new Date()): Finding[] =>
  all
    .filter((e) => e.liveAt === undefined && now > e.deadline)
    .map((e) => ({
      kind: 'sla_miss',
      documentId: e.documentId,
      revision: e.revision,
      channel: e.channel,
      target: e.target,
      detail: `发布 ${Math.round((now.getTime() - e.releasedAt.getTime()) / 1000)} 秒后仍未上线（${e.state ?? '无投递记录'}${e.reason ? `，${e.reason}` : ''}）`,
    }));

/** Per channel: deliveries due so far, and how many went live on time. */
export const onTimeByChannel = (all: readonly Expectation[], now = new Date()) => {
  const byChannel = new Map<string, { due: number; onTime: number; late: number; notLive: number }>();
  for (const e of all) {
    if (e.liveAt === undefined && now <= e.deadline) continue; // not due yet
    const entry = byChannel.get(e.channel) ?? { due: 0, onTime: 0, late: 0, notLive: 0 };
    entry.due += 1;
    if (e.liveAt === undefined) entry.notLive += 1;
    else if (e.liveAt <= e.deadline) entry.onTime += 1;
    else entry.late += 1;
    byChannel.set(e.channel, entry);
  }
  return [...byChannel].map(([channel, counts]) => ({
    channel,
    ...counts,
    percent: counts.due === 0 ? 100 : Math.round((1000 * counts.onTime) / counts.due) / 10,
  }));
};
