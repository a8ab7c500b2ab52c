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

// Every page of a run carries the same nav: the last one's fingerprint is kept rather than hashed again per page.
let lastNav: { text: string; fingerprint: string } | null = null;

/** Every page carries it, so the service can tell when a change of columns means rewriting every page. */
export const navFingerprint = (nav: SiteNav): string => {
  const lines = nav.columns.map((column) => `${column.title}\t${column.href}`);
  const text = lines.join('\n');
  if (lastNav === null || lastNav.text !== text) lastNav = { text, fingerprint: sha256Of(lines) };
  return lastNav.fingerprint;
};
