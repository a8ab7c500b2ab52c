import type { DocumentSummary, ListingRef } from '@tongyuan/portal-site';
import { listingPath } from '@tongyuan/portal-site';

/** A column of the site: which documents it lists, as a SQL condition over site_documents, and its title. */
export interface Listing extends ListingRef {
  where: string;
  params: unknown[];
}

type ListingKind = Parameters<typeof listingPath>[0];

const listing = (kind: ListingKind, title: string, where: string, params: unknown[] = [], value?: string): Listing => ({
  id: value === undefined ? kind : `${kind}:${value}`,
  title,
  path: listingPath(kind, value),
  where,
  params,
});

const normative = `summary->>'kind' in ('规章', '规范性文件')`;

/** 发布日期 years follow the calendar in China. */
export const chinaYear = (iso: string): string => String(new Date(Date.parse(iso) + 8 * 3_600_000).getUTCFullYear());

/** Every listing a document appears in; a listing is derived from the summaries, never stored. */
export const listingsOf = (summary: DocumentSummary): Listing[] => {
  const year = chinaYear(summary.publishedAt);
  const found = [
    listing('latest', '最新信息', 'true'),
    listing('catalogue', '政府信息公开目录', 'true'),
    listing('kind', summary.kind, `summary->>'kind' = $1`, [summary.kind], summary.kind),
    listing('organ', summary.issuingOrgan, `summary->>'issuingOrgan' = $1`, [summary.issuingOrgan], summary.issuingOrgan),
    listing('year', `${year}年`, `year = $1`, [year], year),
    ...summary.topics.map((topic) => listing('topic', topic, `summary->'topics' ? $1`, [topic], topic)),
  ];
  if (summary.kind === '规章' || summary.kind === '规范性文件') {
    if (summary.validity === '现行有效' || summary.validity === null) {
      found.push(
        listing(
          'normative-valid',
          '现行有效规范性文件',
          `${normative} and coalesce(summary->>'validity', '现行有效') = '现行有效'`,
        ),
      );
    } else if (summary.validity === '失效') {
      found.push(listing('normative-expired', '已失效规范性文件', `${normative} and summary->>'validity' = '失效'`));
    } else {
      found.push(listing('normative-repealed', '已废止规范性文件', `${normative} and summary->>'validity' = '废止'`));
    }
  }
  return found;
};

/** Listings in the order the navigation shows them. */
export const navOrder = (a: Listing, b: Listing): number => {
  const rank = (l: Listing) =>
    [
      'latest',
      'catalogue',
      'normative-valid',
      'normative-expired',
      'normative-repealed',
      'kind',
      'topic',
      'organ',
      'year',
    ].indexOf(l.id.split(':')[0] ?? '');
  return rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
};
