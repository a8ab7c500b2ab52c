// The whole public API of @tongyuan/gazette-issue: a closed gazette issue as pure functions.
// Frozen revisions in; the PDF, its manifest, desktop and mobile HTML and the archive pages out. No clock, no network,
// no file but the system's Noto CJK fonts: the same issue always gives byte-identical output, so a closed issue can be
// proven unchanged by its hash.

export {
  type ArchiveIssueSummary,
  type ArchiveNote,
  archiveYearPath,
  renderArchivePages,
} from './html/archive-pages.renderer.js';
export { issueDocumentPath, issueKeys, renderIssueHtml } from './html/issue-html.renderer.js';
export {
  assertPrintable,
  chineseDate,
  ERRATA_SECTION,
  type Erratum,
  erratumAnchor,
  type GazetteDocument,
  type GazetteIssue,
  type GazetteSection,
  type IssueLayout,
  type IssueLayoutDocument,
  type IssueRef,
  issueId,
  issueLabel,
} from './issue.js';
export { type IssueManifest, renderIssueManifest } from './issue-manifest.js';
export { type IssueOutput, renderIssueOutputs } from './issue-outputs.js';
export { type IssuePdfOptions, renderIssuePdf } from './pdf/issue-pdf.renderer.js';
