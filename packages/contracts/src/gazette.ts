import { z } from 'zod';
import { DocNumber } from './document-numbers.js';
import { DocumentKind } from './document-revision.js';
import { DocumentId, Fingerprint, IsoDate, IsoDateTime, ObjectKey, RevisionNumber, StaffId } from './identifiers.js';

// The gazette service's API bodies: the archivists' workflow, the archive search, the historical import.

export const GazetteIssueId = z
  .string()
  .regex(/^\d{4}-\d{2}$/, 'issue id must be <year>-<two-digit number>, e.g. 2026-03')
  .describe('期号标识 issue id: year and number within the year, e.g. 2026-03 = 2026年第3期');
export type GazetteIssueId = z.infer<typeof GazetteIssueId>;

/** The sections an issue is arranged in, in print order; 勘误 holds the errata of earlier issues. */
export const GazetteSectionName = z
  .enum(['规章', '规范性文件', '政策解读', '人事任免', '其他', '勘误'])
  .describe('栏目 section of an issue');
export type GazetteSectionName = z.infer<typeof GazetteSectionName>;
export const gazetteSectionOrder: readonly GazetteSectionName[] = GazetteSectionName.options;

export const GazetteIssueState = z
  .enum(['open', 'closed', 'published'])
  .describe('open = 编辑中 (candidates arrive), closed = 已截稿 (revisions frozen), published = 已出版 (never rewritten)');
export type GazetteIssueState = z.infer<typeof GazetteIssueState>;

const Archivist = z.strictObject({ id: StaffId, name: z.string().min(1), at: IsoDateTime });

export const GazetteIssueSummary = z
  .strictObject({
    issueId: GazetteIssueId,
    year: z.number().int().min(1949),
    number: z.number().int().min(1).describe('第N期 within the year'),
    total: z.number().int().min(1).describe('总第N期, running across years'),
    label: z.string().describe('e.g. 2026年第3期（总第321期）'),
    releaseMonth: z
      .string()
      .regex(/^\d{4}-\d{2}$/)
      .describe('the month (Asia/Shanghai) whose releases the issue carries'),
    state: GazetteIssueState,
    closed: Archivist.nullable().describe('who closed it (截稿), and when'),
    approved: Archivist.nullable().describe('the second archivist who approved it (四眼原则)'),
    published: Archivist.nullable(),
    documentCount: z.number().int().min(0).describe('documents included (open) or frozen (closed, published)'),
  })
  .describe('公报期次 one issue of the gazette');
export type GazetteIssueSummary = z.infer<typeof GazetteIssueSummary>;

export const GazetteCandidate = z
  .strictObject({
    documentId: DocumentId,
    revision: RevisionNumber,
    fingerprint: Fingerprint,
    title: z.string(),
    kind: DocumentKind,
    docNumber: DocNumber.nullable(),
    issuingOrgan: z.string(),
    publishedAt: IsoDateTime,
    included: z.boolean().describe('false = excluded by an archivist; kept so it can be included again'),
    section: GazetteSectionName,
    position: z.number().int().min(1).describe('order within the section, from 1'),
  })
  .describe('候选文件 a released revision filed for an issue (frozen at close)');
export type GazetteCandidate = z.infer<typeof GazetteCandidate>;

export const GazetteErratum = z
  .strictObject({
    erratumId: z.string().regex(/^[a-z0-9_-]+$/i),
    documentId: DocumentId,
    documentTitle: z.string(),
    correctedRevision: RevisionNumber,
    correctedFingerprint: Fingerprint,
    originalIssueId: GazetteIssueId,
    originalIssueLabel: z.string(),
    text: z.string().min(1).describe('勘误 wording: proposed from the correction block, editable while the issue is open'),
    editedBy: Archivist.nullable(),
    portalUrl: z.url().describe('where the corrected text is'),
  })
  .describe('勘误 an erratum carried by this issue about a document of an earlier one');
export type GazetteErratum = z.infer<typeof GazetteErratum>;

export const GazetteIssueDetail = z
  .strictObject({
    issue: GazetteIssueSummary,
    sections: z.array(z.strictObject({ name: GazetteSectionName, candidates: z.array(GazetteCandidate) })),
    excluded: z.array(GazetteCandidate),
    errata: z.array(GazetteErratum),
  })
  .describe('an issue with its candidates by section (included ones in order), the excluded ones and the errata');
export type GazetteIssueDetail = z.infer<typeof GazetteIssueDetail>;

