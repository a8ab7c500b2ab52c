import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type GazetteCandidateChange, GazetteSectionName } from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';
import { PipelineError } from '@tongyuan/errors';
import type { Authenticator, Principal } from '@tongyuan/http';
import { problemFrom } from '@tongyuan/http';
import type { ObjectStore } from '@tongyuan/object-store';
import { ARCHIVIST } from '../http/gazette-routes.js';
import type { Reply } from '../http/gazette-server.js';
import { listIssues } from '../issues/issue-ledger.js';
import type { IssueWorkflow } from '../issues/issue-workflow.js';
import { renderDeskPage, renderLoginPage } from './archivist-desk.page.js';

const COOKIE = 'gazette_session';
const htmlType = 'text/html; charset=utf-8';

export interface ArchivistDeskOptions {
  pool: Pool;
  store: ObjectStore;
  workflow: IssueWorkflow;
  authenticate: Authenticator;
}

const readForm = (request: IncomingMessage, limit = 64 * 1024): Promise<URLSearchParams> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new PipelineError('form too large', { code: 'payload_too_large', retryable: false }));
        request.resume();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    request.on('error', reject);
  });

const cookieOf = (request: IncomingMessage, name: string): string | undefined => {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return undefined;
};

const notices: Record<string, string> = {
  up: '已上移。',
  down: '已下移。',
  include: '已收录。',
  exclude: '已移出本期（不收录）。',
  section: '已移至新栏目。',
  erratum: '勘误文字已保存。',
  preview: '预览已生成。',
  close: '本期已截稿，文件版本已冻结。',
  approve: '本期已审核通过。',
  publish: '本期已发布。',
};

/**
 * The archivists' web page. A bearer token, given once at login, goes into an HttpOnly SameSite=Strict cookie;
 * every form carries a CSRF token bound to it (an HMAC under a per-process key), so no other site can post for them.
 */
