// Test data: real documents from shared/corpus as canonical revisions. Not part of the public API.
import { readFileSync } from 'node:fs';
import { blocksFromParagraphs } from './blocks.js';
import type { DocumentKind, DocumentRevision } from './document-revision.js';
import { newDocumentId } from './identifiers.js';

export interface CorpusDocument {
  title: string;
  agency: string;
  doc_number: string | null;
  written_date: string | null;
  published_at: string;
  kind: string;
  topics: string[];
  attachments: string[];
  recipients?: string;
  paragraphs: string[];
}

export type CorpusName =
  | 'zigong-2022-task-division'
  | 'haishu-2019-work-plan'
  | 'hongqiao-amr-2019-work-plan'
  | 'laiyang-2024-work-plan';

/** shared/ sits beside the repository, locally and in CI. */
export const readCorpus = (name: CorpusName): CorpusDocument =>
  JSON.parse(readFileSync(new URL(`../../../../shared/corpus/${name}.json`, import.meta.url), 'utf8')) as CorpusDocument;

// Made-up but well-formed 索引号 organisation codes, one per corpus document.
const indexNumbers: Record<CorpusName, string> = {
  'zigong-2022-task-division': '11510300008589567Q/2022-00021',
  'haishu-2019-work-plan': '00815908-5/2019-00001',
  'hongqiao-amr-2019-work-plan': '11120106MB1C38271X/2019-00007',
  'laiyang-2024-work-plan': '113706820045637541/2024-00112',
};

/** Review times before publication: 自审 two days ahead, 审核 the day before, 批审 and 保密审查 that morning. */
const hoursBefore = (iso: string, hours: number): string => {
  const offset = iso.slice(-6);
  const local = new Date(Date.parse(iso) - hours * 3_600_000 + Number(offset.slice(0, 3)) * 3_600_000);
  return `${local.toISOString().slice(0, 19)}${offset}`;
};

export const revisionFromCorpus = (name: CorpusName): DocumentRevision => {
  const doc = readCorpus(name);
  const publishedAt = doc.published_at;
  const paragraphs = doc.recipients === undefined ? doc.paragraphs : [`${doc.recipients}:`, ...doc.paragraphs];
  const kind = doc.kind as DocumentKind;
  const normative = kind === '规章' || kind === '规范性文件';
  return {
    documentId: newDocumentId(Date.parse(publishedAt), new TextEncoder().encode(name.padEnd(10, '-'))),
    revision: 1,
    status: 'published',
    kind,
    title: doc.title,
    issuingOrgans: [doc.agency],
    docNumber: doc.doc_number,
    indexNumber: indexNumbers[name],
    topics: doc.topics,
    writtenDate: doc.written_date,
    publishedAt,
    validity: normative ? { status: '现行有效', effectiveFrom: doc.written_date, expiresOn: null } : null,
    openness: '主动公开',
    body: blocksFromParagraphs(paragraphs),
    attachments: doc.attachments.map((fileName, i) => ({
      id: `att${i + 1}`,
      title: fileName.replace(/\.[^.]+$/, ''),
      fileName,
      key: `attachments/${i + 1}.docx`,
      sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      size: 18_432,
    })),
    related: [],
    targeting: { channels: [], sites: [], accounts: [], regions: [] },
    reviews: [
      {
        stage: '自审',
        reviewerId: 'staff-0101',
        reviewerName: '王明',
        reviewerRole: '科室负责人',
        decision: 'approved',
        reviewedAt: hoursBefore(publishedAt, 48),
        comment: null,
      },
      {
        stage: '审核',
        reviewerId: 'staff-0102',
        reviewerName: '李华',
        reviewerRole: '分管领导',
        decision: 'approved',
        reviewedAt: hoursBefore(publishedAt, 24),
        comment: '同意发布',
      },
      {
        stage: '批审',
        reviewerId: 'staff-0103',
        reviewerName: '张强',
        reviewerRole: '主要负责人',
        decision: 'approved',
        reviewedAt: hoursBefore(publishedAt, 2),
        comment: null,
      },
    ],
    confidentialityReview: {
      reviewerId: 'staff-0201',
      reviewerName: '赵敏',
      reviewedAt: hoursBefore(publishedAt, 3),
      conclusion: '不涉密',
      comment: null,
    },
    correction: null,
  };
};

/** 自贡市2022年政务公开重点工作任务分工方案 (自府办函〔2022〕21号), a 规范性文件. */
export const zigongRevision = (): DocumentRevision => revisionFromCorpus('zigong-2022-task-division');
