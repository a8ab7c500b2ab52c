import type { IncomingMessage, ServerResponse } from 'node:http';
import { type ReadinessCheck, runChecks } from './readiness-checks.js';
import type { ServiceMetrics } from './service-metrics.js';

export interface HealthEndpointsOptions {
  metrics: ServiceMetrics;
  checks: readonly ReadinessCheck[];
  /** Each check's bound; a readiness probe must answer before the orchestrator's own timeout. */
  checkTimeoutMs?: number;
}

/** Answers a request if it is one of ours; false lets the server's own routes have it. */
export type RequestInterceptor = (request: IncomingMessage, response: ServerResponse) => Promise<boolean>;

/**
 * GET /metrics (Prometheus text), /healthz (the process is up: 200) and /readyz (200 only when every check passes,
 * else 503 naming the failed ones), for @tongyuan/http servers (`intercept`) and plain node:http servers alike.
 */
export const healthEndpoints = ({ metrics, checks, checkTimeoutMs = 2_000 }: HealthEndpointsOptions): RequestInterceptor => {
  return async (request, response) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return false;
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (status: number, contentType: string, body: string) => {
      response.writeHead(status, {
        'content-type': contentType,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      response.end(request.method === 'HEAD' ? undefined : body);
      return true;
    };
    switch (path) {
      case '/healthz':
        return send(200, 'application/json; charset=utf-8', JSON.stringify({ ok: true, service: metrics.service }));
      case '/readyz': {
        const results = await runChecks(checks, checkTimeoutMs);
        const ready = results.every((result) => result.ok);
        const failed = results.filter((result) => !result.ok).map((result) => result.name);
        return send(ready ? 200 : 503, 'application/json; charset=utf-8', JSON.stringify({ ready, failed, checks: results }));
      }
      case '/metrics': {
        const { contentType, body } = await metrics.exposition();
        return send(200, contentType, body);
      }
      default:
        return false;
    }
  };
};