export const GazetteCandidateChange = z
  .strictObject({
    included: z.boolean().optional().describe('include (true) or exclude (false)'),
    section: GazetteSectionName.exclude(['勘误']).optional().describe('move to this section (at its end)'),
    move: z.enum(['up', 'down']).optional().describe('one place up or down within its section'),
  })
  .refine((change) => Object.values(change).some((value) => value !== undefined), 'say what changes')
  .describe('an archivist’s change to one candidate');
export type GazetteCandidateChange = z.infer<typeof GazetteCandidateChange>;

export const GazetteArrangement = z
  .strictObject({
    sections: z
      .array(
        z.strictObject({
          name: GazetteSectionName.exclude(['勘误']),
          documentIds: z.array(DocumentId).describe('the included candidates of this section, in order'),
        }),
      )
      .min(1),
  })
  .describe('the whole arrangement at once: every included candidate exactly once; the rest are excluded');
export type GazetteArrangement = z.infer<typeof GazetteArrangement>;

export const GazetteErratumEdit = z
  .strictObject({ text: z.string().trim().min(10).max(2000).describe('the new wording') })
  .describe('an archivist’s wording of an erratum');
export type GazetteErratumEdit = z.infer<typeof GazetteErratumEdit>;

export const GazetteRendition = z
  .strictObject({
    issueId: GazetteIssueId,
    pageCount: z.number().int().min(1),
    pdfSha256: z.string().regex(/^[0-9a-f]{64}$/),
    keys: z.array(ObjectKey).describe('objects written (preview or issue keys)'),
    pdfUrl: z.string(),
    htmlUrl: z.string(),
  })
  .describe('what a preview or a publish wrote');
export type GazetteRendition = z.infer<typeof GazetteRendition>;

export const HistoricalIssueMetadata = z
  .strictObject({
    year: z.number().int().min(1949).max(2100),
    number: z.number().int().min(1).max(99),
    total: z.number().int().min(1),
    publishedOn: IsoDate,
    file: z
      .string()
      .regex(/^[^/\\]+\.pdf$/i, 'a PDF file name in the folder, without a path')
      .describe('the scanned or typeset PDF of the issue'),
    documents: z
      .array(
        z.strictObject({
          title: z.string().min(1),
          docNumber: z.string().min(1).nullable().optional(),
          organ: z.string().min(1).nullable().optional(),
          page: z.number().int().min(1).describe('the page of the PDF the document starts on'),
        }),
      )
      .min(1),
  })
  .describe('历史公报 one past issue as listed in issues.json');
export type HistoricalIssueMetadata = z.infer<typeof HistoricalIssueMetadata>;

export const HistoricalImportRequest = z
  .strictObject({
    issues: z.array(z.unknown()).min(1).describe('the entries of issues.json; each is checked on its own'),
    files: z
      .array(z.strictObject({ name: z.string().min(1), contentBase64: z.string() }))
      .describe('the PDFs of the folder, by file name'),
  })
  .describe('历史公报入库 a folder of past issues: their metadata and their PDFs');
export type HistoricalImportRequest = z.infer<typeof HistoricalImportRequest>;

export const HistoricalImportReport = z
  .strictObject({
    imported: z.array(
      z.strictObject({ issueId: GazetteIssueId, file: z.string(), pages: z.number().int(), documents: z.number().int() }),
    ),
    rejected: z.array(z.strictObject({ file: z.string(), reason: z.string() })).describe('bad or unreadable files, by name'),
    nextTotal: z.number().int().describe('总第N期 the next new issue will carry'),
  })
  .describe('what the import took in and what it refused, by file name');
export type HistoricalImportReport = z.infer<typeof HistoricalImportReport>;

export const GazetteSearchHit = z
  .strictObject({
    issueId: GazetteIssueId,
    issueLabel: z.string(),
    historical: z.boolean(),
    documentId: DocumentId.nullable().describe('null for documents of historical issues'),
    title: z.string(),
    docNumber: z.string().nullable(),
    organ: z.string().nullable(),
    page: z.number().int().min(1).describe('the page of the issue PDF the document starts on'),
    url: z.string().describe('the document page, or the PDF at its page for historical issues'),
    excerpt: z.string(),
  })
  .describe('one document of an issue matching the search');
export type GazetteSearchHit = z.infer<typeof GazetteSearchHit>;

export const GazetteSearchResult = z
  .strictObject({
    total: z.number().int().describe('documents matching; estimated from a sample when totalExact is false'),
    totalExact: z.boolean().describe('false when a very common phrase matched more documents than were read to confirm it'),
    hits: z.array(GazetteSearchHit),
  })
  .describe('全文检索 results, title matches first, then newest issue');
export type GazetteSearchResult = z.infer<typeof GazetteSearchResult>;