export const archivistDesk = ({ pool, store, workflow, authenticate }: ArchivistDeskOptions) => {
  const key = randomBytes(32);
  const csrfOf = (token: string) => createHmac('sha256', key).update(token).digest('hex');
  const session = (request: IncomingMessage): { token: string; principal: Principal } | null => {
    const token = cookieOf(request, COOKIE);
    const principal = token ? authenticate(`Bearer ${token}`) : undefined;
    return token && principal?.roles.includes(ARCHIVIST) ? { token, principal } : null;
  };

  const deskPage = async (
    principal: Principal,
    token: string,
    issueId: string | null,
    message: { notice?: string; error?: string },
    status = 200,
  ): Promise<Reply> => {
    const issues = await listIssues(pool);
    const chosen =
      issues.find((issue) => issue.issueId === issueId) ??
      [...issues].filter((issue) => issue.state !== 'published').sort((a, b) => a.total - b.total)[0] ??
      issues[0];
    const detail = chosen ? await workflow.detail(chosen.issueId) : null;
    const previewInfo =
      chosen && chosen.state !== 'published' ? await store.head(`previews/${chosen.issueId}/gazette.pdf`) : null;
    const body = renderDeskPage({
      archivist: principal,
      csrf: csrfOf(token),
      issues,
      detail,
      preview: previewInfo
        ? {
            pdfUrl: `/desk/previews/${chosen?.issueId}/gazette.pdf`,
            htmlUrl: `/desk/previews/${chosen?.issueId}/index.html`,
            at: previewInfo.lastModified?.toISOString() ?? '',
          }
        : null,
      ...message,
    });
    return { status, type: htmlType, body };
  };

  const act = async (principal: Principal, path: string, form: URLSearchParams): Promise<{ issueId: string; done: string }> => {
    const match = /^\/desk\/issues\/([^/]+)\/(?:(preview|close|approve|publish)|candidates\/([^/]+)|errata\/([^/]+))$/.exec(path);
    if (!match) throw new PipelineError('no such action', { code: 'not_found', retryable: false });
    const [, issueId = '', step, documentId, erratumId] = match;
    if (step === 'preview') await workflow.preview(principal, issueId);
    if (step === 'close') await workflow.close(principal, issueId);
    if (step === 'approve') await workflow.approve(principal, issueId);
    if (step === 'publish') await workflow.publish(principal, issueId);
    if (step) return { issueId, done: step };
    if (erratumId) {
      await workflow.editErratum(principal, issueId, erratumId, form.get('text') ?? '');
      return { issueId, done: 'erratum' };
    }
    const action = form.get('action') ?? '';
    const change: GazetteCandidateChange | null =
      action === 'up' || action === 'down'
        ? { move: action }
        : action === 'include' || action === 'exclude'
          ? { included: action === 'include' }
          : action === 'section'
            ? { section: GazetteSectionName.exclude(['勘误']).parse(form.get('section')) }
            : null;
    if (!change) throw new PipelineError(`unknown action ${action}`, { code: 'invalid_input', retryable: false });
    await workflow.changeCandidate(principal, issueId, documentId ?? '', change);
    return { issueId, done: action };
  };

  return async (request: IncomingMessage, url: URL): Promise<Reply> => {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (request.method === 'POST' && path === '/desk/login') {
      const token = (await readForm(request)).get('token')?.trim() ?? '';
      const principal = authenticate(`Bearer ${token}`);
      if (!principal?.roles.includes(ARCHIVIST)) {
        return { status: 401, type: htmlType, body: renderLoginPage('令牌无效，或该用户不是档案员。') };
      }
      return {
        status: 303,
        type: 'text/plain; charset=utf-8',
        body: '',
        headers: {
          location: '/desk',
          'set-cookie': `${COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/desk; Max-Age=28800`,
        },
      };
    }
    const current = session(request);
    if (!current) {
      if (request.method === 'GET' && path === '/desk') return { status: 200, type: htmlType, body: renderLoginPage() };
      return { status: 401, type: htmlType, body: renderLoginPage('请先登录。') };
    }
    if (request.method === 'GET' && path.startsWith('/desk/previews/')) {
      const object = await store.get(path.slice('/desk/'.length));
      if (!object) return { status: 404, type: 'text/plain; charset=utf-8', body: '尚未生成预览' };
      return {
        status: 200,
        type: object.contentType ?? 'application/octet-stream',
        body: object.body,
        cacheControl: 'no-store',
        inlineStyles: true,
      };
    }
    if (request.method === 'GET' && path === '/desk') {
      const done = url.searchParams.get('done') ?? '';
      return deskPage(current.principal, current.token, url.searchParams.get('issue'), { notice: notices[done] });
    }
    if (request.method !== 'POST') return { status: 405, type: 'text/plain; charset=utf-8', body: 'method not allowed' };

    const form = await readForm(request);
    const expected = Buffer.from(csrfOf(current.token));
    const given = Buffer.from(form.get('csrf') ?? '');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { status: 403, type: 'text/plain; charset=utf-8', body: 'CSRF token missing or wrong: reload the page' };
    }
    if (path === '/desk/logout') {
      return {
        status: 303,
        type: 'text/plain; charset=utf-8',
        body: '',
        headers: { location: '/desk', 'set-cookie': `${COOKIE}=; HttpOnly; SameSite=Strict; Path=/desk; Max-Age=0` },
      };
    }
    try {
      const { issueId, done } = await act(current.principal, path, form);
      return {
        status: 303,
        type: 'text/plain; charset=utf-8',
        body: '',
        headers: { location: `/desk?issue=${encodeURIComponent(issueId)}&done=${done}` },
      };
    } catch (error) {
      const problem = problemFrom(error);
      if (problem.status >= 500) throw error;
      const issueId = /^\/desk\/issues\/([^/]+)/.exec(path)?.[1] ?? null;
      return deskPage(current.principal, current.token, issueId, { error: problem.detail }, problem.status);
    }
  };
};
