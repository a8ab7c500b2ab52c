import type { KafkaBus } from '@tongyuan/bus';
import {
  type ConfidentialityReviewRequest,
  type DocumentRevision,
  DocumentRevision as DocumentRevisionSchema,
  type DraftContent,
  describeZodIssues,
  type GateFinding,
  newDocumentId,
  type PublishResult,
  type RecordReviewRequest,
  type StartRevisionRequest,
  toContentPublished,
  topics,
} from '@tongyuan/contracts';
import { type Pool, type PoolClient, withTransaction } from '@tongyuan/database';
import { RefusedError } from '@tongyuan/errors';
import { HttpError, type Principal } from '@tongyuan/http';
import { appendToOutbox } from '@tongyuan/outbox';
import { recordAudit } from './audit/audit-log.js';
import { type DraftRow, draftStore } from './drafts/draft-store.js';
import { previousAnswer, rememberAnswer, requestFingerprint, type StoredAnswer } from './release/idempotency.js';
import { assignIndexNumber } from './release/index-number.js';
import { kindRequirementProblems } from './release/kind-requirements.js';
import { linkReleaseSet, releaseSetOf } from './release/release-set.js';
import { reviewRecordProblems, reviewStepProblems } from './release/review-rules.js';
import { buildRevision } from './release/revision-builder.js';
import { maskPersonalData, screenDraftText, type TextScreenPolicy } from './release/text-screen.js';
import { stageRoles } from './roles.js';

export interface EditorialDeskOptions {
  pool: Pool;
  bus: KafkaBus;
  textPolicy: TextScreenPolicy;
  /** Called after a release commits: the outbox relay sends at once instead of at its next poll. */
  afterRelease: () => void;
}

const notFound = (documentId: string) => new HttpError(404, 'not_found', `no document ${documentId}`);
const refused = (message: string, findings: GateFinding[]) => new RefusedError('release_refused', message, findings);

/** The editors' use cases: draft, review, release once. Every state change and its event commit in one transaction. */
export class EditorialDesk {
  constructor(private readonly options: EditorialDeskOptions) {}

  async createDraft(principal: Principal, content: DraftContent) {
    const documentId = newDocumentId();
    await withTransaction(this.options.pool, async (client) => {
      await draftStore.insertDocument(client, documentId, content.organisationCode, principal.id);
      await this.checkRelatedExist(client, documentId, content);
      await draftStore.saveDraft(client, {
        documentId,
        revision: 1,
        content,
        reviews: [],
        confidentiality: null,
        intent: null,
        updatedBy: principal.id,
      });
      await recordAudit(client, principal, 'draft.created', { documentId, revision: 1 });
    });
    return this.view(documentId);
  }

  async updateDraft(principal: Principal, documentId: string, content: DraftContent) {
    await withTransaction(this.options.pool, async (client) => {
      const draft = await this.lockedDraft(client, documentId);
      if (draft.intent && draft.intent.kind !== 'correction') {
        throw new RefusedError(
          'draft_locked',
          `a ${draft.intent.kind} draft releases the previous content unchanged; start a correction to edit it`,
        );
      }
      if (draft.revision > 1 && content.organisationCode !== draft.content.organisationCode) {
        throw new RefusedError('index_number_fixed', 'the organisation code cannot change after the 索引号 was assigned', [
          { field: 'content.organisationCode', reason: 'fixed once released' },
        ]);
      }
      await this.checkRelatedExist(client, documentId, content);
      // 一事一审: what was reviewed must be what is released, so any edit sends the draft back through 三审.
      await draftStore.saveDraft(client, { ...draft, content, reviews: [], confidentiality: null, updatedBy: principal.id });
      await recordAudit(
        client,
        principal,
        'draft.updated',
        { documentId, revision: draft.revision },
        { reviewsReset: draft.reviews.length },
      );
    });
    return this.view(documentId);
  }

  async maskPersonalData(principal: Principal, documentId: string) {
    await withTransaction(this.options.pool, async (client) => {
      const draft = await this.lockedDraft(client, documentId);
      const { content, masked } = maskPersonalData(draft.content, this.options.textPolicy);
      if (masked === 0) return;
      await draftStore.saveDraft(client, { ...draft, content, reviews: [], confidentiality: null, updatedBy: principal.id });
      await recordAudit(client, principal, 'draft.masked', { documentId, revision: draft.revision }, { masked });
    });
    return this.view(documentId);
  }

