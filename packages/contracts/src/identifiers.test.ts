import { describe, expect, it } from 'vitest';
import { DocumentId, newDocumentId, ObjectKey } from './identifiers.js';

describe('document ids', () => {
  it('are doc_ + a ULID and parse as DocumentId', () => {
    const id = newDocumentId();
    expect(id).toMatch(/^doc_[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(DocumentId.safeParse(id).success).toBe(true);
  });

  it('sort by creation time', () => {
    const zeros = new Uint8Array(10);
    expect(newDocumentId(1_650_000_000_000, zeros) < newDocumentId(1_650_000_000_001, zeros)).toBe(true);
    expect(newDocumentId(0, zeros)).toBe('doc_00000000000000000000000000');
  });

  it('reject 索引号, UUIDs and lowercase ULIDs', () => {
    for (const bad of [
      '11510300008589567Q/2022-00021',
      '3f2c1a7e-9d7b-4c1e-8f7a-0b8e6d5c4a21',
      'doc_01g1r4m5n6p7q8r9s0t1v2w3x4',
    ]) {
      expect(DocumentId.safeParse(bad).success).toBe(false);
    }
  });
});

describe('object keys', () => {
  it('accept built keys and refuse paths that escape or start with /', () => {
    expect(ObjectKey.safeParse('attachments/doc_01/3f2c.pdf').success).toBe(true);
    for (const bad of ['/a/b', 'a//b', 'a/../b', '..', 'a/./b', 'a b', '附件.pdf', '']) {
      expect(ObjectKey.safeParse(bad).success, bad).toBe(false);
    }
  });
});
