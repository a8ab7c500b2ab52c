import { createHash } from 'node:crypto';

export interface SiteConfig {
  siteId: string;
  title: string;
  /** absolute origin+path prefix, no trailing slash, e.g. http://127.0.0.1:8082 */
  baseUrl: string;
  pageSize: number;
}

export interface NavLink {
  title: string;
  /** a site path (e.g. listingPath('latest')) or an absolute http(s) URL */
  href: string;
}

/** The site's columns; the service passes only NON-EMPTY ones (no empty column is ever linked). */
export interface SiteNav {
  columns: NavLink[];
}

/** "sha256:" + hex of SHA-256 over the lines given, in order: what the tongyuan:*-fingerprint meta tags carry. */
export const sha256Of = (lines: readonly string[]): string =>
  `sha256:${createHash('sha256').update(lines.join('\n'), 'utf8').digest('hex')}`;

/** Every page carries it, so the service can tell when a change of columns means rewriting every page. */
export const navFingerprint = (nav: SiteNav): string => sha256Of(nav.columns.map((column) => `${column.title}\t${column.href}`));
