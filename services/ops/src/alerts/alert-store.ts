import type { OpsAlert, OpsAlertKind } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';

/** One finding of a check cycle: an alert while it keeps being found, resolved when a cycle no longer finds it. */
export interface Finding {
  kind: OpsAlertKind;
  documentId: string;
  revision: number;
  channel: 'portal' | 'newmedia' | 'gazette';
  target: string;
  detail: string;
}

/**
 * Makes the open alerts of the given kinds exactly the findings: new ones open, repeated ones are refreshed,
 * the rest are resolved. Returns the findings that opened an alert now.
 */
export const reconcileAlerts = async (
  pool: Pool,
  kinds: readonly OpsAlertKind[],
  findings: readonly Finding[],
): Promise<Finding[]> => {
  const opened: Finding[] = [];
  const client = await pool.connect();
  try {
    await client.query('begin');
    // One reconciler at a time per kind set: the loop and an on-demand run must not race.
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`ops-alerts:${[...kinds].sort().join(',')}`]);
    for (const finding of findings) {
      const { rows } = await client.query<{ inserted: boolean }>(
        `insert into alerts (kind, document_id, revision, channel, target, detail)
         values ($1, $2, $3, $4, $5, $6)
         on conflict (kind, document_id, channel, target) where resolved_at is null
         do update set detail = excluded.detail, revision = excluded.revision, last_seen_at = now()
         returning (xmax = 0) as inserted`,
        [finding.kind, finding.documentId, finding.revision, finding.channel, finding.target, finding.detail],
      );
      if (rows[0]?.inserted) opened.push(finding);
    }
    const keys = findings.map((f) => `${f.kind}|${f.documentId}|${f.channel}|${f.target}`);
    await client.query(
      `update alerts set resolved_at = now()
       where resolved_at is null and kind = any($1) and not (kind || '|' || document_id || '|' || channel || '|' || target = any($2))`,
      [kinds, keys],
    );
    await client.query('commit');
  } catch (error) {
    await client.query('rollback').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
  return opened;
};

const alertColumns = `id::int as id, kind, document_id as "documentId", revision, channel, target, detail,
  opened_at as "openedAt", last_seen_at as "lastSeenAt", resolved_at as "resolvedAt"`;

type AlertRow = Omit<OpsAlert, 'openedAt' | 'lastSeenAt' | 'resolvedAt'> & {
  openedAt: Date;
  lastSeenAt: Date;
  resolvedAt: Date | null;
};

const toAlert = (row: AlertRow): OpsAlert => ({
  ...row,
  openedAt: row.openedAt.toISOString(),
  lastSeenAt: row.lastSeenAt.toISOString(),
  resolvedAt: row.resolvedAt?.toISOString() ?? null,
});

export const openAlerts = async (pool: Pool): Promise<OpsAlert[]> =>
  (
    await pool.query<AlertRow>(`select ${alertColumns} from alerts where resolved_at is null order by opened_at desc, id desc`)
  ).rows.map(toAlert);

export const recentlyResolvedAlerts = async (pool: Pool, limit = 50): Promise<OpsAlert[]> =>
  (
    await pool.query<AlertRow>(
      `select ${alertColumns} from alerts where resolved_at is not null order by resolved_at desc, id desc limit $1`,
      [limit],
    )
  ).rows.map(toAlert);

export const openAlertCounts = async (pool: Pool): Promise<Array<{ kind: string; channel: string; count: number }>> =>
  (
    await pool.query(
      `select kind, channel, count(*)::int as count from alerts where resolved_at is null group by kind, channel order by kind, channel`,
    )
  ).rows;
