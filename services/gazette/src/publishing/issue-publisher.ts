import { createHash } from 'node:crypto';
import { type GazetteRendition, gazetteSectionOrder, revisionText } from '@tongyuan/contracts';
import { type Pool, withTransaction } from '@tongyuan/database';
import {
  type Erratum,
  type GazetteIssue,
  issueLabel,
  renderIssueHtml,
  renderIssueManifest,
  renderIssuePdf,
} from '@tongyuan/gazette-issue';
import type { Logger } from '@tongyuan/logger';
import type { ObjectStore, PutOptions } from '@tongyuan/object-store';
import { releasedAtOf } from '@tongyuan/observability';
import type { DeliveryStep } from '../candidates/candidate-filing.js';
import { shanghaiDate } from '../issues/issue-calendar.js';
import {
  type Archivist,
  allIssues,
  candidatesOf,
  erratumRowsOf,
  frozenDocumentsOf,
  type IssueRow,
  requireIssue,
} from '../issues/issue-ledger.js';
import { indexIssue } from '../search/gazette-search.js';
import type { ArchivePublisher } from './archive-publisher.js';

export interface IssuePublisherOptions {
  pool: Pool;
  store: ObjectStore;
  archive: ArchivePublisher;
  gazetteTitle: string;
  portalBaseUrl: string;
  logger: Logger;
  /** Publish-to-live latency per document: an issue is when the gazette's copy goes live. */
  metrics?: { observePublishToLive(channel: string, releasedAt: string): void };
}

/** The fixed keys of an issue: the ops audit reads these. */
export const issueKeys = (issueId: string, prefix = 'issues/') => ({
  folder: `${prefix}${issueId}/`,
  pdf: `${prefix}${issueId}/gazette.pdf`,
  manifest: `${prefix}${issueId}/manifest.json`,
  desktop: `${prefix}${issueId}/index.html`,
  mobile: `${prefix}${issueId}/mobile.html`,
  document: (documentId: string) => `${prefix}${issueId}/documents/${documentId}.html`,
});

interface Rendered {
  rendition: GazetteRendition;
  objects: Array<{ key: string; body: Buffer | string; options: PutOptions }>;
  issue: GazetteIssue;
  pageOf: Map<string, number>;
}

const html = 'text/html; charset=utf-8';

/** Renders an issue (pure renderer) and writes it: previews to previews/<id>/, published issues once to issues/<id>/. */
export class IssuePublisher {
  constructor(private readonly options: IssuePublisherOptions) {}

  /** The issue as it stands: frozen revisions once closed, the included candidates while open. */
  private async gazetteIssue(row: IssueRow, publishedOn: string, closedAt: string): Promise<GazetteIssue> {
    const { pool } = this.options;
    const documents =
      row.state === 'open'
        ? (await candidatesOf(pool, row.issue_id))
            .filter((candidate) => candidate.included)
            .map((candidate) => ({
              record: candidate.record,
              fingerprint: candidate.fingerprint,
              section: candidate.section,
              position: candidate.position,
            }))
        : await frozenDocumentsOf(pool, row.issue_id);
    const issues = new Map((await allIssues(pool)).map((issue) => [issue.issue_id, issue]));
    const errata: Erratum[] = (await erratumRowsOf(pool, row.issue_id)).map((erratum) => {
      const original = issues.get(erratum.original_issue_id) as IssueRow;
      return {
        id: erratum.erratum_id,
        text: erratum.text,
        documentId: erratum.document_id,
        correctedRevision: erratum.corrected_revision,
        originalIssue: { year: original.year, number: original.number, total: original.total },
        portalUrl: erratum.portal_url,
      };
    });
    return {
      gazetteTitle: this.options.gazetteTitle,
      year: row.year,
      number: row.number,
      total: row.total,
      publishedOn,
      closedAt,
      sections: gazetteSectionOrder
        .filter((name) => name !== '勘误')
        .map((name) => ({
          name,
          documents: documents
            .filter((document) => document.section === name)
            .sort((a, b) => a.position - b.position)
            .map((document) => ({ revision: document.record, fingerprint: document.fingerprint })),
        })),
      errata,
      portalBaseUrl: this.options.portalBaseUrl,
    };
  }

  private async render(issue: GazetteIssue, issueId: string, prefix: string): Promise<Rendered> {
    const keys = issueKeys(issueId, prefix);
    const { pdf, layout } = await renderIssuePdf(issue);
    const pdfSha256 = createHash('sha256').update(pdf).digest('hex');
    const manifest = renderIssueManifest(issue, layout, pdfSha256);
    const pages = renderIssueHtml(issue, layout, { pdfUrl: 'gazette.pdf', archiveUrl: '/archive/' });
    const issueMetadata = { 'issue-id': issueId, 'pdf-sha256': pdfSha256 };
    const documentObjects = [...pages.documents].map(([documentId, body]) => {
      const carried = issue.sections.flatMap((section) => section.documents).find((d) => d.revision.documentId === documentId);
      return {
        key: keys.document(documentId),
        body,
        options: {
          contentType: html,
          cacheControl: 'public, max-age=300',
          ...(carried
            ? { provenance: { documentId, revision: carried.revision.revision, fingerprint: carried.fingerprint } }
            : {}),
          metadata: { 'issue-id': issueId },
        },
      };
    });
    // The manifest goes last: once it is there, everything it lists is there.
    const objects = [
      {
        key: keys.pdf,
        body: pdf,
        options: { contentType: 'application/pdf', cacheControl: 'public, max-age=300', metadata: issueMetadata },
      },
      ...documentObjects,
      {
        key: keys.desktop,
        body: pages.desktop,
        options: { contentType: html, cacheControl: 'public, max-age=300', metadata: issueMetadata },
      },
      {
        key: keys.mobile,
        body: pages.mobile,
        options: { contentType: html, cacheControl: 'public, max-age=300', metadata: issueMetadata },
      },
      {
        key: keys.manifest,
        body: manifest,
        options: { contentType: 'application/json', cacheControl: 'public, max-age=300', metadata: issueMetadata },
      },
    ];
    return {
      issue,
      objects,
      pageOf: new Map(layout.documents.map((document) => [document.documentId, document.startPage])),
      rendition: {
        issueId,
        pageCount: layout.pageCount,
        pdfSha256,
        keys: objects.map((object) => object.key),
        pdfUrl: `/${keys.pdf}`,
        htmlUrl: `/${keys.desktop}`,
      },
    };
  }