  async recordReview(principal: Principal, documentId: string, request: RecordReviewRequest) {
    await withTransaction(this.options.pool, async (client) => {
      const draft = await this.lockedDraft(client, documentId);
      const problems = reviewStepProblems(draft.reviews, request.stage, principal);
      if (problems.length > 0) throw new RefusedError('review_refused', problems.map((p) => p.reason).join('; '), problems);
      if (request.decision === 'rejected') {
        await draftStore.saveDraft(client, { ...draft, reviews: [], confidentiality: null, updatedBy: draft.updatedBy });
        await recordAudit(
          client,
          principal,
          'review.rejected',
          { documentId, revision: draft.revision },
          { stage: request.stage, comment: request.comment },
        );
        return;
      }
      const review = {
        stage: request.stage,
        reviewerId: principal.id,
        reviewerName: principal.name,
        reviewerRole: stageRoles[request.stage].title,
        decision: 'approved' as const,
        reviewedAt: new Date().toISOString(),
        comment: request.comment,
      };
      await draftStore.saveDraft(client, { ...draft, reviews: [...draft.reviews, review] as DraftRow['reviews'] });
      await recordAudit(client, principal, 'review.approved', { documentId, revision: draft.revision }, { stage: request.stage });
    });
    return this.view(documentId);
  }

  async recordConfidentialityReview(principal: Principal, documentId: string, request: ConfidentialityReviewRequest) {
    await withTransaction(this.options.pool, async (client) => {
      const draft = await this.lockedDraft(client, documentId);
      const confidentiality =
        request.conclusion === '不涉密'
          ? {
              reviewerId: principal.id,
              reviewerName: principal.name,
              reviewedAt: new Date().toISOString(),
              conclusion: '不涉密' as const,
              comment: request.comment,
            }
          : null;
      await draftStore.saveDraft(client, { ...draft, confidentiality });
      await recordAudit(client, principal, `confidentiality.${request.conclusion === '不涉密' ? 'cleared' : 'refused'}`, {
        documentId,
        revision: draft.revision,
      });
    });
    return this.view(documentId);
  }

  /** Opens the draft of the next revision of a released document. */
  async startRevision(principal: Principal, documentId: string, request: StartRevisionRequest) {
    await withTransaction(this.options.pool, async (client) => {
      const document = await draftStore.document(client, documentId, { lock: true });
      if (!document) throw notFound(documentId);
      if (await draftStore.draft(client, documentId))
        throw new HttpError(409, 'conflict', 'this document already has an open draft');
      const latest = await draftStore.latestRevision(client, documentId);
      if (!latest) throw new HttpError(409, 'conflict', 'the document has not been released yet: edit its draft instead');
      if (latest.record.status === 'withdrawn')
        throw new HttpError(409, 'conflict', 'a withdrawn document is not revised; create a new document');
      await draftStore.saveDraft(client, {
        documentId,
        revision: latest.revision + 1,
        content: contentOf(latest.record, document.organisationCode),
        reviews: [],
        confidentiality: null,
        intent: request,
        updatedBy: principal.id,
      });
      await recordAudit(
        client,
        principal,
        `revision.started`,
        { documentId, revision: latest.revision + 1 },
        { kind: request.kind, reason: request.reason },
      );
    });
    return this.view(documentId);
  }

