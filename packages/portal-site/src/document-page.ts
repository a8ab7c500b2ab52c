import { type Correction, correctionNoticeOf, type DocumentRevision, type Validity } from '@tongyuan/contracts';
import { bodyViews } from './body-blocks.js';
import { canonicalJsonOf } from './canonical-json.js';
import { dateOf, dateTimeOf } from './display-format.js';
import { chromeOf, type MetaTag } from './layout.js';
import { attachmentView } from './media.js';
import type { SiteConfig, SiteNav } from './site.js';
import { documentPath, resolveHref, siteUrl } from './site-paths.js';
import type { DocumentSummary } from './summary.js';
import { renderTemplate } from './templates.js';

export interface RevisionHistoryEntry {
  revision: number;
  fingerprint: string;
  status: 'published' | 'withdrawn';
  correction: Correction | null;
}

export interface RelatedLink {
  documentId: string;
  relation: 'interprets' | 'interpretedBy';
  title: string;
  /** null when the target is not live on this site */
  href: string | null;
}

export interface DocumentPageInput {
  revision: DocumentRevision;
  fingerprint: string;
  history: RevisionHistoryEntry[];
  related: RelatedLink[];
  /** the repealing document (validity.repealedBy) as the site knows it; absent = link its page by id */
  repealedBy?: { title: string; href: string | null };
}

export const documentUrl = (config: SiteConfig, documentId: string): string =>
  siteUrl(config, `${documentPath(documentId)}index.html`);
export const documentJsonUrl = (config: SiteConfig, documentId: string): string =>
  siteUrl(config, `${documentPath(documentId)}index.json`);

const documentMetas = (documentId: string, revision: number, fingerprint: string): MetaTag[] => [
  { name: 'tongyuan:document-id', content: documentId },
  { name: 'tongyuan:revision', content: String(revision) },
  { name: 'tongyuan:fingerprint', content: fingerprint },
];

const validityText = (validity: Validity | null): string => {
  if (validity === null) return '不适用';
  switch (validity.status) {
    case '现行有效': {
      const from = validity.effectiveFrom === null ? '' : `，自 ${validity.effectiveFrom} 起施行`;
      const until = validity.expiresOn === null ? '' : `，有效期至 ${validity.expiresOn}`;
      return `现行有效${from}${until}`;
    }
    case '失效':
      return `已失效（${validity.expiredOn} 失效）`;
    case '废止':
      return `已废止（${validity.repealedOn} 废止）`;
  }
};

const metadataRows = (revision: DocumentRevision) => [
  { label: '索引号', value: revision.indexNumber, datetime: null },
  { label: '主题分类', value: revision.topics.join('、'), datetime: null },
  { label: '发文机关', value: revision.issuingOrgans.join('、'), datetime: null },
  { label: '成文日期', value: revision.writtenDate ?? '未注明', datetime: revision.writtenDate },
  { label: '发文字号', value: revision.docNumber ?? '无', datetime: null },
  { label: '发布日期', value: dateOf(revision.publishedAt), datetime: revision.publishedAt },
  { label: '有效性', value: validityText(revision.validity), datetime: null },
];

const validityBanner = (input: DocumentPageInput, config: SiteConfig) => {
  const validity = input.revision.validity;
  if (validity === null || validity.status === '现行有效') return null;
  if (validity.status === '失效') {
    return {
      heading: '本文件已失效',
      dateLabel: '失效日期',
      date: validity.expiredOn,
      advice: '本文仅供查阅，不再作为依据。',
      repealedBy: null,
    };
  }
  const repealedBy =
    validity.repealedBy === null
      ? null
      : (input.repealedBy ?? { title: '废止本文件的文件', href: documentUrl(config, validity.repealedBy) });
  return {
    heading: '本文件已废止',
    dateLabel: '废止日期',
    date: validity.repealedOn,
    advice: '本文仅供查阅，不再作为依据。',
    repealedBy:
      repealedBy === null
        ? null
        : { title: repealedBy.title, href: repealedBy.href === null ? null : resolveHref(config, repealedBy.href) },
  };
};

/** Short form readers can compare by eye; the full fingerprint is in the meta tags and the JSON view. */
export const shortFingerprint = (fingerprint: string): string => fingerprint.replace(/^sha256:/, '').slice(0, 12);

