import {
  GazetteArrangement,
  GazetteCandidateChange,
  GazetteErratumEdit,
  GazetteIssueDetail,
  GazetteIssueSummary,
  GazetteRendition,
  GazetteSearchResult,
  HistoricalImportReport,
  HistoricalImportRequest,
} from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';
import { documentedRoutes, HttpError, type Route, route } from '@tongyuan/http';
import { z } from 'zod';
import type { HistoricalFolder } from '../history/historical-import.js';
import { listIssues } from '../issues/issue-ledger.js';
import type { IssueWorkflow } from '../issues/issue-workflow.js';
import { type SearchQuery, searchGazette } from '../search/gazette-search.js';

/** The role of every gazette mutation and of the workflow's reads. */
export const ARCHIVIST = 'archivist';

export interface GazetteUseCases {
  pool: Pool;
  workflow: IssueWorkflow;
  importHistory: (actor: { id: string; name: string }, folder: HistoricalFolder) => Promise<HistoricalImportReport>;
}

/** The search criteria of /search and /v1/search, from a query string. */
export const searchQueryFrom = (query: URLSearchParams): SearchQuery => {
  const year = query.get('year')?.trim();
  if (year && !/^\d{4}$/.test(year)) {
    throw new HttpError(400, 'invalid_input', 'year must be four digits', [{ field: 'query year', reason: 'not a year' }]);
  }
  const text = (name: string) => query.get(name)?.slice(0, 100) ?? undefined;
  return {
    q: text('q'),
    year: year ? Number(year) : undefined,
    issue: text('issue'),
    organ: text('organ'),
    docNumber: text('docNumber'),
  };
};

const id = (params: Record<string, string>, name: string) => params[name] ?? '';

/** The gazette's API, one table: path, roles, body schema, use case. */
export const gazetteRoutes = ({ pool, workflow, importHistory }: GazetteUseCases): Route[] => {
  const access = [ARCHIVIST];
  const routes: Route[] = [
    route({
      method: 'GET',
      path: '/v1/issues',
      summary: 'Every issue, newest first: open, closed and published',
      access,
      response: z.array(GazetteIssueSummary),
      handle: async () => ({ body: await listIssues(pool) }),
    }),
    route({
      method: 'GET',
      path: '/v1/issues/open',
      summary: 'The open issue (the earliest, when several months are open) with its candidates, sections and errata',
      access,
      response: GazetteIssueDetail,
      handle: async () => {
        const open = (await listIssues(pool)).filter((issue) => issue.state === 'open').sort((a, b) => a.total - b.total)[0];
        if (!open) throw new HttpError(404, 'not_found', 'no issue is open: one opens when the next candidate arrives');
        return { body: await workflow.detail(open.issueId) };
      },
    }),
    route({
      method: 'GET',
      path: '/v1/issues/{issueId}',
      summary: 'One issue with its candidates by section, the excluded ones and its errata',
      access,
      response: GazetteIssueDetail,
      handle: async ({ params }) => ({ body: await workflow.detail(id(params, 'issueId')) }),
    }),
    route({
      method: 'PATCH',
      path: '/v1/issues/{issueId}/candidates/{documentId}',
      summary: 'Include or exclude a candidate, move it to another section, or one place up or down',
      access,
      body: GazetteCandidateChange,
      response: GazetteIssueDetail,
      handle: async ({ principal, params, body }) => ({
        body: await workflow.changeCandidate(principal, id(params, 'issueId'), id(params, 'documentId'), body),
      }),
    }),
    route({
      method: 'PUT',
      path: '/v1/issues/{issueId}/arrangement',
      summary: 'Arrange the whole issue: sections and order; candidates not listed are excluded',
      access,
      body: GazetteArrangement,
      response: GazetteIssueDetail,
      handle: async ({ principal, params, body }) => ({ body: await workflow.arrange(principal, id(params, 'issueId'), body) }),
    }),
    route({
      method: 'PUT',
      path: '/v1/issues/{issueId}/errata/{erratumId}',
      summary: 'Reword an erratum (勘误) while its issue is open',
      access,
      body: GazetteErratumEdit,
      response: GazetteIssueDetail,
      handle: async ({ principal, params, body }) => ({
        body: await workflow.editErratum(principal, id(params, 'issueId'), id(params, 'erratumId'), body.text),
      }),
    }),
    route({
      method: 'POST',
      path: '/v1/issues/{issueId}/preview',
      summary: 'Render the issue as it stands to previews/<id>/ (PDF and HTML); nothing public changes',
      access,
      response: GazetteRendition,
      handle: async ({ principal, params }) => ({ body: await workflow.preview(principal, id(params, 'issueId')) }),
    }),
    route({
      method: 'POST',
      path: '/v1/issues/{issueId}/close',
      summary: '截稿: freeze the exact revisions and fingerprints the issue carries',
      access,
      response: GazetteIssueDetail,
      handle: async ({ principal, params }) => ({ body: await workflow.close(principal, id(params, 'issueId')) }),
    }),
    route({
      method: 'POST',
      path: '/v1/issues/{issueId}/approve',
      summary: 'Approve a closed issue: a second archivist, not the one who closed it (四眼原则)',
      access,
      response: GazetteIssueDetail,
      handle: async ({ principal, params }) => ({ body: await workflow.approve(principal, id(params, 'issueId')) }),
    }),
    route({
      method: 'POST',
      path: '/v1/issues/{issueId}/publish',
      summary: 'Publish a closed, approved issue to S3 (PDF, manifest, HTML, archive); idempotent, never rewritten',
      access,
      response: GazetteRendition,
      handle: async ({ principal, params }) => ({ body: await workflow.publish(principal, id(params, 'issueId')) }),
    }),
    route({
      method: 'POST',
      path: '/v1/history/imports',
      summary: '历史公报入库: import past issues (issues.json entries + PDFs); bad files are reported by name',
      access,
      body: HistoricalImportRequest,
      response: HistoricalImportReport,
      handle: async ({ principal, body }) => {
        const files = new Map(body.files.map((file) => [file.name, Buffer.from(file.contentBase64, 'base64')]));
        return { body: await importHistory(principal, { issues: body.issues, files }) };
      },
    }),
    route({
      method: 'GET',
      path: '/v1/search',
      summary:
        'Full-text search over published and historical issues: q (title words, 文号, phrases), year, issue, organ, docNumber',
      access: 'public',
      response: GazetteSearchResult,
      handle: async ({ query }) => ({ body: await searchGazette(pool, searchQueryFrom(query)) }),
    }),
  ];
  return documentedRoutes(
    {
      title: 'tongyuan gazette API',
      version: '1.0.0',
      description: '政府公报: candidates, the archivists’ workflow (close, approve, publish), errata, search, historical import',
    },
    routes,
  );
};