  /** Renders the issue as it stands now to previews/<id>/ (open or closed); nothing public changes. */
  async preview(issueId: string): Promise<GazetteRendition> {
    const row = await requireIssue(this.options.pool, issueId);
    if (row.state === 'published') return row.rendition as GazetteRendition;
    const now = new Date();
    const issue = await this.gazetteIssue(row, shanghaiDate(now), row.closed?.at ?? now.toISOString());
    const rendered = await this.render(issue, issueId, 'previews/');
    for (const object of rendered.objects) await this.options.store.put(object.key, object.body, object.options);
    return {
      ...rendered.rendition,
      pdfUrl: `/desk/${rendered.rendition.keys[0]}`,
      htmlUrl: `/desk/previews/${issueId}/index.html`,
    };
  }

  /**
   * Publishes a closed, approved issue. The publish date is fixed in the database before anything is written, and the
   * renderer is pure, so a publish that crashed midway re-renders identical bytes; once published, nothing is written again.
   */
  async publish(
    issueId: string,
    actor: Archivist,
  ): Promise<{ firstTime: boolean; rendition: GazetteRendition; steps: DeliveryStep[] }> {
    const { pool, store } = this.options;
    const row = await withTransaction(pool, async (client) => {
      const locked = await requireIssue(client, issueId, true);
      if (locked.state === 'closed' && locked.published_on === null) {
        await client.query('update issues set published_on = $2, published = $3 where issue_id = $1', [
          issueId,
          shanghaiDate(new Date()),
          JSON.stringify(actor),
        ]);
        return requireIssue(client, issueId);
      }
      return locked;
    });
    if (row.state === 'published') {
      // Nothing is written again; the statuses are, so a publish whose report was lost can be completed by asking again.
      return { firstTime: false, rendition: row.rendition as GazetteRendition, steps: await this.deliveredSteps(issueId) };
    }

    const issue = await this.gazetteIssue(row, row.published_on as string, row.closed?.at as string);
    const rendered = await this.render(issue, issueId, 'issues/');
    for (const object of rendered.objects) await store.putIfChanged(object.key, object.body, object.options);

    const keys = issueKeys(issueId);
    const frozen = await frozenDocumentsOf(pool, issueId);
    await withTransaction(pool, async (client) => {
      await client.query("update issues set state = 'published', rendition = $2 where issue_id = $1", [
        issueId,
        JSON.stringify(rendered.rendition),
      ]);
      await indexIssue(
        client,
        issueId,
        frozen.map((document) => ({
          entryId: `${issueId}/${document.document_id}`,
          issueId,
          year: row.year,
          number: row.number,
          total: row.total,
          historical: false,
          documentId: document.document_id,
          title: document.record.title,
          docNumber: document.record.docNumber,
          organ: document.record.issuingOrgans.join('、'),
          page: rendered.pageOf.get(document.document_id) ?? 1,
          url: `/${keys.document(document.document_id)}`,
          text: revisionText(document.record),
        })),
      );
    });
    await this.options.archive.publish();
    this.options.logger.info({ issueId, label: issueLabel(row), pages: rendered.rendition.pageCount }, 'issue published');
    for (const document of frozen) this.options.metrics?.observePublishToLive('gazette', releasedAtOf(document.record));

    const steps = await this.deliveredSteps(issueId);
    return { firstTime: true, rendition: rendered.rendition, steps };
  }

  /** What a published issue delivered, per document (and per erratum's corrected revision), with its artifact keys. */
  private async deliveredSteps(issueId: string): Promise<DeliveryStep[]> {
    const keys = issueKeys(issueId);
    const common = [keys.pdf, keys.manifest, keys.desktop, keys.mobile];
    const frozen = await frozenDocumentsOf(this.options.pool, issueId);
    const errata = await erratumRowsOf(this.options.pool, issueId);
    return [
      ...frozen.map((document) => ({
        documentId: document.document_id,
        revision: document.revision,
        fingerprint: document.fingerprint,
        target: issueId,
        state: 'delivered' as const,
        artifactKeys: [...common, keys.document(document.document_id)],
      })),
      ...errata.map((erratum) => ({
        documentId: erratum.document_id,
        revision: erratum.corrected_revision,
        fingerprint: erratum.corrected_fingerprint,
        target: issueId,
        state: 'delivered' as const,
        artifactKeys: common,
      })),
    ];
  }
}
