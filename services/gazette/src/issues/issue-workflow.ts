import type {
  GazetteArrangement,
  GazetteCandidateChange,
  GazetteIssueDetail,
  GazetteRendition,
  GazetteSectionName,
} from '@tongyuan/contracts';
import { type Pool, type PoolClient, withTransaction } from '@tongyuan/database';
import { RefusedError } from '@tongyuan/errors';
import type { DeliveryStep } from '../candidates/candidate-filing.js';
import type { DeliveryReporter } from '../delivery/delivery-reporter.js';
import type { IssuePublisher } from '../publishing/issue-publisher.js';
import {
  type Archivist,
  audit,
  type CandidateRow,
  candidatesOf,
  type IssueRow,
  issueDetail,
  requireIssue,
} from './issue-ledger.js';

export interface Actor {
  id: string;
  name: string;
}

const requireOpen = (issue: IssueRow) => {
  if (issue.state !== 'open') {
    throw new RefusedError('conflict', `issue ${issue.issue_id} is ${issue.state}: its contents are frozen`);
  }
};

const stamp = (actor: Actor): Archivist => ({ id: actor.id, name: actor.name, at: new Date().toISOString() });

const stepOf = (
  row: Pick<CandidateRow, 'document_id' | 'revision' | 'fingerprint' | 'issue_id'>,
  state: DeliveryStep['state'],
): DeliveryStep => ({
  documentId: row.document_id,
  revision: row.revision,
  fingerprint: row.fingerprint,
  target: row.issue_id,
  state,
  artifactKeys: [],
});

/** Renumbers a section's candidates 1…n in the given order. */
const renumber = async (client: PoolClient, issueId: string, section: GazetteSectionName, documentIds: readonly string[]) => {
  for (const [index, documentId] of documentIds.entries()) {
    await client.query('update candidates set section = $3, position = $4 where issue_id = $1 and document_id = $2', [
      issueId,
      documentId,
      section,
      index + 1,
    ]);
  }
};

/** The archivists' workflow: arrange the open issue, close it (freeze), have a second archivist approve it, publish it. */
export class IssueWorkflow {
  constructor(
    private readonly pool: Pool,
    private readonly publisher: IssuePublisher,
    private readonly report: DeliveryReporter,
  ) {}

  detail(issueId: string): Promise<GazetteIssueDetail> {
    return issueDetail(this.pool, issueId);
  }

  async changeCandidate(
    actor: Actor,
    issueId: string,
    documentId: string,
    change: GazetteCandidateChange,
  ): Promise<GazetteIssueDetail> {
    const steps = await withTransaction(this.pool, async (client) => {
      requireOpen(await requireIssue(client, issueId, true));
      const candidates = await candidatesOf(client, issueId);
      const candidate = candidates.find((row) => row.document_id === documentId);
      if (!candidate) throw new RefusedError('not_found', `document ${documentId} is not a candidate of issue ${issueId}`);
      const steps: DeliveryStep[] = [];
      if (change.included !== undefined && change.included !== candidate.included) {
        await client.query('update candidates set included = $3 where issue_id = $1 and document_id = $2', [
          issueId,
          documentId,
          change.included,
        ]);
        candidate.included = change.included;
        steps.push(stepOf(candidate, change.included ? 'pending' : 'withdrawn'));
      }
      if (change.section !== undefined && change.section !== candidate.section) {
        const others = candidates.filter((row) => row.section === change.section).map((row) => row.document_id);
        await renumber(client, issueId, change.section, [...others, documentId]);
        const left = candidates.filter((row) => row.section === candidate.section && row.document_id !== documentId);
        await renumber(
          client,
          issueId,
          candidate.section,
          left.map((row) => row.document_id),
        );
        candidate.section = change.section;
      }
      if (change.move !== undefined) {
        const order = (await candidatesOf(client, issueId))
          .filter((row) => row.section === candidate.section && row.included)
          .map((row) => row.document_id);
        const at = order.indexOf(documentId);
        const to = change.move === 'up' ? at - 1 : at + 1;
        if (at < 0 || to < 0 || to >= order.length) {
          throw new RefusedError(
            'conflict',
            `the document is already ${change.move === 'up' ? 'first' : 'last'} in ${candidate.section}`,
          );
        }
        [order[at], order[to]] = [order[to] as string, order[at] as string];
        const excluded = candidates
          .filter((row) => row.section === candidate.section && !row.included)
          .map((row) => row.document_id);
        await renumber(client, issueId, candidate.section, [...order, ...excluded]);
      }
      await audit(client, actor, 'candidate.change', issueId, { documentId, ...change });
      return steps;
    });
    await this.report(steps);
    return this.detail(issueId);
  }