  /** Releases the draft (and any never-released draft linked to it as policy ↔ interpretation) in one transaction. */
  async publish(principal: Principal, documentId: string, idempotencyKey: string): Promise<StoredAnswer> {
    const requestSha256 = requestFingerprint({ action: 'publish', documentId });
    const earlier = await previousAnswer(this.options.pool, principal, idempotencyKey, requestSha256);
    if (earlier) return earlier;

    const answer = await withTransaction(this.options.pool, async (client) => {
      const members = await releaseSetOf(client, documentId);
      await client.query('select id from documents where id = any($1) order by id for update', [members]);
      const repeated = await previousAnswer(client, principal, idempotencyKey, requestSha256);
      if (repeated) return repeated;

      const drafts = await Promise.all(members.map((id) => draftStore.draft(client, id)));
      const ready = drafts.filter((draft): draft is DraftRow => draft !== undefined);
      if (ready.length !== members.length || ready.length === 0) {
        throw new HttpError(409, 'conflict', `document ${documentId} has no draft to release`);
      }
      const { refusals, warnings } = await this.gate(client, ready);
      if (refusals.length > 0) throw refused(`release refused: ${refusals.length} problem(s); see errors`, refusals);

      const releasedAt = new Date().toISOString();
      const records: Array<{ record: DocumentRevision; draft: DraftRow }> = [];
      for (const draft of ready) {
        const previous = await draftStore.latestRevision(client, draft.documentId);
        const indexNumber = await assignIndexNumber(
          client,
          draft.documentId,
          draft.content.organisationCode,
          chinaYear(releasedAt),
        );
        const record = buildRevision({
          documentId: draft.documentId,
          revision: draft.revision,
          content: draft.content,
          indexNumber,
          reviews: draft.reviews,
          confidentiality: draft.confidentiality!,
          intent: draft.intent,
          ...(previous ? { previous: { record: previous.record, fingerprint: previous.fingerprint } } : {}),
          releasedAt,
        });
        records.push({ record, draft });
      }
      const linked = linkReleaseSet(records.map((entry) => entry.record));

      const released: PublishResult['released'] = [];
      for (const record of linked) {
        const checked = DocumentRevisionSchema.safeParse(record);
        if (!checked.success) {
          throw refused(
            'the release would not make a valid revision',
            describeZodIssues(checked.error).map((issue) => ({
              ...issue,
              rule: 'schema',
              documentId: record.documentId,
            })),
          );
        }
        const event = toContentPublished(checked.data);
        await draftStore.insertRevision(client, checked.data, event.fingerprint, principal.id);
        await draftStore.deleteDraft(client, record.documentId);
        await appendToOutbox(client, topics.contentPublished.name, this.options.bus.toWireRecord(topics.contentPublished, event));
        await recordAudit(
          client,
          principal,
          'revision.released',
          { documentId: record.documentId, revision: record.revision },
          {
            fingerprint: event.fingerprint,
            status: record.status,
            warnings: warnings.length,
          },
        );
        released.push({
          documentId: record.documentId,
          revision: record.revision,
          status: record.status,
          indexNumber: record.indexNumber,
          fingerprint: event.fingerprint,
          releasedAt,
        });
      }
      const result: StoredAnswer = { status: 201, body: { released, warnings } satisfies PublishResult };
      await rememberAnswer(client, principal, idempotencyKey, requestSha256, result);
      return result;
    });
    this.options.afterRelease();
    return answer;
  }

  async view(documentId: string) {
    const { pool } = this.options;
    const document = await draftStore.document(pool, documentId);
    if (!document) throw notFound(documentId);
    const [draft, revisions] = await Promise.all([draftStore.draft(pool, documentId), draftStore.revisions(pool, documentId)]);
    return {
      documentId,
      indexNumber: document.indexNumber,
      latestRevision: document.latestRevision,
      status: revisions.at(-1)?.status ?? 'draft',
      draft: draft && {
        revision: draft.revision,
        intent: draft.intent,
        content: draft.content,
        reviews: draft.reviews,
        confidentialityReview: draft.confidentiality,
        updatedBy: draft.updatedBy,
        updatedAt: draft.updatedAt,
        // What a release would say now, so editors fix it before reviewers spend time on it.
        screening: screenDraftText(draft.content, this.options.textPolicy),
      },
      revisions: revisions.map(({ revision, status, fingerprint, releasedAt, releasedBy }) => ({
        revision,
        status,
        fingerprint,
        releasedAt,
        releasedBy,
      })),
    };
  }

  async revision(documentId: string, revision: number) {
    const rows = await draftStore.revisions(this.options.pool, documentId);
    const row = rows.find((candidate) => candidate.revision === revision);
    if (!row) throw new HttpError(404, 'not_found', `document ${documentId} has no revision ${revision}`);
    return { fingerprint: row.fingerprint, releasedAt: row.releasedAt, revision: row.record };
  }

  async auditTrail(documentId: string) {
    if (!(await draftStore.document(this.options.pool, documentId))) throw notFound(documentId);
    const { rows } = await this.options.pool.query(
      'select at, actor_id, actor_name, action, revision, detail from audit_log where document_id = $1 order by id',
      [documentId],
    );
    return rows.map((row) => ({
      at: row.at.toISOString(),
      actorId: row.actor_id,
      actorName: row.actor_name,
      action: row.action,
      revision: row.revision,
      detail: row.detail,
    }));
  }

