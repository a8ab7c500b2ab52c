// Real documents from shared/corpus, as editors would import them.
import { readFileSync } from 'node:fs';
import { type DraftContent, draftFromPlainDocument, PlainDocument } from '@tongyuan/contracts';

export const corpusNames = [
  'zigong-2022-task-division',
  'haishu-2019-work-plan',
  'hongqiao-amr-2019-work-plan',
  'laiyang-2024-work-plan',
] as const;
export const organisationCode = '11510300008589567Q';

export const corpusDraft = (name: (typeof corpusNames)[number]): DraftContent =>
  draftFromPlainDocument(
    PlainDocument.parse(JSON.parse(readFileSync(new URL(`../../../../shared/corpus/${name}.json`, import.meta.url), 'utf8'))),
    organisationCode,
  );

/** A short notice with one paragraph of the caller's choosing. */
export const noticeDraft = (paragraph: string, overrides: Partial<DraftContent> = {}): DraftContent => ({
  ...corpusDraft('haishu-2019-work-plan'),
  title: '关于开展政务公开专项检查的通知',
  body: [
    { type: 'heading', level: 1, numbering: '一、', text: '检查范围' },
    { type: 'paragraph', text: paragraph },
  ],
  ...overrides,
});
