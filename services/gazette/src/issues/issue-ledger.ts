import type {
  DocumentRevision,
  GazetteCandidate,
  GazetteErratum,
  GazetteIssueDetail,
  GazetteIssueState,
  GazetteIssueSummary,
  GazetteRendition,
  GazetteSectionName,
} from '@tongyuan/contracts';
import { gazetteSectionOrder } from '@tongyuan/contracts';
import type { Pool, PoolClient } from '@tongyuan/database';
import { RefusedError } from '@tongyuan/errors';
import { issueLabel } from '@tongyuan/gazette-issue';
import { nextMonth } from './issue-calendar.js';

export type Db = Pool | PoolClient;

export interface Archivist {
  id: string;
  name: string;
  at: string;
}

export interface IssueRow {
  issue_id: string;
  year: number;
  number: number;
  total: number;
  release_month: string;
  state: GazetteIssueState;
  closed: Archivist | null;
  approved: Archivist | null;
  published: Archivist | null;
  published_on: string | null;
  rendition: GazetteRendition | null;
}

export interface CandidateRow {
  document_id: string;
  issue_id: string;
  revision: number;
  fingerprint: string;
  record: DocumentRevision;
  release_month: string;
  included: boolean;
  section: GazetteSectionName;
  position: number;
}

export interface ErratumRow {
  erratum_id: string;
  document_id: string;
  corrected_revision: number;
  corrected_fingerprint: string;
  original_issue_id: string;
  issue_id: string;
  document_title: string;
  text: string;
  edited: Archivist | null;
  portal_url: string;
}

const issueColumns =
  "issue_id, year, number, total, release_month, state, closed, approved, published, to_char(published_on, 'YYYY-MM-DD') as published_on, rendition";

/** Serializes everything about one document (consumer and API alike) inside the caller's transaction. */
export const lockDocument = (client: PoolClient, documentId: string) =>
  client.query('select pg_advisory_xact_lock(hashtext($1))', [`gazette-document:${documentId}`]);

/** Serializes numbering: two issues never get the same 第N期 or 总第N期. */
const lockNumbering = (client: PoolClient) => client.query('select pg_advisory_xact_lock(hashtext($1))', ['gazette-numbering']);

export const issueRow = async (db: Db, issueId: string, forUpdate = false): Promise<IssueRow | null> => {
  const { rows } = await db.query<IssueRow>(
    `select ${issueColumns} from issues where issue_id = $1${forUpdate ? ' for update' : ''}`,
    [issueId],
  );
  return rows[0] ?? null;
};

export const requireIssue = async (db: Db, issueId: string, forUpdate = false): Promise<IssueRow> => {
  const row = await issueRow(db, issueId, forUpdate);
  if (!row) throw new RefusedError('not_found', `no issue ${issueId}`);
  return row;
};

export const allIssues = async (db: Db): Promise<IssueRow[]> =>
  (await db.query<IssueRow>(`select ${issueColumns} from issues order by total desc`)).rows;

/** The 总第N期 and 第N期 the next issue of `year` takes: after every new and imported issue, and after the offset. */
export const nextNumbers = async (db: Db, year: number, totalOffset: number): Promise<{ number: number; total: number }> => {
  const { rows } = await db.query<{ number: number; total: number }>(
    `select coalesce(max(number) filter (where year = $1), 0)::int as number, coalesce(max(total), 0)::int as total
     from (select year, number, total from issues union all select year, number, total from historical_issues) all_issues`,
    [year],
  );
  const found = rows[0] ?? { number: 0, total: 0 };
  return { number: found.number + 1, total: Math.max(found.total, totalOffset) + 1 };
};

/**
 * The open issue that takes a release of `month`: that month's issue while it is open; once it is closed, the next
 * month's (after close, late releases go to the next issue). An issue is never opened for a month at or before one
 * already closed, so numbers follow the months.
 */
export const openIssueFor = async (client: PoolClient, month: string, totalOffset: number): Promise<IssueRow> => {
  await lockNumbering(client);
  const { rows } = await client.query<{ release_month: string }>(
    "select max(release_month) as release_month from issues where state <> 'open'",
  );
  const lastClosed = rows[0]?.release_month ?? null;
  let target = lastClosed !== null && month <= lastClosed ? nextMonth(lastClosed) : month;
  for (;;) {
    // for share: waits for a close in progress, then sees the issue closed and moves on to the next month.
    const found = await client.query<IssueRow>(`select ${issueColumns} from issues where release_month = $1 for share`, [target]);
    const existing = found.rows[0];
    if (existing?.state === 'open') return existing;
    if (existing) {
      target = nextMonth(target);
      continue;
    }
    const year = Number(target.slice(0, 4));
    const { number, total } = await nextNumbers(client, year, totalOffset);
    const issueId = `${year}-${String(number).padStart(2, '0')}`;
    const created = await client.query<IssueRow>(
      `insert into issues (issue_id, year, number, total, release_month, state) values ($1, $2, $3, $4, $5, 'open')
       returning ${issueColumns}`,
      [issueId, year, number, total, target],
    );
    return created.rows[0] as IssueRow;
  }
};