const historyRows = (input: DocumentPageInput) => {
  const { revision } = input;
  const current: RevisionHistoryEntry = {
    revision: revision.revision,
    fingerprint: input.fingerprint,
    status: revision.status,
    correction: revision.correction,
  };
  // The page's own revision is always listed, even when the service's history lags behind it.
  const entries = [...input.history.filter((entry) => entry.revision !== revision.revision), current].sort(
    (a, b) => a.revision - b.revision,
  );
  if (entries.length <= 1 && revision.revision === 1) return null;
  return entries.map((entry) => {
    const time = entry.correction?.changedAt ?? (entry.revision === 1 ? revision.publishedAt : null);
    return {
      revision: entry.revision,
      current: entry.revision === revision.revision,
      statusLabel: entry.status === 'withdrawn' ? '已撤回' : '已发布',
      time,
      timeText: time === null ? '' : dateTimeOf(time),
      note: entry.correction === null ? '首次发布' : entry.correction.reason,
      fingerprintShort: shortFingerprint(entry.fingerprint),
    };
  });
};

const relationLabels = { interprets: '解读的政策文件', interpretedBy: '政策解读' } as const;

export function renderDocumentPage(input: DocumentPageInput, nav: SiteNav, config: SiteConfig): string {
  const { revision } = input;
  const canonical = documentUrl(config, revision.documentId);
  const jsonHref = documentJsonUrl(config, revision.documentId);
  return renderTemplate('document', {
    chrome: chromeOf(
      {
        pageTitle: revision.title,
        canonical,
        metas: documentMetas(revision.documentId, revision.revision, input.fingerprint),
        alternates: [{ type: 'application/json', title: '本文的数据格式（JSON）', href: jsonHref }],
      },
      nav,
      config,
    ),
    title: revision.title,
    validityBanner: validityBanner(input, config),
    metadata: metadataRows(revision),
    correction: correctionNoticeOf(revision),
    blocks: bodyViews(revision.body, revision.attachments, config),
    attachments: revision.attachments.map((attachment) => attachmentView(attachment, config)),
    related: input.related.map((link) => ({
      label: relationLabels[link.relation],
      title: link.title,
      href: link.href === null ? null : resolveHref(config, link.href),
    })),
    history: historyRows(input),
    jsonHref,
  });
}

/**
 * The same source for other systems: the revision as released, its fingerprint and its URLs, in RFC 8785 canonical
 * JSON so the bytes never depend on key order. Review records are left out: they name staff and are never published.
 */
export function renderDocumentJson(input: DocumentPageInput, config: SiteConfig): string {
  const { reviews: _reviews, confidentialityReview: _confidentialityReview, ...record } = input.revision;
  return canonicalJsonOf({
    version: 'v1',
    siteId: config.siteId,
    documentId: input.revision.documentId,
    revision: input.revision.revision,
    fingerprint: input.fingerprint,
    canonicalUrl: documentUrl(config, input.revision.documentId),
    jsonUrl: documentJsonUrl(config, input.revision.documentId),
    omitted: ['reviews', 'confidentialityReview'],
    record,
    history: [...input.history].sort((a, b) => a.revision - b.revision),
    related: input.related.map((link) => ({ ...link, href: link.href === null ? null : resolveHref(config, link.href) })),
  });
}

/** The notice served at a withdrawn document's URL, so old links explain themselves; kept out of search engines. */
export function renderWithdrawnPage(
  summary: DocumentSummary,
  reason: string,
  withdrawnRevision: number,
  withdrawnFingerprint: string,
  nav: SiteNav,
  config: SiteConfig,
): string {
  return renderTemplate('withdrawn', {
    chrome: chromeOf(
      {
        pageTitle: '该信息已撤回',
        canonical: documentUrl(config, summary.documentId),
        metas: documentMetas(summary.documentId, withdrawnRevision, withdrawnFingerprint),
        robots: 'noindex',
      },
      nav,
      config,
    ),
    title: summary.title,
    reason,
    metadata: [
      { label: '索引号', value: summary.indexNumber },
      { label: '发文机关', value: summary.issuingOrgan },
      { label: '发文字号', value: summary.docNumber ?? '无' },
      { label: '发布日期', value: dateOf(summary.publishedAt) },
    ],
  });
}
