import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  ConsoleLoginForm,
  type ConsumerLag,
  type LedgerDelivery,
  RedriveDeadLetterForm,
  RetryDeliveryForm,
  RunAuditForm,
} from '@tongyuan/contracts';
import type { Pool } from '@tongyuan/database';
import type { Authenticator, Principal } from '@tongyuan/http';
import type { Logger } from '@tongyuan/logger';
import type { RequestInterceptor } from '@tongyuan/observability';
import type { z } from 'zod';
import { openAlerts, recentlyResolvedAlerts } from '../alerts/alert-store.js';
import { deadLetters } from '../dead-letters/dead-letter-store.js';
import { allSteps, currentDeliveries, latestRevisions, revisionsOf } from '../ledger/ledger-store.js';
import { recentActions } from '../ledger/retry-delivery.js';
import { annualStatistics, statisticsCsv, statisticsYears } from '../statistics/annual-statistics.js';
import { consoleCss, pages } from './console-pages.js';
import {
  type ConsoleSession,
  clearedCookie,
  closeSession,
  cookieValue,
  findSession,
  openSession,
  SESSION_COOKIE,
  sameToken,
  sessionCookie,
} from './console-sessions.js';

export const OPS_ROLE = 'ops';

/** What the console can do beyond reading the ledger: each is an operator action. */
export interface ConsoleActions {
  retry(documentId: string, actor: Principal): Promise<{ revision: number } | undefined>;
  redrive(deadLetterId: string, actor: Principal): Promise<{ kind: string }>;
  runChecks(): Promise<void>;
  lastRun(): Date | undefined;
  consumerLag(): Promise<ConsumerLag[]>;
  onTime(): Promise<{ onTime: unknown[]; late: unknown[] }>;
}

export interface ConsoleOptions {
  pool: Pool;
  authenticate: Authenticator;
  actions: ConsoleActions;
  logger: Logger;
  intercept: RequestInterceptor;
  secureCookie: boolean;
  slaSeconds: number;
  auditIntervalMs: number;
}

interface Answer {
  status: number;
  type?: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

const HTML = 'text/html; charset=utf-8';
const MAX_FORM_BYTES = 16 * 1024;
const notices: Record<string, string> = {
  retried: '已重新发布最新版本；各渠道会跳过已完成的目标，重试失败的目标。',
  redriven: '已把死信送回来源主题。',
  already: '这条死信已经重投过，未再发送。',
  audited: '核查已完成。',
};

const redirect = (location: string, headers: Record<string, string> = {}): Answer => ({
  status: 303,
  body: '',
  headers: { location, ...headers },
});

class ConsoleError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const readForm = (request: IncomingMessage): Promise<Record<string, string>> =>
  new Promise((resolve, reject) => {
    if (!/^application\/x-www-form-urlencoded\b/i.test(request.headers['content-type'] ?? '')) {
      reject(new ConsoleError(415, '请通过页面上的表单提交'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_FORM_BYTES) {
        reject(new ConsoleError(413, '提交的内容过长'));
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))));
    request.on('error', reject);
  });

const parseForm = <S extends z.ZodType>(schema: S, form: Record<string, string>): z.infer<S> => {
  const parsed = schema.safeParse(form);
  if (!parsed.success) throw new ConsoleError(400, parsed.error.issues.map((issue) => issue.message).join('；'));
  return parsed.data;
};

const fromAnotherSite = (request: IncomingMessage): boolean => {
  const origin = request.headers.origin;
  if (origin === undefined || origin === 'null') return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
};