export const candidatesOf = async (db: Db, issueId: string): Promise<CandidateRow[]> =>
  (
    await db.query<CandidateRow>(
      'select document_id, issue_id, revision, fingerprint, record, release_month, included, section, position from candidates where issue_id = $1 order by position, document_id',
      [issueId],
    )
  ).rows;

/** What a closed issue carries, as frozen at close, in print order. */
export const frozenDocumentsOf = async (db: Db, issueId: string) =>
  (
    await db.query<{
      document_id: string;
      revision: number;
      fingerprint: string;
      record: DocumentRevision;
      section: GazetteSectionName;
      position: number;
    }>(
      'select document_id, revision, fingerprint, record, section, position from issue_documents where issue_id = $1 order by position',
      [issueId],
    )
  ).rows.sort(
    (a, b) => gazetteSectionOrder.indexOf(a.section) - gazetteSectionOrder.indexOf(b.section) || a.position - b.position,
  );

export const erratumRowsOf = async (db: Db, issueId: string): Promise<ErratumRow[]> =>
  (await db.query<ErratumRow>('select * from errata where issue_id = $1 order by created_at, erratum_id', [issueId])).rows;

export const summaryOf = (row: IssueRow, documentCount: number): GazetteIssueSummary => ({
  issueId: row.issue_id,
  year: row.year,
  number: row.number,
  total: row.total,
  label: issueLabel(row),
  releaseMonth: row.release_month,
  state: row.state,
  closed: row.closed,
  approved: row.approved,
  published: row.published,
  documentCount,
});

const candidateOf = (
  row: Pick<CandidateRow, 'record' | 'fingerprint' | 'section' | 'position'> & { included: boolean },
): GazetteCandidate => ({
  documentId: row.record.documentId,
  revision: row.record.revision,
  fingerprint: row.fingerprint,
  title: row.record.title,
  kind: row.record.kind,
  docNumber: row.record.docNumber,
  issuingOrgan: row.record.issuingOrgans.join('、'),
  publishedAt: row.record.publishedAt,
  included: row.included,
  section: row.section,
  position: row.position,
});

export const erratumOf = (row: ErratumRow, originalLabel: string): GazetteErratum => ({
  erratumId: row.erratum_id,
  documentId: row.document_id,
  documentTitle: row.document_title,
  correctedRevision: row.corrected_revision,
  correctedFingerprint: row.corrected_fingerprint,
  originalIssueId: row.original_issue_id,
  originalIssueLabel: originalLabel,
  text: row.text,
  editedBy: row.edited,
  portalUrl: row.portal_url,
});

/** An issue as archivists see it: open ones from their candidates, closed ones from what was frozen. */
export const issueDetail = async (db: Db, issueId: string): Promise<GazetteIssueDetail> => {
  const row = await requireIssue(db, issueId);
  const entries =
    row.state === 'open'
      ? (await candidatesOf(db, issueId)).map(candidateOf)
      : (await frozenDocumentsOf(db, issueId)).map((frozen) => candidateOf({ ...frozen, included: true }));
  const included = entries.filter((entry) => entry.included);
  const sections = gazetteSectionOrder
    .filter((name) => name !== '勘误')
    .map((name) => ({ name, candidates: included.filter((entry) => entry.section === name) }));
  const errata = await erratumRowsOf(db, issueId);
  const originals = new Map((await allIssues(db)).map((issue) => [issue.issue_id, issueLabel(issue)]));
  return {
    issue: summaryOf(row, included.length),
    sections,
    excluded: entries.filter((entry) => !entry.included),
    errata: errata.map((erratum) => erratumOf(erratum, originals.get(erratum.original_issue_id) ?? erratum.original_issue_id)),
  };
};

export const listIssues = async (db: Db): Promise<GazetteIssueSummary[]> => {
  const { rows } = await db.query<IssueRow & { documents: number }>(
    `select ${issueColumns},
       case when state = 'open' then (select count(*) from candidates c where c.issue_id = i.issue_id and c.included)
            else (select count(*) from issue_documents d where d.issue_id = i.issue_id) end::int as documents
     from issues i order by total desc`,
  );
  return rows.map((row) => summaryOf(row, row.documents));
};

export const audit = (
  client: Db,
  actor: { id: string; name: string },
  action: string,
  issueId: string | null,
  detail: object = {},
) =>
  client.query('insert into audit_log (actor_id, actor_name, action, issue_id, detail) values ($1, $2, $3, $4, $5)', [
    actor.id,
    actor.name,
    action,
    issueId,
    JSON.stringify(detail),
  ]);
