import { type ContentPublished, type DeliveryStatus, revisionText } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';

/** The release time of a revision: a correction's own time, else the first release. */
export const releasedAt = (revision: ContentPublished['revision']): string =>
  revision.correction?.changedAt ?? revision.publishedAt;

/** Keeps a canonical revision; the same revision received twice changes nothing. */
export const recordRevision = async (pool: Pool, event: ContentPublished): Promise<void> => {
  const r = event.revision;
  await pool.query(
    `insert into revisions (document_id, revision, fingerprint, kind, title, issuing_organs, status, openness, correction_kind,
       published_at, released_at, targeting, canonical_text, event)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
     on conflict (document_id, revision) do nothing`,
    [
      r.documentId,
      r.revision,
      event.fingerprint,
      r.kind,
      r.title,
      r.issuingOrgans,
      r.status,
      r.openness,
      r.correction?.kind ?? null,
      r.publishedAt,
      releasedAt(r),
      JSON.stringify(r.targeting),
      revisionText(r),
      JSON.stringify(event),
    ],
  );
};

/** What identifies a step of a delivery: a replay of the same step adds nothing. */
type StepIdentity = Pick<DeliveryStatus, 'documentId' | 'revision' | 'channel' | 'target' | 'state' | 'attempt'>;

const stepKey = (step: StepIdentity) =>
  `${step.documentId}\u0000${step.revision}\u0000${step.channel}\u0000${step.target}\u0000${step.state}\u0000${step.attempt}`;

/**
 * Adds steps to the ledger in one statement; a step already there (a redelivery, a state told twice) is kept as it was.
 * Says, per status, whether it was new (the first of equal ones in the list counts).
 */
export const recordSteps = async (pool: Pool, statuses: readonly DeliveryStatus[]): Promise<boolean[]> => {
  if (statuses.length === 0) return [];
  const column = <T>(pick: (status: DeliveryStatus) => T) => statuses.map(pick);
  const { rows } = await pool.query<StepIdentity>(
    `insert into delivery_steps (document_id, revision, channel, target, state, attempt, fingerprint,
       error_code, error_message, error_retryable, artifact_keys, occurred_at)
     select * from unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::int[], $7::text[],
       $8::text[], $9::text[], $10::boolean[], $11::jsonb[], $12::timestamptz[])
     on conflict do nothing
     returning document_id as "documentId", revision, channel, target, state, attempt`,
    [
      column((s) => s.documentId),
      column((s) => s.revision),
      column((s) => s.channel),
      column((s) => s.target),
      column((s) => s.state),
      column((s) => s.attempt),
      column((s) => s.fingerprint),
      column((s) => s.error?.code ?? null),
      column((s) => s.error?.message ?? null),
      column((s) => s.error?.retryable ?? null),
      column((s) => JSON.stringify(s.artifactKeys)),
      column((s) => s.occurredAt),
    ],
  );
  const added = new Set(rows.map(stepKey));
  return statuses.map((status) => added.delete(stepKey(status)));
};

/** When each revision was released, for those the ledger has: by "<documentId> <revision>". */
export const releaseTimes = async (
  pool: Pool,
  revisions: ReadonlyArray<{ documentId: string; revision: number }>,
): Promise<Map<string, Date>> => {
  if (revisions.length === 0) return new Map();
  const { rows } = await pool.query<{ documentId: string; revision: number; releasedAt: Date }>(
    `select document_id as "documentId", revision, released_at as "releasedAt" from revisions
      where (document_id, revision) in (select * from unnest($1::text[], $2::int[]))`,
    [revisions.map((r) => r.documentId), revisions.map((r) => r.revision)],
  );
  return new Map(rows.map((row) => [`${row.documentId} ${row.revision}`, row.releasedAt]));
};

export interface RevisionRow {
  documentId: string;
  revision: number;
  fingerprint: string;
  kind: string;
  title: string;
  issuingOrgans: string[];
  status: 'published' | 'withdrawn';
  openness: string;
  correctionKind: string | null;
  releasedAt: Date;
  targeting: ContentPublished['revision']['targeting'];
  canonicalText: string;
}

const revisionColumns = `document_id as "documentId", revision, fingerprint, kind, title, issuing_organs as "issuingOrgans",
  status, openness, correction_kind as "correctionKind", released_at as "releasedAt", targeting, canonical_text as "canonicalText"`;

/** The latest revision of every document the ledger knows. */
export const latestRevisions = async (pool: Pool): Promise<RevisionRow[]> =>
  (
    await pool.query<RevisionRow>(
      `select distinct on (document_id) ${revisionColumns} from revisions order by document_id, revision desc`,
    )
  ).rows;

export const revisionsOf = async (pool: Pool, documentId: string): Promise<RevisionRow[]> =>
  (
    await pool.query<RevisionRow>(`select ${revisionColumns} from revisions where document_id = $1 order by revision`, [
      documentId,
    ])
  ).rows;

export interface DeliveryRow {
  documentId: string;
  revision: number;
  channel: string;
  target: string;
  state: string;
  attempt: number;
  fingerprint: string;
  errorCode: string | null;
  errorMessage: string | null;
  artifactKeys: string[];
  occurredAt: Date;
}

const deliveryColumns = `document_id as "documentId", revision, channel, target, state, attempt, fingerprint,
  error_code as "errorCode", error_message as "errorMessage", artifact_keys as "artifactKeys", occurred_at as "occurredAt"`;

/** The current state of every delivery, optionally of one document. */
export const currentDeliveries = async (pool: Pool, documentId?: string): Promise<DeliveryRow[]> =>
  (
    await pool.query<DeliveryRow>(
      `select ${deliveryColumns} from current_deliveries ${documentId === undefined ? '' : 'where document_id = $1'}
       order by document_id, revision, channel, target`,
      documentId === undefined ? [] : [documentId],
    )
  ).rows;

/** Every recorded step, in a stable order: what a replay must reproduce exactly. */
export const allSteps = async (pool: Pool): Promise<DeliveryRow[]> =>
  (
    await pool.query<DeliveryRow>(
      `select ${deliveryColumns} from delivery_steps order by document_id, revision, channel, target, occurred_at, attempt, state`,
    )
  ).rows;

/** The first moment each delivery became live: delivered, or (gazette) filed as a candidate of an issue. */
export const liveMoments = async (
  pool: Pool,
): Promise<Array<{ documentId: string; revision: number; channel: string; target: string; liveAt: Date }>> =>
  (
    await pool.query(
      `select document_id as "documentId", revision, channel, target, min(occurred_at) as "liveAt"
       from delivery_steps
       where state = 'delivered' or state = 'withdrawn' or (channel = 'gazette' and state in ('pending', 'delivering'))
       group by document_id, revision, channel, target`,
    )
  ).rows;

/** The event a retry re-publishes: the document's latest revision exactly as it was received. */
export const latestEvent = async (pool: Pool, documentId: string): Promise<ContentPublished | undefined> =>
  (
    await pool.query<{ event: ContentPublished }>(
      'select event from revisions where document_id = $1 order by revision desc limit 1',
      [documentId],
    )
  ).rows[0]?.event;
