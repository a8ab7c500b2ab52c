import { createHash } from 'node:crypto';
import { describeZodIssues, type HistoricalImportReport, HistoricalIssueMetadata } from '@tongyuan/contracts';
import { type Pool, withTransaction } from '@tongyuan/database';
import { issueId as issueIdOf } from '@tongyuan/gazette-issue';
import type { ObjectStore } from '@tongyuan/object-store';
import { audit, nextNumbers } from '../issues/issue-ledger.js';
import type { Actor } from '../issues/issue-workflow.js';
import { indexIssue, type SearchEntry } from '../search/gazette-search.js';
import { readPdfText } from './pdf-text.js';

export interface HistoricalImportOptions {
  pool: Pool;
  store: ObjectStore;
  pdfTimeoutMs: number;
  totalOffset: number;
}

/** A folder of past issues: issues.json's entries and the files beside it, by name. */
export interface HistoricalFolder {
  issues: readonly unknown[];
  files: ReadonlyMap<string, Buffer>;
}

type Rejected = HistoricalImportReport['rejected'][number];

/** 历史公报入库: each issue on its own; a bad one is reported by file name with the reason, the rest go in. */
export const importHistoricalIssues = async (
  options: HistoricalImportOptions,
  actor: Actor,
  folder: HistoricalFolder,
): Promise<HistoricalImportReport> => {
  const imported: HistoricalImportReport['imported'] = [];
  const rejected: Rejected[] = [];
  const listed = new Set<string>();
  for (const [index, raw] of folder.issues.entries()) {
    const named =
      typeof (raw as { file?: unknown })?.file === 'string' ? (raw as { file: string }).file : `issues.json[${index}]`;
    listed.add(named);
    const parsed = HistoricalIssueMetadata.safeParse(raw);
    if (!parsed.success) {
      const reason = describeZodIssues(parsed.error)
        .map((issue) => `${issue.field}: ${issue.reason}`)
        .join('; ');
      rejected.push({ file: named, reason: `metadata invalid: ${reason}` });
      continue;
    }
    const outcome = await importOne(options, actor, parsed.data, folder.files.get(parsed.data.file));
    if ('reason' in outcome) rejected.push({ file: parsed.data.file, reason: outcome.reason });
    else imported.push(outcome);
  }
  for (const name of folder.files.keys()) {
    if (!listed.has(name)) rejected.push({ file: name, reason: 'not listed in issues.json' });
  }
  const { total } = await nextNumbers(options.pool, new Date().getFullYear(), options.totalOffset);
  return { imported, rejected, nextTotal: total };
};

const importOne = async (
  options: HistoricalImportOptions,
  actor: Actor,
  metadata: HistoricalIssueMetadata,
  bytes: Buffer | undefined,
): Promise<HistoricalImportReport['imported'][number] | { reason: string }> => {
  if (!bytes) return { reason: 'missing from the folder' };
  const issueId = issueIdOf(metadata);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const clash = await options.pool.query<{ issue_id: string; historical: boolean; pdf_sha256: string | null }>(
    `select issue_id, false as historical, null as pdf_sha256 from issues where issue_id = $1 or total = $2
     union all select issue_id, true, pdf_sha256 from historical_issues where issue_id = $1 or total = $2`,
    [issueId, metadata.total],
  );
  const same = clash.rows.find((row) => row.historical && row.issue_id === issueId && row.pdf_sha256 === sha256);
  if (same) return { issueId, file: metadata.file, pages: 0, documents: metadata.documents.length }; // imported before: nothing to do
  if (clash.rows.length > 0) {
    const other = clash.rows[0] as { issue_id: string };
    return { reason: `issue ${issueId} (总第${metadata.total}期) clashes with issue ${other.issue_id} already in the archive` };
  }
  const reading = await readPdfText(bytes, options.pdfTimeoutMs);
  if (!reading.ok) return { reason: reading.reason };
  const pageCount = reading.pages.length;
  const late = metadata.documents.find((document) => document.page > pageCount);
  if (late) return { reason: `《${late.title}》 starts on page ${late.page}, but the PDF has ${pageCount} pages` };

  const pdfKey = `issues/${issueId}/gazette.pdf`;
  await options.store.put(pdfKey, bytes, {
    contentType: 'application/pdf',
    cacheControl: 'public, max-age=31536000, immutable',
    metadata: { 'issue-id': issueId, historical: 'true' },
  });
  const starts = metadata.documents.map((document) => document.page);
  const entries: SearchEntry[] = metadata.documents.map((document, index) => {
    // A document runs from its page to the page before the next one starts (or to the end).
    const following = starts.filter((page) => page > document.page);
    const end = following.length > 0 ? Math.max(document.page, Math.min(...following) - 1) : pageCount;
    return {
      entryId: `${issueId}/h${index + 1}`,
      issueId,
      year: metadata.year,
      number: metadata.number,
      total: metadata.total,
      historical: true,
      documentId: null,
      title: document.title,
      docNumber: document.docNumber ?? null,
      organ: document.organ ?? null,
      page: document.page,
      url: `/issues/${issueId}/gazette.pdf#page=${document.page}`,
      text: reading.pages.slice(document.page - 1, end).join('\n'),
    };
  });
  await withTransaction(options.pool, async (client) => {
    await client.query(
      `insert into historical_issues (issue_id, year, number, total, published_on, file, pdf_sha256, page_count, imported)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        issueId,
        metadata.year,
        metadata.number,
        metadata.total,
        metadata.publishedOn,
        metadata.file,
        sha256,
        pageCount,
        JSON.stringify(metadata),
      ],
    );
    await indexIssue(client, issueId, entries);
    await audit(client, actor, 'history.import', issueId, { file: metadata.file, sha256, pages: pageCount });
  });
  return { issueId, file: metadata.file, pages: pageCount, documents: metadata.documents.length };
};
