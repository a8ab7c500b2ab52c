// A client of the editors' API for load and chaos runs: every step retried through outages, none of them doubled.
import { type DraftContent, draftFromPlainDocument, type PlainDocument } from '@tongyuan/contracts';
import { staff } from '../services/editorial/src/staff.fixture.ts';

type Who = keyof typeof staff;

export interface Released {
  documentId: string;
  revision: number;
  fingerprint: string;
}

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: the editors' API answers are read field by field, as a script reads JSON
  body: any;
}

const retryable = (status: number) => status >= 500 || status === 408 || status === 429;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class EditorialClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: Record<string, string>,
    /** How long one call keeps retrying through an outage (a killed service, a restarting database). */
    private readonly patienceMs = 120_000,
  ) {}

  /** One call, retried on connection errors and 5xx until it answers; 4xx answers are returned, not thrown. */
  async call(who: Who, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const deadline = Date.now() + this.patienceMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.tokens[staff[who].id]}`,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            ...headers,
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        const answer = { status: response.status, body: text === '' ? null : JSON.parse(text) };
        if (!retryable(answer.status)) return answer;
        if (Date.now() > deadline) throw new Error(`${method} ${path}: ${answer.status} ${text}`);
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      await sleep(Math.min(2_000, 100 * attempt));
    }
  }

  private async expectOk(who: Who, method: string, path: string, body?: unknown, headers?: Record<string, string>) {
    const answer = await this.call(who, method, path, body, headers);
    if (answer.status >= 400) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  }

  /**
   * Records 三审 and 保密审查 on the open draft. A step whose answer was lost to a crash is found recorded on the retry
   * (the service refuses it twice), so the draft is read back rather than the refusal believed.
   */
  private async approve(documentId: string): Promise<void> {
    const steps = [
      ['officeHead', '自审'],
      ['leader', '审核'],
      ['principal', '批审'],
    ] as const;
    for (const [who, stage] of steps) {
      const answer = await this.call(who, 'POST', `/v1/documents/${documentId}/draft/reviews`, {
        stage,
        decision: 'approved',
        comment: null,
      });
      if (answer.status >= 400) {
        const view = await this.expectOk('editor', 'GET', `/v1/documents/${documentId}`);
        const recorded = (view.draft?.reviews ?? []).some((review: { stage: string }) => review.stage === stage);
        if (!recorded) throw new Error(`review ${stage} of ${documentId}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
    const answer = await this.call('confidentiality', 'POST', `/v1/documents/${documentId}/draft/confidentiality-review`, {
      conclusion: '不涉密',
      comment: null,
    });
    if (answer.status >= 400) {
      const view = await this.expectOk('editor', 'GET', `/v1/documents/${documentId}`);
      if (!view.draft?.confidentialityReview) {
        throw new Error(`保密审查 of ${documentId}: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
  }

  /** Publish with an idempotency key per (document, revision): a retried publish returns the first release. */
  private async publish(documentId: string, revision: number): Promise<Released> {
    const result = await this.expectOk('editor', 'POST', `/v1/documents/${documentId}/publish`, undefined, {
      'idempotency-key': `${documentId}.r${revision}`,
    });
    const released = (result.released as Released[]).find((entry) => entry.documentId === documentId);
    if (!released) throw new Error(`publish of ${documentId} released no revision of it`);
    return { documentId, revision: released.revision, fingerprint: released.fingerprint };
  }

  /** draft → 三审 → 保密审查 → publish. */
  async release(content: DraftContent): Promise<Released> {
    const created = await this.expectOk('editor', 'POST', '/v1/documents', { content });
    await this.approve(created.documentId);
    return this.publish(created.documentId, 1);
  }

  /** A correction: the next revision with a new body, reviewed and released like the first. */
  async correct(documentId: string, reason: string, edit: (content: DraftContent) => DraftContent): Promise<Released> {
    const view = await this.expectOk('editor', 'GET', `/v1/documents/${documentId}`);
    const next = (view.latestRevision as number) + 1;
    if (!view.draft) {
      const started = await this.call('editor', 'POST', `/v1/documents/${documentId}/revisions`, { kind: 'correction', reason });
      if (started.status >= 400 && started.status !== 409) {
        throw new Error(`correction of ${documentId}: ${started.status} ${JSON.stringify(started.body)}`);
      }
    }
    const draft = (await this.expectOk('editor', 'GET', `/v1/documents/${documentId}`)).draft;
    await this.expectOk('editor', 'PUT', `/v1/documents/${documentId}/draft`, { content: edit(draft.content) });
    await this.approve(documentId);
    return this.publish(documentId, next);
  }

  /** The latest released revision of a document, as the editors' service has it. */
  async latest(documentId: string): Promise<Released> {
    const view = await this.expectOk('editor', 'GET', `/v1/documents/${documentId}`);
    const last = (view.revisions as Array<{ revision: number; fingerprint: string }>).at(-1);
    if (!last) throw new Error(`${documentId} has no released revision`);
    return { documentId, revision: last.revision, fingerprint: last.fingerprint };
  }
}

/** The n-th variant of a sample: its own title and 文号, so a stream of them are distinct documents. */
export const variantOf = (sample: PlainDocument, n: number, organisationCode = '11510300008589567Q'): DraftContent => {
  const content = draftFromPlainDocument(sample, organisationCode);
  const year = sample.written_date?.slice(0, 4) ?? '2024';
  return {
    ...content,
    title: `${sample.title}（第${n + 1}稿）`,
    docNumber: content.docNumber === null ? null : content.docNumber.replace(/〔\d{4}〕\d+号/, `〔${year}〕${n + 1}号`),
  };
};