  async arrange(actor: Actor, issueId: string, arrangement: GazetteArrangement): Promise<GazetteIssueDetail> {
    const steps = await withTransaction(this.pool, async (client) => {
      requireOpen(await requireIssue(client, issueId, true));
      const candidates = await candidatesOf(client, issueId);
      const known = new Set(candidates.map((row) => row.document_id));
      const listed = arrangement.sections.flatMap((section) => section.documentIds);
      const problems = [
        ...listed.filter((id, index) => listed.indexOf(id) !== index).map((id) => ({ field: id, reason: 'listed twice' })),
        ...listed.filter((id) => !known.has(id)).map((id) => ({ field: id, reason: `not a candidate of ${issueId}` })),
      ];
      if (problems.length > 0) throw new RefusedError('invalid_input', 'the arrangement does not match the candidates', problems);
      const included = new Set(listed);
      const steps: DeliveryStep[] = [];
      for (const row of candidates) {
        const now = included.has(row.document_id);
        if (now !== row.included) steps.push(stepOf(row, now ? 'pending' : 'withdrawn'));
        await client.query('update candidates set included = $3 where issue_id = $1 and document_id = $2', [
          issueId,
          row.document_id,
          now,
        ]);
      }
      for (const section of arrangement.sections) await renumber(client, issueId, section.name, section.documentIds);
      // Excluded ones keep a place at the end of their section, so including one again puts it last.
      let tail = 10_000;
      for (const row of candidates.filter((candidate) => !included.has(candidate.document_id))) {
        tail += 1;
        await client.query('update candidates set position = $3 where issue_id = $1 and document_id = $2', [
          issueId,
          row.document_id,
          tail,
        ]);
      }
      await audit(client, actor, 'issue.arrange', issueId, arrangement);
      return steps;
    });
    await this.report(steps);
    return this.detail(issueId);
  }

  async editErratum(actor: Actor, issueId: string, erratumId: string, text: string): Promise<GazetteIssueDetail> {
    await withTransaction(this.pool, async (client) => {
      requireOpen(await requireIssue(client, issueId, true));
      const updated = await client.query('update errata set text = $3, edited = $4 where issue_id = $1 and erratum_id = $2', [
        issueId,
        erratumId,
        text.trim(),
        JSON.stringify(stamp(actor)),
      ]);
      if (updated.rowCount === 0) throw new RefusedError('not_found', `issue ${issueId} carries no erratum ${erratumId}`);
      await audit(client, actor, 'erratum.edit', issueId, { erratumId, text });
    });
    return this.detail(issueId);
  }

  /** 截稿: freezes the exact revisions (and fingerprints) included now; later releases of the month go to the next issue. */
  async close(actor: Actor, issueId: string): Promise<GazetteIssueDetail> {
    await withTransaction(this.pool, async (client) => {
      requireOpen(await requireIssue(client, issueId, true));
      const included = (await candidatesOf(client, issueId)).filter((row) => row.included);
      const errata = await client.query('select 1 from errata where issue_id = $1', [issueId]);
      if (included.length === 0 && errata.rowCount === 0) {
        throw new RefusedError('conflict', `issue ${issueId} has nothing to print: include at least one candidate first`);
      }
      for (const row of included) {
        await client.query(
          `insert into issue_documents (issue_id, document_id, revision, fingerprint, record, section, position)
           values ($1, $2, $3, $4, $5, $6, $7)`,
          [issueId, row.document_id, row.revision, row.fingerprint, JSON.stringify(row.record), row.section, row.position],
        );
      }
      await client.query("update issues set state = 'closed', closed = $2 where issue_id = $1", [
        issueId,
        JSON.stringify(stamp(actor)),
      ]);
      await audit(client, actor, 'issue.close', issueId, {
        documents: included.map((row) => [row.document_id, row.revision, row.fingerprint]),
      });
    });
    return this.detail(issueId);
  }

  /** 四眼原则: the approval is a second archivist's, never the one who closed the issue. */
  async approve(actor: Actor, issueId: string): Promise<GazetteIssueDetail> {
    await withTransaction(this.pool, async (client) => {
      const issue = await requireIssue(client, issueId, true);
      if (issue.state !== 'closed')
        throw new RefusedError('conflict', `issue ${issueId} is ${issue.state}: only a closed issue is approved`);
      if (issue.approved) throw new RefusedError('conflict', `issue ${issueId} was already approved by ${issue.approved.name}`);
      if (issue.closed?.id === actor.id) {
        throw new RefusedError(
          'forbidden',
          `${actor.name} closed issue ${issueId}; a second archivist must approve it (四眼原则: closing and approving are two people)`,
        );
      }
      await client.query('update issues set approved = $2 where issue_id = $1', [issueId, JSON.stringify(stamp(actor))]);
      await audit(client, actor, 'issue.approve', issueId);
    });
    return this.detail(issueId);
  }

  preview(actor: Actor, issueId: string): Promise<GazetteRendition> {
    return this.publisher.preview(issueId).then(async (rendition) => {
      await audit(this.pool, actor, 'issue.preview', issueId, { pdfSha256: rendition.pdfSha256 });
      return rendition;
    });
  }

  /** Writes the issue to S3 once; a re-run after a crash writes the same bytes, a re-run after success writes nothing. */
  async publish(actor: Actor, issueId: string): Promise<GazetteRendition> {
    const issue = await requireIssue(this.pool, issueId);
    if (issue.state === 'open')
      throw new RefusedError('conflict', `issue ${issueId} is open: close it and have it approved first`);
    if (!issue.approved) {
      throw new RefusedError(
        'conflict',
        `issue ${issueId} is not approved: a second archivist must approve it before it is published`,
      );
    }
    const outcome = await this.publisher.publish(issueId, stamp(actor));
    if (outcome.firstTime) await audit(this.pool, actor, 'issue.publish', issueId, { pdfSha256: outcome.rendition.pdfSha256 });
    await this.report(outcome.steps);
    return outcome.rendition;
  }
}
