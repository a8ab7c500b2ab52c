import type { ContentPublished, DeliveryStatus, DocumentKind, DocumentRevision } from '@tongyuan/contracts';
import { type Pool, withTransaction } from '@tongyuan/database';
import { issueLabel } from '@tongyuan/gazette-issue';
import { defaultSectionOf, releaseMonthOf } from '../issues/issue-calendar.js';
import { type CandidateRow, type IssueRow, issueRow, lockDocument, openIssueFor } from '../issues/issue-ledger.js';
import { proposedErratumText } from './erratum-wording.js';

/** One delivery step to report once the transaction committed. */
export type DeliveryStep = Pick<DeliveryStatus, 'documentId' | 'revision' | 'fingerprint' | 'target' | 'state' | 'artifactKeys'>;

export type FilingOutcome =
  /** steps: what the first handling reported, for a retry whose report was lost. */
  | { kind: 'skipped'; reason: string; steps?: DeliveryStep[] }
  | { kind: 'filed' | 'updated' | 'removed' | 'erratum' | 'recorded'; issueId: string; steps: DeliveryStep[] };

export interface CandidateFilingOptions {
  pool: Pool;
  /** 规章, 规范性文件 and what configuration adds. */
  kinds: readonly DocumentKind[];
  totalOffset: number;
  portalBaseUrl: string;
}

/** content.published → the open issue's candidates, or an erratum when the document already sits in a closed issue. */
export class CandidateFiling {
  constructor(private readonly options: CandidateFilingOptions) {}

  /** Whether the gazette carries this revision at all: its kind, 主动公开, and no targeting that leaves the gazette out. */
  carries(revision: DocumentRevision): boolean {
    const channels = revision.targeting.channels;
    return (
      this.options.kinds.includes(revision.kind) &&
      revision.openness === '主动公开' &&
      (channels.length === 0 || channels.includes('gazette'))
    );
  }

  apply(event: ContentPublished): Promise<FilingOutcome> {
    const revision = event.revision;
    return withTransaction(this.options.pool, async (client) => {
      await lockDocument(client, revision.documentId);
      const found = await client.query<CandidateRow>('select * from candidates where document_id = $1 for update', [
        revision.documentId,
      ]);
      const candidate = found.rows[0];
      // An older revision after a newer one, and a replay, change nothing.
      if (candidate && candidate.revision > revision.revision) return { kind: 'skipped', reason: 'older than the one on file' };
      if (candidate && candidate.revision === revision.revision) {
        const issue = await issueRow(client, candidate.issue_id);
        const pending = issue?.state === 'open' && candidate.included;
        const again: DeliveryStep = {
          documentId: revision.documentId,
          revision: revision.revision,
          fingerprint: candidate.fingerprint,
          target: candidate.issue_id,
          state: 'pending',
          artifactKeys: [],
        };
        return { kind: 'skipped', reason: 'already on file', steps: pending ? [again] : [] };
      }
      const step = (
        state: DeliveryStep['state'],
        target: string,
        of: { revision: number; fingerprint: string } = { revision: revision.revision, fingerprint: event.fingerprint },
      ): DeliveryStep => ({
        documentId: revision.documentId,
        revision: of.revision,
        fingerprint: of.fingerprint,
        target,
        state,
        artifactKeys: [],
      });
      const carried = this.carries(revision) && revision.status === 'published';

      if (!candidate) {
        if (!carried) return { kind: 'skipped', reason: 'not a revision the gazette carries' };
        const issue = await openIssueFor(client, releaseMonthOf(revision.publishedAt), this.options.totalOffset);
        const section = defaultSectionOf(revision.kind);
        await client.query(
          `insert into candidates (document_id, issue_id, revision, fingerprint, record, release_month, included, section, published_at, position)
           values ($1, $2, $3, $4, $5, $6, true, $7, $8,
                   (select coalesce(max(position), 0) + 1 from candidates where issue_id = $2 and section = $7))`,
          [
            revision.documentId,
            issue.issue_id,
            revision.revision,
            event.fingerprint,
            JSON.stringify(revision),
            releaseMonthOf(revision.publishedAt),
            section,
            revision.publishedAt,
          ],
        );
        // Until an archivist arranges the issue, each section runs in release order, however the partitions interleave:
        // only the candidates whose place changed are written (none, when releases arrive in order).
        await client.query(
          `update candidates c set position = ordered.place
           from (select document_id, row_number() over (order by published_at, document_id)::int as place
                 from candidates where issue_id = $1 and section = $2) ordered
           where c.document_id = ordered.document_id and c.position <> ordered.place
             and not exists (select 1 from audit_log where issue_id = $1 and action in ('candidate.change', 'issue.arrange'))`,
          [issue.issue_id, section],
        );
        return { kind: 'filed', issueId: issue.issue_id, steps: [step('pending', issue.issue_id)] };
      }

      // Locked: a close in progress finishes first, so a revision never slips into an issue after its freeze.
      const issue = (await issueRow(client, candidate.issue_id, true)) as IssueRow;
      const previous = { revision: candidate.revision, fingerprint: candidate.fingerprint };
      if (issue.state === 'open') {
        if (!carried) {
          await client.query('delete from candidates where document_id = $1', [revision.documentId]);
          return { kind: 'removed', issueId: issue.issue_id, steps: [step('withdrawn', issue.issue_id)] };
        }
        await client.query(
          'update candidates set revision = $2, fingerprint = $3, record = $4, published_at = $5, updated_at = now() where document_id = $1',
          [revision.documentId, revision.revision, event.fingerprint, JSON.stringify(revision), revision.publishedAt],
        );
        const steps = [step('superseded', issue.issue_id, previous)];
        if (candidate.included) steps.push(step('pending', issue.issue_id));
        return { kind: 'updated', issueId: issue.issue_id, steps };
      }

      // The issue is closed: its text is frozen. Keep the latest revision on file so older ones stay recognisable.
      await client.query(
        'update candidates set revision = $2, fingerprint = $3, record = $4, published_at = $5, updated_at = now() where document_id = $1',
        [revision.documentId, revision.revision, event.fingerprint, JSON.stringify(revision), revision.publishedAt],
      );
      const printed = await client.query('select 1 from issue_documents where issue_id = $1 and document_id = $2', [
        issue.issue_id,
        revision.documentId,
      ]);
      const kind = revision.correction?.kind;
      if (printed.rowCount === 0 || (kind !== 'correction' && kind !== 'validityChange')) {
        // Excluded from its issue, or withdrawn after print: a gazette does not retract; the portal carries the notice.
        return { kind: 'recorded', issueId: issue.issue_id, steps: [] };
      }
      const changedAt = revision.correction?.changedAt ?? revision.publishedAt;
      const next = await openIssueFor(client, releaseMonthOf(changedAt), this.options.totalOffset);
      const portalUrl = `${this.options.portalBaseUrl.replace(/\/$/, '')}/documents/${revision.documentId}/`;
      const erratumId = `${revision.documentId.slice(4).toLowerCase()}-r${revision.revision}`;
      await client.query(
        `insert into errata (erratum_id, document_id, corrected_revision, corrected_fingerprint, original_issue_id, issue_id,
                             document_title, text, portal_url)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (document_id, corrected_revision) do nothing`,
        [
          erratumId,
          revision.documentId,
          revision.revision,
          event.fingerprint,
          issue.issue_id,
          next.issue_id,
          revision.title,
          proposedErratumText(revision, issueLabel(issue), portalUrl),
          portalUrl,
        ],
      );
      return { kind: 'erratum', issueId: next.issue_id, steps: [step('pending', next.issue_id)] };
    });
  }
}
