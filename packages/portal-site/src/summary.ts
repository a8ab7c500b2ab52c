import type { DocumentKind, DocumentRevision } from '@tongyuan/contracts';
import { sha256Of } from './site.js';

/** What listings, the home page, feeds and search show of a document: small enough to store per document. */
export interface DocumentSummary {
  documentId: string;
  revision: number;
  fingerprint: string;
  title: string;
  kind: DocumentKind;
  /** lead issuing organ (the first of issuingOrgans) */
  issuingOrgan: string;
  docNumber: string | null;
  indexNumber: string;
  topics: string[];
  publishedAt: string;
  /** when this revision was released: correction.changedAt, or publishedAt for revision 1; the feed's <updated> */
  updatedAt: string;
  validity: '现行有效' | '失效' | '废止' | null;
  /** true when the document changed after its first release (a correction or a validity change) */
  corrected: boolean;
}

export const summaryOf = (revision: DocumentRevision, fingerprint: string): DocumentSummary => ({
  documentId: revision.documentId,
  revision: revision.revision,
  fingerprint,
  title: revision.title,
  kind: revision.kind,
  issuingOrgan: revision.issuingOrgans[0] ?? '',
  docNumber: revision.docNumber,
  indexNumber: revision.indexNumber,
  topics: [...revision.topics],
  publishedAt: revision.publishedAt,
  updatedAt: revision.correction?.changedAt ?? revision.publishedAt,
  validity: revision.validity?.status ?? null,
  corrected: revision.correction !== null,
});

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Newest first by publication instant, then by document id, so equal times still order the same way every run. */
export const newestFirst = (a: DocumentSummary, b: DocumentSummary): number =>
  Date.parse(b.publishedAt) - Date.parse(a.publishedAt) || compareText(b.documentId, a.documentId);

/** The tongyuan:content-fingerprint of a list: sha256 over the listed items' fingerprints, in the order shown. */
export const contentFingerprint = (items: ReadonlyArray<Pick<DocumentSummary, 'fingerprint'>>): string =>
  sha256Of(items.map((item) => item.fingerprint));
