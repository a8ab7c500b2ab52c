// Hostile input straight onto content.published (issue 8): every bad record is dead-lettered with a reason naming the
// field, the valid events behind it are delivered on every carrier, no service crashes, and no vector runs in Chromium
// on any portal, H5, gazette or ops page — checked with the pages' CSP bypassed, so the escaping alone is what holds.
import { readDeadLetter } from '@tongyuan/bus';
import { type DocumentRevision, normalizeText, revisionText, topics } from '@tongyuan/contracts';
import { launchChromium, readTopic, waitFor } from '@tongyuan/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { staff } from '../services/editorial/src/staff.fixture.ts';
import { type HostileRun, hostileTest as test } from './hostile-input.fixture.ts';
import { domAuditScript, type XssVector } from './xss-vectors.ts';

/** White space removed, the form the ops same-source audit compares. */
const squeezed = (text: string): string => normalizeText(text).replace(/\s+/g, '');

const metaOf = (html: string, name: string): string | undefined =>
  new RegExp(`<meta name="${name.replace(':', '\\:')}" content="([^"]*)"`).exec(html)?.[1];

const hex = (text: string): string => Buffer.from(text, 'utf8').toString('hex');

interface PageReport {
  url: string;
  status: number;
  /** What would betray a vector that ran or became markup: dialogs, the flag, logs, errors, requests, DOM findings. */
  executed: string[];
  /** document.body.innerText. */
  text: string;
  /** The text of the [data-tongyuan-text] elements, joined. */
  marked: string;
  title: string;
  alts: string[];
}

