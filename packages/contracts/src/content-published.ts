import { z } from 'zod';
import { DocumentRevision } from './document-revision.js';
import { sourceFingerprint } from './fingerprint.js';
import { Fingerprint } from './identifiers.js';

/**
 * content.published v1: one revision of one document, whole. Corrections, withdrawals and validity
 * changes are later revisions in the same event, so the latest message per key is the document's state.
 */
export const ContentPublished = z
  .strictObject({
    version: z.literal('v1'),
    fingerprint: Fingerprint.describe('源指纹 sourceFingerprint(revision); checked by verifyFingerprint, not by the schema'),
    revision: DocumentRevision,
  })
  .describe('内容发布 content.published: a document revision released for every carrier');
export type ContentPublished = z.infer<typeof ContentPublished>;

/** The one way to build the event: the fingerprint is computed, never copied. */
export const toContentPublished = (revision: DocumentRevision): ContentPublished => ({
  version: 'v1',
  fingerprint: sourceFingerprint(revision),
  revision,
});

export interface FingerprintCheck {
  ok: boolean;
  /** What the revision hashes to now. */
  expected: string;
  /** What the event carries. */
  actual: string;
}

/** Recomputes the fingerprint; a mismatch means the revision was altered after it was fingerprinted. */
export const verifyFingerprint = (event: Pick<ContentPublished, 'fingerprint' | 'revision'>): FingerprintCheck => {
  const expected = sourceFingerprint(event.revision);
  return { ok: expected === event.fingerprint, expected, actual: event.fingerprint };
};