  /** Every gate, for every member of the release: refusals block, warnings are returned with the result. */
  private async gate(client: PoolClient, drafts: DraftRow[]): Promise<{ refusals: GateFinding[]; warnings: GateFinding[] }> {
    const refusals: GateFinding[] = [];
    const warnings: GateFinding[] = [];
    const members = new Set(drafts.map((draft) => draft.documentId));
    for (const draft of drafts) {
      const tag = (finding: GateFinding): GateFinding => ({ ...finding, documentId: draft.documentId });
      refusals.push(...reviewRecordProblems(draft.reviews, draft.confidentiality !== null).map(tag));
      if (draft.intent?.kind !== 'withdrawal') {
        refusals.push(...kindRequirementProblems(draft.content).map(tag));
        const text = screenDraftText(draft.content, this.options.textPolicy);
        refusals.push(...text.refusals.map(tag));
        warnings.push(...text.warnings.map(tag));
      }
      if (draft.content.requiresInterpretation && draft.intent === null) {
        const together = drafts.some(
          (other) =>
            other.content.kind === '政策解读' &&
            other.content.related.some((r) => r.relation === 'interprets' && r.documentId === draft.documentId),
        );
        const released = together || (await draftStore.releasedInterpretationsOf(client, draft.documentId)).length > 0;
        if (!released) {
          refusals.push(
            tag({
              field: 'content.requiresInterpretation',
              rule: 'interpretation.missing',
              reason:
                '政策解读三同步: this policy needs its interpretation; create a 政策解读 draft that interprets it (related: interprets) and pass 三审 for both — they are released together',
            }),
          );
        }
      }
      for (const [index, relation] of draft.content.related.entries()) {
        if (members.has(relation.documentId)) continue;
        const target = await draftStore.latestRevision(client, relation.documentId);
        if (target?.record.status !== 'published') {
          refusals.push(
            tag({
              field: `content.related[${index}].documentId`,
              rule: 'related.unreleased',
              reason: `linked document ${relation.documentId} is neither released nor released together with this one`,
            }),
          );
        }
      }
    }
    return { refusals, warnings };
  }

  private async lockedDraft(client: PoolClient, documentId: string): Promise<DraftRow> {
    const document = await draftStore.document(client, documentId, { lock: true });
    if (!document) throw notFound(documentId);
    const draft = await draftStore.draft(client, documentId);
    if (!draft) throw new HttpError(409, 'conflict', `document ${documentId} has no open draft; start a revision first`);
    return draft;
  }

  private async checkRelatedExist(client: PoolClient, documentId: string, content: DraftContent): Promise<void> {
    const problems: GateFinding[] = [];
    for (const [index, relation] of content.related.entries()) {
      if (relation.documentId === documentId)
        problems.push({
          field: `content.related[${index}].documentId`,
          rule: 'related.self',
          reason: 'a document cannot relate to itself',
        });
      else if (!(await draftStore.document(client, relation.documentId))) {
        problems.push({
          field: `content.related[${index}].documentId`,
          rule: 'related.unknown',
          reason: `no document ${relation.documentId}`,
        });
      }
    }
    if (problems.length > 0) throw new RefusedError('invalid_relation', problems.map((p) => p.reason).join('; '), problems);
  }
}

/** 索引号 years follow the calendar in China (UTC+8), not UTC. */
const chinaYear = (iso: string): number => new Date(Date.parse(iso) + 8 * 3_600_000).getUTCFullYear();

/** The editable content of a released revision, as the draft of the next one. */
const contentOf = (record: DocumentRevision, organisationCode: string): DraftContent => ({
  kind: record.kind,
  title: record.title,
  ...(record.shortTitle === undefined ? {} : { shortTitle: record.shortTitle }),
  issuingOrgans: record.issuingOrgans,
  docNumber: record.docNumber,
  topics: record.topics,
  writtenDate: record.writtenDate,
  validity: record.validity,
  openness: record.openness,
  body: record.body,
  attachments: record.attachments,
  related: record.related,
  targeting: record.targeting,
  organisationCode,
  requiresInterpretation: false,
});