let browser: Browser | undefined;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a page as a reader would, with the page's CSP bypassed, and reports every sign of a vector at work. */
const visit = async (url: string, headers: Record<string, string> = {}): Promise<PageReport> => {
  if (!browser) throw new Error('no browser');
  const context = await browser.newContext({ bypassCSP: true, extraHTTPHeaders: headers });
  const page = await context.newPage();
  const executed: string[] = [];
  page.on('dialog', (dialog) => {
    executed.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss().catch(() => {});
  });
  page.on('console', (message) => {
    if (/XSS|alert|__xss/i.test(message.text())) executed.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => executed.push(`page error: ${error.message}`));
  page.on('request', (request) => {
    const requested = new URL(request.url());
    if (requested.hostname === 'xss.invalid' || /\/x(\.png|\.css)?$/.test(requested.pathname)) {
      executed.push(`request: ${request.url()}`);
    }
  });
  try {
    const response = await page.goto(url, { waitUntil: 'load' });
    // onerror, ontoggle, autofocus and srcdoc frames fire just after load.
    await page.waitForTimeout(300);
    const flag = await page.evaluate('window.__xss');
    if (flag !== undefined) executed.push(`window.__xss = ${String(flag)}`);
    executed.push(...((await page.evaluate(domAuditScript)) as string[]));
    const text = (await page.evaluate('document.body.innerText')) as string;
    const marked = (await page.evaluate(
      `[...document.querySelectorAll('[data-tongyuan-text]')].map((element) => element.textContent).join('\\n')`,
    )) as string;
    const title = (await page.evaluate('document.title')) as string;
    const alts = (await page.evaluate(`[...document.querySelectorAll('img[alt]')].map((image) => image.alt)`)) as string[];
    return { url, status: response?.status() ?? 0, executed, text, marked, title, alts };
  } finally {
    await context.close();
  }
};

const expectInert = (report: PageReport) => {
  expect(report.status, report.url).toBe(200);
  expect(report.executed, report.url).toEqual([]);
};

/** Every vector shows as the text it is, where it was put. */
const expectShown = (report: PageReport, vectors: readonly XssVector[], where: 'text' | 'marked' = 'text') => {
  const shown = squeezed(where === 'text' ? report.text : report.marked);
  const missing = vectors.filter((vector) => !shown.includes(squeezed(vector.text))).map((vector) => vector.name);
  expect(missing, `${report.url}: vectors not shown as text`).toEqual([]);
};

/** The marked text is the revision's, as the same-source audit compares it. */
const expectSameSource = (report: PageReport, revision: DocumentRevision) => {
  expect(squeezed(report.marked), report.url).toBe(squeezed(revisionText(revision)));
};

const bearer = (run: HostileRun, id: string) => ({ authorization: `Bearer ${run.tokens[id] ?? ''}` });

describe('hostile input on content.published', { timeout: 180_000 }, () => {
  test('the valid events behind the hostile ones are live on the portal, in the feeds and H5 pages, and filed in the gazette', async ({
    run,
  }) => {
    const { pipeline } = run;
    const live = [...run.xssDocuments.map((document) => document.revision), run.huge, run.forgedTarget];
    for (const revision of live) {
      const page = await waitFor(
        async () => {
          const response = await fetch(`${pipeline.url('portal')}/documents/${revision.documentId}/`);
          return response.ok ? await response.text() : undefined;
        },
        { what: `the portal page of ${revision.documentId}`, timeoutMs: 90_000, intervalMs: 300 },
      );
      expect(metaOf(page, 'tongyuan:document-id')).toBe(revision.documentId);
      expect(metaOf(page, 'tongyuan:revision')).toBe('1');
    }
    // The forged revision 2 never reached a reader: revision 1 and its text stay.
    const forged = await (await fetch(`${pipeline.url('portal')}/documents/${run.forgedTarget.documentId}/`)).text();
    expect(forged).toContain('原始正文，未经篡改。');
    expect(forged).not.toContain('篡改后的正文');
    // 900 KB of text, whole, on one page.
    const huge = await (await fetch(`${pipeline.url('portal')}/documents/${run.huge.documentId}/`)).text();
    expect(Buffer.byteLength(huge)).toBeGreaterThan(900_000);

    // New media: each account's feed carries the XSS documents at their fingerprints, and an H5 page for each.
    for (const account of run.accounts) {
      const wanted = run.xssDocuments.map((document) => document.revision);
      if (account === 'zigong-fabu') wanted.push(run.huge, run.forgedTarget);
      const items = await waitFor(
        async () => {
          const response = await fetch(`${pipeline.url('newmedia')}/accounts/${account}/feed.json`);
          if (!response.ok) return undefined;
          const feed = (await response.json()) as {
            items: Array<{ _tongyuan: { document_id: string; revision: number; fingerprint: string } }>;
          };
          const carried = new Set(feed.items.map((item) => item._tongyuan.document_id));
          return wanted.every((revision) => carried.has(revision.documentId)) ? feed.items : undefined;
        },
        { what: `${account}: every valid document in the feed`, timeoutMs: 90_000, intervalMs: 500 },
      );
      for (const revision of wanted) {
        const item = items.find((candidate) => candidate._tongyuan.document_id === revision.documentId);
        expect(item?._tongyuan.revision).toBe(1);
        const h5 = await fetch(`${pipeline.url('newmedia')}/accounts/${account}/articles/${revision.documentId}/`);
        expect(h5.status).toBe(200);
        expect(metaOf(await h5.text(), 'tongyuan:fingerprint')).toBe(item?._tongyuan.fingerprint);
      }
    }

    // The gazette: the four 规范性文件 are the open issue's candidates.
    const candidates = await waitFor(
      async () => {
        const response = await fetch(`${pipeline.url('gazette')}/v1/issues/open`, { headers: bearer(run, staff.archivist.id) });
        if (!response.ok) return undefined;
        const open = (await response.json()) as { sections: Array<{ candidates: Array<{ documentId: string }> }> };
        const all = open.sections.flatMap((section) => section.candidates.map((candidate) => candidate.documentId));
        return all.length === run.xssDocuments.length ? all : undefined;
      },
      { what: 'the XSS documents as gazette candidates', timeoutMs: 90_000, intervalMs: 500 },
    );
    expect(candidates.sort()).toEqual(run.xssDocuments.map((document) => document.revision.documentId).sort());
  });

  test('every hostile record is dead-lettered by every consumer group, byte for byte, with its code and a reason naming the field', async ({
    run,
    servers,
  }) => {
    const groups = 4; // portal, newmedia, gazette, ops (its revisions)
    const letters = (
      await readTopic(servers.kafkaBrokers, `${run.pipeline.topicPrefix}${topics.contentPublished.deadLetterTopic}`, {
        count: run.cases.length * groups,
        timeoutMs: 120_000,
        settleMs: 2_000,
      })
    ).map(readDeadLetter);
    expect(letters.length, 'no valid event was dead-lettered').toBe(run.cases.length * groups);
    const consumerGroups = new Set(letters.map((letter) => letter.consumerGroup));
    expect(consumerGroups.size).toBe(groups);
    for (const hostile of run.cases) {
      const mine = letters.filter((letter) => letter.headers['hostile-case'] === hostile.name);
      expect(mine.map((letter) => letter.consumerGroup).sort(), hostile.name).toEqual([...consumerGroups].sort());
      for (const letter of mine) {
        expect(letter.code, hostile.name).toBe(hostile.code);
        expect(letter.reason, hostile.name).toMatch(hostile.reason);
        expect(letter.key, hostile.name).toBe(hostile.key);
        const original = hostile.value === null ? null : Buffer.from(hostile.value);
        expect(letter.value === null ? null : Buffer.compare(letter.value, original ?? Buffer.alloc(0)), hostile.name).toBe(
          original === null ? null : 0,
        );
        expect(letter.attempts, hostile.name).toBe(0);
      }
    }

    // Over 1 MB, or without a key on the compacted topic, the broker refuses the record: nothing of it is on the topic.
    expect(run.refused.oversize).toMatch(/^MESSAGE_TOO_LARGE: /);
    expect(run.refused.keyless).toMatch(/^INVALID_RECORD: /);
    const kafka = new Kafka({ brokers: servers.kafkaBrokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(`${run.pipeline.topicPrefix}${topics.contentPublished.name}`);
      expect(offsets.reduce((sum, partition) => sum + Number(partition.high), 0)).toBe(run.sent);
    } finally {
      await admin.disconnect();
    }

    // The operators see each dead letter in the ops console, one row each.
    const rowsOf = (page: string) => (page.match(/data-dead-letter-id=/g) ?? []).length;
    const ops = await waitFor(
      async () => {
        const response = await fetch(`${run.pipeline.url('ops')}/dead-letters`, { headers: bearer(run, staff.ops.id) });
        const page = response.ok ? await response.text() : '';
        return rowsOf(page) >= letters.length ? page : undefined;
      },
      { what: 'every dead letter in the ops console', timeoutMs: 60_000, intervalMs: 500 },
    );
    expect(rowsOf(ops)).toBe(letters.length);
    expect(ops).toContain('value is not valid UTF-8');
  });

  test('no vector runs in Chromium on the portal’s document, listing and search pages, the H5 pages or the ops console, and each shows as text', async ({
    run,
  }) => {
    // The detector itself: a page where vectors do run is caught (dialog, flag, DOM finding), so a pass means something.
    const control = await visit(
      `data:text/html,${encodeURIComponent('<title>t</title><script>top.__xss=1</script><img src=x onerror="alert(2)">')}`,
    );
    expect(control.executed).toEqual(expect.arrayContaining(['dialog: 2', 'window.__xss = 1', 'img has onerror']));

    const { pipeline } = run;
    const portal = pipeline.url('portal');
    for (const { revision, visible, alt } of run.xssDocuments) {
      const page = await visit(`${portal}/documents/${revision.documentId}/`);
      expectInert(page);
      expectShown(page, visible);
      expectSameSource(page, revision);
      expect(squeezed(page.title)).toContain(squeezed(revision.title));
      for (const vector of alt) expect(page.alts.map(squeezed), vector.name).toContain(squeezed(vector.text));
      for (const account of run.accounts) {
        const h5 = await visit(`${pipeline.url('newmedia')}/accounts/${account}/articles/${revision.documentId}/`);
        expectInert(h5);
        expectSameSource(h5, revision);
      }
    }

    const titles = run.xssDocuments.map(({ revision }) => ({ name: revision.documentId, text: revision.title }));
    const latest = await visit(`${portal}/latest/`);
    expectInert(latest);
    expectShown(latest, titles);
    const metadata = run.xssDocuments[3]?.revision as DocumentRevision;
    for (const listing of [
      `${portal}/topics/${hex(metadata.topics[1] ?? '')}/`,
      `${portal}/organs/${hex(metadata.issuingOrgans[0] ?? '')}/`,
    ]) {
      const page = await visit(listing);
      expectInert(page);
      expectShown(page, [{ name: 'title', text: metadata.title }]);
    }
    const search = await visit(`${portal}/search?q=${encodeURIComponent(run.searchPhrase)}`);
    expectInert(search);
    expectShown(search, titles);
    // The query itself is reflected on the page: as text.
    for (const query of ['<script>top.__xss=1</script>', '"><img src=x onerror=alert(1)>']) {
      const reflected = await visit(`${portal}/search?q=${encodeURIComponent(query)}`);
      expectInert(reflected);
      expectShown(reflected, [{ name: 'query', text: query }]);
    }

    // The dead letters, HTML payloads among them, as the operators browse them.
    const deadLetters = await visit(`${pipeline.url('ops')}/dead-letters`, bearer(run, staff.ops.id));
    expectInert(deadLetters);
    expectShown(deadLetters, [{ name: 'HTML payload', text: '<html><script>top.__xss=1</script>' }]);
  });

  test('an issue carrying them, published by two archivists: no vector runs on the archive, issue, mobile and document pages', async ({
    run,
  }) => {
    const gazette = run.pipeline.url('gazette');
    const call = async (person: 'archivist' | 'archivist2', method: string, path: string) => {
      const response = await fetch(`${gazette}${path}`, { method, headers: bearer(run, staff[person].id) });
      return { status: response.status, body: (await response.json()) as any };
    };
    const open = await call('archivist', 'GET', '/v1/issues/open');
    const issueId = open.body.issue.issueId as string;
    expect((await call('archivist', 'POST', `/v1/issues/${issueId}/close`)).status).toBe(200);
    expect((await call('archivist2', 'POST', `/v1/issues/${issueId}/approve`)).status).toBe(200);
    expect((await call('archivist', 'POST', `/v1/issues/${issueId}/publish`)).status).toBe(200);

    const titles = run.xssDocuments.map(({ revision }) => ({ name: revision.documentId, text: revision.title }));
    for (const path of [
      '/archive/',
      `/archive/${issueId.slice(0, 4)}/`,
      `/issues/${issueId}/`,
      `/issues/${issueId}/mobile.html`,
    ]) {
      const page = await visit(`${gazette}${path}`);
      expectInert(page);
      if (path.startsWith('/issues/')) expectShown(page, titles);
    }
    for (const { revision, visible } of run.xssDocuments) {
      const page = await visit(`${gazette}/issues/${issueId}/documents/${revision.documentId}.html`);
      expectInert(page);
      expectSameSource(page, revision);
      expectShown(
        page,
        visible.filter((vector) => revisionText(revision).includes(normalizeText(vector.text))),
      );
    }
    const search = await visit(`${gazette}/search?q=${encodeURIComponent('<script>top.__xss=1</script>')}`);
    expectInert(search);
  });

  test('no service crashed, and every one still answers /healthz', async ({ run }) => {
    expect(run.pipeline.crashes).toEqual([]);
    for (const name of run.pipeline.services) {
      expect((await fetch(`${run.pipeline.url(name)}/healthz`)).status, name).toBe(200);
    }
  });
});
