import { type DocumentRevision, normalizeText, revisionText } from '@tongyuan/contracts';
import type { Pool, PoolClient } from '@tongyuan/database';

type Db = Pool | PoolClient;

/** What search matches against: the visible text plus the numbers people search by. */
export const searchTextOf = (revision: DocumentRevision): string =>
  normalizeText(
    [revisionText(revision), revision.docNumber ?? '', revision.indexNumber, ...revision.issuingOrgans].join(' '),
  ).toLowerCase();

/** Overlapping character pairs, skipping spaces: 政务公开 → 政务, 务公, 公开. Works for Chinese without a dictionary. */
export const bigramsOf = (text: string): string[] => {
  const grams = new Set<string>();
  for (const run of text.toLowerCase().split(/\s+/)) {
    const chars = [...run];
    for (let index = 0; index + 1 < chars.length; index += 1) grams.add(`${chars[index]}${chars[index + 1]}`);
  }
  return [...grams];
};

/** Replaces the document's text and postings (its bigrams, GIN-indexed) in the caller's transaction. */
export const indexForSearch = async (client: PoolClient, documentId: string, text: string): Promise<void> => {
  await client.query(
    `insert into search_texts (document_id, text, bigrams) values ($1, $2, $3)
     on conflict (document_id) do update set text = excluded.text, bigrams = excluded.bigrams`,
    [documentId, text, bigramsOf(text)],
  );
};

export const removeFromSearch = async (client: PoolClient, documentId: string): Promise<void> => {
  await client.query('delete from search_texts where document_id = $1', [documentId]);
};

export interface SearchHit {
  documentId: string;
  excerpt: string;
}

/** Live documents containing the whole phrase: bigrams narrow, the stored text confirms; title matches first, then newest. */
export const searchPhrase = async (db: Db, query: string, limit = 50): Promise<SearchHit[]> => {
  const phrase = normalizeText(query).toLowerCase();
  if (phrase === '') return [];
  const grams = bigramsOf(phrase);
  const { rows } = await db.query<{ document_id: string; text: string }>(
    `select t.document_id, t.text
     from search_texts t join site_documents d on d.document_id = t.document_id and d.state = 'live'
     where ($1::text[] = '{}' or t.bigrams @> $1::text[])
       and strpos(t.text, $2) > 0
     order by (strpos(d.summary->>'title', $2) > 0) desc, d.published_at desc, t.document_id
     limit $3`,
    [grams, phrase, limit],
  );
  return rows.map((row) => ({ documentId: row.document_id, excerpt: excerptAround(row.text, phrase) }));
};

const excerptAround = (text: string, phrase: string, width = 60): string => {
  const at = text.indexOf(phrase);
  const start = Math.max(0, at - width);
  const end = Math.min(text.length, at + phrase.length + width);
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
};
