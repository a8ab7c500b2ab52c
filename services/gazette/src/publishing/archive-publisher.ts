import type { Pool } from '@tongyuan/database';
import { type ArchiveIssueSummary, issueLabel, renderArchivePages } from '@tongyuan/gazette-issue';
import type { ObjectStore } from '@tongyuan/object-store';
import { allIssues, type IssueRow } from '../issues/issue-ledger.js';

export interface ArchivePublisherOptions {
  pool: Pool;
  store: ObjectStore;
  gazetteTitle: string;
}

/** The archive pages (archive/index.html, archive/<YYYY>/index.html): every published and imported issue, with errata notes. */
export class ArchivePublisher {
  constructor(private readonly options: ArchivePublisherOptions) {}

  async summaries(): Promise<ArchiveIssueSummary[]> {
    const { pool } = this.options;
    const issues = await allIssues(pool);
    const byId = new Map(issues.map((issue) => [issue.issue_id, issue]));
    const published = issues.filter((issue) => issue.state === 'published');
    const counts = new Map(
      (
        await pool.query<{ issue_id: string; documents: number }>(
          'select issue_id, count(*)::int as documents from issue_documents group by issue_id',
        )
      ).rows.map((row) => [row.issue_id, row.documents]),
    );
    // A note appears once the erratum is printed: the issue carrying it is published.
    const errata = (
      await pool.query<{
        erratum_id: string;
        original_issue_id: string;
        issue_id: string;
        text: string;
        portal_url: string;
        document_title: string;
      }>(
        `select e.erratum_id, e.original_issue_id, e.issue_id, e.text, e.portal_url, e.document_title
         from errata e join issues i on i.issue_id = e.issue_id and i.state = 'published' order by e.created_at, e.erratum_id`,
      )
    ).rows;
    const fresh: ArchiveIssueSummary[] = published.map((issue) => ({
      year: issue.year,
      number: issue.number,
      total: issue.total,
      publishedOn: issue.published_on as string,
      title: `${this.options.gazetteTitle} ${issueLabel(issue)}`,
      documentCount: counts.get(issue.issue_id) ?? 0,
      pdfUrl: `/issues/${issue.issue_id}/gazette.pdf`,
      htmlUrl: `/issues/${issue.issue_id}/index.html`,
      historical: false,
      notes: errata
        .filter((erratum) => erratum.original_issue_id === issue.issue_id)
        .map((erratum) => ({
          kind: 'erratum' as const,
          text: `${issueLabel(byId.get(erratum.issue_id) as IssueRow)}刊登勘误：${erratum.text}`,
          erratumUrl: `/issues/${erratum.issue_id}/index.html#errata-heading`,
          correctedUrl: erratum.portal_url,
          documentTitle: erratum.document_title,
        })),
    }));
    const historical = (
      await pool.query<{
        issue_id: string;
        year: number;
        number: number;
        total: number;
        published_on: string;
        documents: number;
      }>(
        `select issue_id, year, number, total, to_char(published_on, 'YYYY-MM-DD') as published_on,
                jsonb_array_length(imported->'documents')::int as documents
         from historical_issues`,
      )
    ).rows.map(
      (issue): ArchiveIssueSummary => ({
        year: issue.year,
        number: issue.number,
        total: issue.total,
        publishedOn: issue.published_on,
        title: `${this.options.gazetteTitle} ${issueLabel(issue)}`,
        documentCount: issue.documents,
        pdfUrl: `/issues/${issue.issue_id}/gazette.pdf`,
        htmlUrl: `/issues/${issue.issue_id}/gazette.pdf`,
        historical: true,
        notes: [],
      }),
    );
    return [...fresh, ...historical].sort((a, b) => b.total - a.total);
  }

  /** Rewrites the archive pages that changed (putIfChanged: an unchanged year page is not written again). */
  async publish(): Promise<string[]> {
    const { index, years } = renderArchivePages(await this.summaries(), {
      gazetteTitle: this.options.gazetteTitle,
      searchUrl: '/search',
    });
    const written: string[] = [];
    const options = { contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=60' };
    for (const [year, page] of years) {
      const key = `archive/${year}/index.html`;
      if ((await this.options.store.putIfChanged(key, page, options)).written) written.push(key);
    }
    if ((await this.options.store.putIfChanged('archive/index.html', index, options)).written) written.push('archive/index.html');
    return written;
  }
}
