import type { ConfidentialityReview, DocumentRevision, DraftContent, Review, StartRevisionRequest } from '@tongyuan/contracts';
import type { Pool, PoolClient } from '@tongyuan/database';

export interface DocumentRow {
  id: string;
  organisationCode: string;
  indexNumber: string | null;
  latestRevision: number;
}

export interface DraftRow {
  documentId: string;
  revision: number;
  content: DraftContent;
  reviews: Review[];
  confidentiality: ConfidentialityReview | null;
  /** Set for revisions after the first: what kind of change, and why. */
  intent: StartRevisionRequest | null;
  updatedBy: string;
  updatedAt: string;
}

export interface RevisionRow {
  documentId: string;
  revision: number;
  status: string;
  fingerprint: string;
  record: DocumentRevision;
  releasedBy: string;
  releasedAt: string;
}

type Db = Pool | PoolClient;

/** SQL for documents, drafts and released revisions; the only place that knows the tables. */
export const draftStore = {
  async document(db: Db, id: string, { lock = false } = {}): Promise<DocumentRow | undefined> {
    const { rows } = await db.query(
      `select id, organisation_code, index_number, latest_revision from documents where id = $1${lock ? ' for update' : ''}`,
      [id],
    );
    const row = rows[0];
    return (
      row && {
        id: row.id,
        organisationCode: row.organisation_code,
        indexNumber: row.index_number,
        latestRevision: row.latest_revision,
      }
    );
  },

  async insertDocument(db: Db, id: string, organisationCode: string, createdBy: string): Promise<void> {
    await db.query('insert into documents (id, organisation_code, created_by) values ($1, $2, $3)', [
      id,
      organisationCode,
      createdBy,
    ]);
  },

  async draft(db: Db, documentId: string): Promise<DraftRow | undefined> {
    const { rows } = await db.query(
      'select document_id, revision, content, reviews, confidentiality, correction, updated_by, updated_at from drafts where document_id = $1',
      [documentId],
    );
    const row = rows[0];
    return (
      row && {
        documentId: row.document_id,
        revision: row.revision,
        content: row.content,
        reviews: row.reviews,
        confidentiality: row.confidentiality,
        intent: row.correction,
        updatedBy: row.updated_by,
        updatedAt: row.updated_at.toISOString(),
      }
    );
  },

  async saveDraft(db: Db, draft: Omit<DraftRow, 'updatedAt'>): Promise<void> {
    await db.query(
      `insert into drafts (document_id, revision, content, reviews, confidentiality, correction, updated_by, updated_at)
       values ($1, $2, $3, $4, $5, $6, $7, now())
       on conflict (document_id) do update set revision = excluded.revision, content = excluded.content, reviews = excluded.reviews,
         confidentiality = excluded.confidentiality, correction = excluded.correction, updated_by = excluded.updated_by, updated_at = now()`,
      [
        draft.documentId,
        draft.revision,
        JSON.stringify(draft.content),
        JSON.stringify(draft.reviews),
        draft.confidentiality === null ? null : JSON.stringify(draft.confidentiality),
        draft.intent === null ? null : JSON.stringify(draft.intent),
        draft.updatedBy,
      ],
    );
  },

  async deleteDraft(db: Db, documentId: string): Promise<void> {
    await db.query('delete from drafts where document_id = $1', [documentId]);
  },

  /** Drafts whose content links to the given document (an interpretation naming its policy, or the reverse). */
  async draftsRelatedTo(db: Db, documentId: string): Promise<string[]> {
    const { rows } = await db.query<{ document_id: string }>(
      `select document_id from drafts where content->'related' @> $1::jsonb order by document_id`,
      [JSON.stringify([{ documentId }])],
    );
    return rows.map((row) => row.document_id);
  },

  /** Released, still-published revisions that interpret the given document. */
  async releasedInterpretationsOf(db: Db, documentId: string): Promise<string[]> {
    const { rows } = await db.query<{ document_id: string }>(
      `select r.document_id from revisions r join documents d on d.id = r.document_id and d.latest_revision = r.revision
       where r.status = 'published' and r.record->'related' @> $1::jsonb`,
      [JSON.stringify([{ relation: 'interprets', documentId }])],
    );
    return rows.map((row) => row.document_id);
  },

  async insertRevision(db: Db, record: DocumentRevision, fingerprint: string, releasedBy: string): Promise<void> {
    await db.query(
      'insert into revisions (document_id, revision, status, fingerprint, record, released_by) values ($1, $2, $3, $4, $5, $6)',
      [record.documentId, record.revision, record.status, fingerprint, JSON.stringify(record), releasedBy],
    );
    // Only ever up: the primary key and this guard keep a revision number from being reused or skipped.
    const updated = await db.query('update documents set latest_revision = $2 where id = $1 and latest_revision = $2 - 1', [
      record.documentId,
      record.revision,
    ]);
    if (updated.rowCount !== 1) throw new Error(`revision ${record.revision} of ${record.documentId} is out of sequence`);
  },

  async revisions(db: Db, documentId: string): Promise<RevisionRow[]> {
    const { rows } = await db.query(
      'select document_id, revision, status, fingerprint, record, released_by, released_at from revisions where document_id = $1 order by revision',
      [documentId],
    );
    return rows.map((row) => ({
      documentId: row.document_id,
      revision: row.revision,
      status: row.status,
      fingerprint: row.fingerprint,
      record: row.record,
      releasedBy: row.released_by,
      releasedAt: row.released_at.toISOString(),
    }));
  },

  async latestRevision(db: Db, documentId: string): Promise<RevisionRow | undefined> {
    const all = await draftStore.revisions(db, documentId);
    return all.at(-1);
  },
};
