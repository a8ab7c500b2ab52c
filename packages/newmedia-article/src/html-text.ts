// Text into HTML: every value an editor typed goes through escapeHtml, so it can only ever be text.
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ENTITIES[c]!);

/** Cell text keeps its line breaks as <br>. */
export const linesHtml = (text: string): string =>
  text
    .split(/\r\n|\r|\n/)
    .map(escapeHtml)
    .join('<br>');

/** Short form readers can compare by eye, as the portal prints it; the full fingerprint is in meta tags and JSON. */
export const shortFingerprint = (fingerprint: string): string => fingerprint.replace(/^sha256:/, '').slice(0, 12);

/** The calendar date of an RFC 3339 time in its own offset (no Intl: output never depends on the machine's locale). */
export const dateOf = (iso: string): string => iso.slice(0, 10);

export const dateTimeOf = (iso: string): string => `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
