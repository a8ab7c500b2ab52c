// Publishing documents the way editors and reviewers do it, through the editors' API: draft → 三审 → 保密审查 → publish.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { draftFromPlainDocument, PlainDocument } from '@tongyuan/contracts';
import { staff } from '../services/editorial/src/staff.fixture.ts';

/** A sample as shipped: the plain document, and, for a 政策解读, the file name of the policy it interprets. */
export interface SampleDocument {
  file: string;
  raw: PlainDocument & { interprets?: string };
}

export const readSamples = async (folder: string): Promise<SampleDocument[]> => {
  const files = (await readdir(folder)).filter((file) => file.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => ({ file, raw: JSON.parse(await readFile(join(folder, file), 'utf8')) })));
};

type Tokens = Record<string, string>;

/** The draft content an editor enters for a sample (as the editors' API receives it). */
export const contentOfSample = (sample: SampleDocument, organisationCode = '11510300008589567Q') =>
  draftFromPlainDocument(PlainDocument.parse(sample.raw), organisationCode);

/**
 * Drafts, reviews and publishes each sample not in `published` (file → document id), policies before the interpretations
 * that name them (one publish releases both). Returns `published` with the new releases added.
 */
export const publishSamples = async (
  editorialUrl: string,
  tokens: Tokens,
  samples: readonly SampleDocument[],
  published: Record<string, string> = {},
  organisationCode?: string,
): Promise<Record<string, string>> => {
  const call = async (who: keyof typeof staff, method: string, path: string, body?: unknown, headers: Tokens = {}) => {
    const response = await fetch(`${editorialUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[staff[who].id]}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const answer = (await response.json()) as { documentId: string; released: Array<{ documentId: string }> };
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  const byFile = new Map(samples.map((sample) => [sample.file, sample]));
  const order = [...samples].sort((a, b) => Number(Boolean(a.raw.interprets)) - Number(Boolean(b.raw.interprets)));
  const created: Record<string, string> = {};
  const pending: string[] = [];
  for (const sample of order) {
    const { file, raw } = sample;
    if (published[file]) continue;
    const content = contentOfSample(sample, organisationCode);
    const policy = raw.interprets ? (created[raw.interprets] ?? published[raw.interprets]) : undefined;
    if (raw.interprets && policy) {
      content.related = [
        { relation: 'interprets', documentId: policy, title: byFile.get(raw.interprets)?.raw.title ?? raw.interprets },
      ];
    }
    const view = await call('editor', 'POST', '/v1/documents', { content });
    created[file] = view.documentId;
    for (const [who, stage] of [
      ['officeHead', '自审'],
      ['leader', '审核'],
      ['principal', '批审'],
    ] as const) {
      await call(who, 'POST', `/v1/documents/${view.documentId}/draft/reviews`, { stage, decision: 'approved', comment: null });
    }
    await call('confidentiality', 'POST', `/v1/documents/${view.documentId}/draft/confidentiality-review`, {
      conclusion: '不涉密',
      comment: null,
    });
    pending.push(file);
  }
  const result = { ...published };
  for (const file of pending) {
    if (result[file]) continue;
    const answer = await call('editor', 'POST', `/v1/documents/${created[file]}/publish`, undefined, {
      'idempotency-key': `sample-${created[file]}`,
    });
    for (const entry of answer.released) {
      const releasedFile = Object.keys(created).find((name) => created[name] === entry.documentId);
      if (releasedFile) result[releasedFile] = entry.documentId;
    }
  }
  return result;
};