/** The ops console: server-rendered pages for the role ops, a session cookie after a token sign-in, CSRF-checked forms. */
export const createConsoleServer = (options: ConsoleOptions): Server => {
  const { pool, actions } = options;

  const signedIn = async (request: IncomingMessage): Promise<{ principal: Principal; session?: ConsoleSession } | undefined> => {
    // API clients may send the bearer token itself; no cookie is involved, so no CSRF either.
    if (request.headers.authorization !== undefined) {
      const principal = options.authenticate(request.headers.authorization);
      return principal ? { principal } : undefined;
    }
    const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
    const session = id === undefined ? undefined : await findSession(pool, id);
    return session ? { principal: session.principal, session } : undefined;
  };

  // The same facts as JSON, in the contract shapes, for scripts and dashboards (bearer token or session).
  const jsonView = async (path: string, query: URLSearchParams): Promise<unknown> => {
    if (path === '/v1/alerts') return [...(await openAlerts(pool)), ...(await recentlyResolvedAlerts(pool))];
    if (path === '/v1/consumer-lag') return actions.consumerLag();
    if (path === '/v1/statistics') {
      const year = /^\d{4}$/.test(query.get('year') ?? '') ? Number(query.get('year')) : undefined;
      return annualStatistics(pool, year);
    }
    const deliveriesOf = /^\/v1\/documents\/(doc_[0-9A-HJKMNP-TV-Z]{26})\/deliveries$/.exec(path);
    if (deliveriesOf) {
      return (await currentDeliveries(pool, deliveriesOf[1])).map(
        (d): LedgerDelivery => ({
          documentId: d.documentId,
          revision: d.revision,
          fingerprint: d.fingerprint,
          channel: d.channel as LedgerDelivery['channel'],
          target: d.target,
          state: d.state as LedgerDelivery['state'],
          attempt: d.attempt,
          errorCode: d.errorCode,
          errorMessage: d.errorMessage,
          occurredAt: d.occurredAt.toISOString(),
        }),
      );
    }
    return undefined;
  };

  const render = (template: (context: object) => string, context: object, status = 200): Answer => ({
    status,
    type: HTML,
    body: template(context),
  });

  const handle = async (request: IncomingMessage): Promise<Answer> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = request.method ?? 'GET';
    if (path === '/console.css' && method === 'GET') return { status: 200, type: 'text/css; charset=utf-8', body: consoleCss };
    if (path === '/login' && method === 'GET') return render(pages.login, { title: '登录' });
    // A browser names the page a form came from: a form posted from another site is refused before anything else.
    if (method === 'POST' && fromAnotherSite(request)) throw new ConsoleError(403, '拒绝来自其他站点的表单');
    if (path === '/login' && method === 'POST') {
      const form = await readForm(request);
      const parsed = ConsoleLoginForm.safeParse(form);
      const principal = parsed.success ? options.authenticate(`Bearer ${parsed.data.token}`) : undefined;
      if (!principal) return render(pages.login, { title: '登录', error: '令牌无效' }, 401);
      if (!principal.roles.includes(OPS_ROLE)) return render(pages.login, { title: '登录', error: '此令牌没有 ops 角色' }, 403);
      const id = await openSession(pool, principal);
      options.logger.info({ userId: principal.id }, 'console sign-in');
      return redirect('/', { 'set-cookie': sessionCookie(id, options.secureCookie) });
    }

    const who = await signedIn(request);
    if (!who) {
      if (method === 'GET') return redirect('/login');
      throw new ConsoleError(401, '请先登录');
    }
    if (!who.principal.roles.includes(OPS_ROLE)) throw new ConsoleError(403, '需要 ops 角色');
    const actor = who.principal;
    const base = { user: actor, csrf: who.session?.csrfToken ?? '' };

    if (method === 'POST') {
      const form = await readForm(request);
      // The session's own token must come back with every form: a cross-site page cannot read it.
      if (who.session && !sameToken(who.session.csrfToken, form.csrf ?? ''))
        throw new ConsoleError(403, '表单已过期，请刷新页面后重试');
      if (!who.session) form.csrf ??= 'bearer-client-without-session';
      switch (path) {
        case '/logout': {
          const id = cookieValue(request.headers.cookie, SESSION_COOKIE);
          if (id !== undefined) await closeSession(pool, id);
          return redirect('/login', { 'set-cookie': clearedCookie(options.secureCookie) });
        }
        case '/deliveries/retry': {
          const { documentId } = parseForm(RetryDeliveryForm, form);
          const done = await actions.retry(documentId, actor);
          if (!done) throw new ConsoleError(404, '台账中没有这个文件');
          options.logger.info({ documentId, revision: done.revision, userId: actor.id }, 'delivery retried');
          return redirect(`/documents/${encodeURIComponent(documentId)}?notice=retried`);
        }
        case '/dead-letters/redrive': {
          const { deadLetterId } = parseForm(RedriveDeadLetterForm, form);
          const outcome = await actions.redrive(deadLetterId, actor);
          if (outcome.kind === 'unknown') throw new ConsoleError(404, '没有这条死信');
          options.logger.info({ deadLetterId, outcome: outcome.kind, userId: actor.id }, 'dead letter re-drive');
          return redirect(`/dead-letters?notice=${outcome.kind === 'redriven' ? 'redriven' : 'already'}`);
        }
        case '/audit/run': {
          parseForm(RunAuditForm, form);
          await actions.runChecks();
          return redirect('/audit?notice=audited');
        }
        default:
          throw new ConsoleError(404, '没有这个操作');
      }
    }
    if (method !== 'GET' && method !== 'HEAD') throw new ConsoleError(405, '不支持的请求方法');
    const json = await jsonView(path, url.searchParams);
    if (json !== undefined) return { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(json) };
    const notice = notices[url.searchParams.get('notice') ?? ''];
    const documentMatch = /^\/documents\/(doc_[0-9A-HJKMNP-TV-Z]{26})$/.exec(path);

    if (path === '/') {
      const [{ onTime, late }, failing, alerts, revisions, operatorActions] = await Promise.all([
        actions.onTime(),
        currentDeliveries(pool).then((all) => all.filter((d) => d.state === 'failed')),
        openAlerts(pool),
        latestRevisions(pool),
        recentActions(pool),
      ]);
      const titles = new Map(revisions.map((r) => [r.documentId, r.title]));
      return render(pages.overview, {
        ...base,
        title: '总览',
        nav: 'overview',
        notice,
        slaSeconds: options.slaSeconds,
        onTime,
        late,
        failing: failing.map((f) => ({ ...f, title: titles.get(f.documentId) ?? f.documentId })),
        alerts,
        operatorActions,
      });
    }
    if (path === '/documents') {
      const [revisions, deliveries] = await Promise.all([latestRevisions(pool), currentDeliveries(pool)]);
      const rows = revisions
        .sort((a, b) => b.releasedAt.getTime() - a.releasedAt.getTime())
        .map((revision) => ({
          documentId: revision.documentId,
          title: revision.title,
          revision: revision.revision,
          withdrawn: revision.status === 'withdrawn',
          cells: ['portal', 'newmedia', 'gazette'].map((channel) => ({
            channel,
            targets: deliveries.filter(
              (d) => d.documentId === revision.documentId && d.revision === revision.revision && d.channel === channel,
            ),
          })),
        }));
      return render(pages.documents, { ...base, title: '投递矩阵', nav: 'documents', rows });
    }
    if (documentMatch) {
      const documentId = documentMatch[1] as string;
      const [revisions, deliveries, steps] = await Promise.all([
        revisionsOf(pool, documentId),
        currentDeliveries(pool, documentId),
        allSteps(pool).then((all) => all.filter((s) => s.documentId === documentId)),
      ]);
      if (revisions.length === 0 && deliveries.length === 0) throw new ConsoleError(404, '台账中没有这个文件');
      const columns = [
        ...new Map(deliveries.map((d) => [`${d.channel}/${d.target}`, { channel: d.channel, target: d.target }])).values(),
      ];
      const numbers = [...new Set([...revisions.map((r) => r.revision), ...deliveries.map((d) => d.revision)])].sort(
        (a, b) => b - a,
      );
      const rows = numbers.map((number) => {
        const revision = revisions.find((r) => r.revision === number);
        return {
          revision: number,
          correctionKind: revision?.correctionKind,
          fingerprintShort: revision?.fingerprint.slice(0, 19) ?? '—',
          releasedAt: revision?.releasedAt,
          cells: columns.map(
            (column) =>
              deliveries.find((d) => d.revision === number && d.channel === column.channel && d.target === column.target) ?? {},
          ),
        };
      });
      const latest = revisions.at(-1);
      return render(pages.document, {
        ...base,
        title: latest?.title ?? documentId,
        nav: 'documents',
        notice,
        documentId,
        latestRevision: latest?.revision,
        canRetry: latest !== undefined && deliveries.some((d) => d.state === 'failed' && d.revision === latest.revision),
        columns,
        rows,
        steps: steps.reverse(),
      });
    }
    if (path === '/audit') {
      const [open, resolved] = await Promise.all([openAlerts(pool), recentlyResolvedAlerts(pool)]);
      return render(pages.audit, {
        ...base,
        title: '同源核查',
        nav: 'audit',
        notice,
        open,
        resolved,
        lastRun: actions.lastRun(),
        intervalSeconds: Math.round(options.auditIntervalMs / 1000),
      });
    }
    if (path === '/dead-letters') {
      const letters = (await deadLetters(pool)).map((letter) => ({
        ...letter,
        excerpt: letter.value === null ? '（空）' : letter.value.toString('utf8').slice(0, 160),
      }));
      return render(pages.deadLetters, { ...base, title: '死信', nav: 'dead-letters', notice, letters });
    }
    if (path === '/lag') {
      return render(pages.lag, { ...base, title: '消费滞后', nav: 'lag', lags: await actions.consumerLag() });
    }
    if (path === '/statistics' || path === '/statistics.csv') {
      const yearText = url.searchParams.get('year') ?? '';
      const year = /^\d{4}$/.test(yearText) ? Number(yearText) : undefined;
      const rows = await annualStatistics(pool, year);
      if (path === '/statistics.csv') {
        return {
          status: 200,
          type: 'text/csv; charset=utf-8',
          body: statisticsCsv(rows),
          headers: { 'content-disposition': `attachment; filename="tongyuan-statistics-${year ?? 'all'}.csv"` },
        };
      }
      const totals = rows.reduce(
        (sum, r) => ({
          released: sum.released + r.released,
          corrections: sum.corrections + r.corrections,
          withdrawals: sum.withdrawals + r.withdrawals,
          validityChanges: sum.validityChanges + r.validityChanges,
        }),
        { released: 0, corrections: 0, withdrawals: 0, validityChanges: 0 },
      );
      return render(pages.statistics, {
        ...base,
        title: '年度报告统计',
        nav: 'statistics',
        rows,
        totals,
        year,
        years: await statisticsYears(pool),
      });
    }
    throw new ConsoleError(404, '没有这个页面');
  };

  return createServer(async (request, response: ServerResponse) => {
    if (await options.intercept(request, response).catch(() => false)) return;
    const answer = await handle(request).catch((error: unknown): Answer => {
      const status = error instanceof ConsoleError ? error.status : 500;
      if (status >= 500) options.logger.error({ err: error, path: request.url }, 'console request failed');
      const message = error instanceof ConsoleError ? error.message : '服务暂时不可用';
      return { status, type: HTML, body: pages.error({ title: '无法完成', message }) };
    });
    response.writeHead(answer.status, {
      'content-type': answer.type ?? 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'content-security-policy':
        "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      ...answer.headers,
    });
    response.end(request.method === 'HEAD' ? undefined : answer.body);
  });
};
