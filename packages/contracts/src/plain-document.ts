import { z } from 'zod';
import { blocksFromParagraphs } from './blocks.js';
import { DocumentKind } from './document-revision.js';
import { type DraftContent, OrganisationCode } from './editorial-api.js';
import { IsoDate } from './identifiers.js';

/** A document as offices keep it outside the system (title, metadata, a list of paragraphs): what `import` reads. */
export const PlainDocument = z
  .looseObject({
    title: z.string().trim().min(1),
    agency: z.string().trim().min(1).describe('发文机关 full name'),
    doc_number: z.string().nullable(),
    written_date: IsoDate.nullable(),
    kind: DocumentKind,
    topics: z.array(z.string().trim().min(1)).min(1),
    recipients: z.string().optional().describe('主送机关, printed as the first line'),
    paragraphs: z.array(z.string()).min(1),
    organisation_code: OrganisationCode.optional(),
    requires_interpretation: z.boolean().optional().describe('政策解读 三同步: released only with its interpretation'),
  })
  .meta({ id: 'PlainDocument' });
export type PlainDocument = z.infer<typeof PlainDocument>;

/** The draft an import creates: paragraphs become structured blocks (一、 headings, （一） run-in headings, paragraphs). */
export const draftFromPlainDocument = (document: PlainDocument, fallbackOrganisationCode: string): DraftContent => {
  const normative = document.kind === '规章' || document.kind === '规范性文件';
  const lines = document.recipients === undefined ? document.paragraphs : [`${document.recipients}：`, ...document.paragraphs];
  return {
    kind: document.kind,
    title: document.title,
    issuingOrgans: [document.agency],
    docNumber: document.doc_number,
    topics: document.topics,
    writtenDate: document.written_date,
    validity: normative ? { status: '现行有效', effectiveFrom: document.written_date, expiresOn: null } : null,
    openness: '主动公开',
    body: blocksFromParagraphs(lines.filter((line) => line.trim() !== '')),
    attachments: [],
    related: [],
    targeting: { channels: [], sites: [], accounts: [], regions: [] },
    organisationCode: document.organisation_code ?? fallbackOrganisationCode,
    requiresInterpretation: document.requires_interpretation ?? false,
  };
};
