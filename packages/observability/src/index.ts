// The whole public API of @tongyuan/observability: metrics, /metrics + /healthz + /readyz, W3C traceparent.
//
// Wiring a service (two lines in its main.ts, beside the bus, store and pool it already has):
//   const metrics = new ServiceMetrics('newmedia');                      // then: new KafkaBus({ ..., metrics: metrics.bus })
//   const intercept = healthEndpoints({ metrics, checks: [brokerCheck(bus), storeCheck(store), databaseCheck(pool)] });
// and hand `intercept` to createHttpServer({ ..., intercept }) — or, in a plain node:http handler,
// `if (await intercept(request, response)) return;` first. A renderer that reports `delivered` while handling the
// revision's content.published gets tongyuan_publish_to_live_seconds{channel} for free from the bus hook; one that
// goes live later (a WeChat publish result, a gazette issue) calls metrics.observePublishToLive(channel, releasedAtOf(rev)).
// An opossum breaker: watchBreaker(metrics, 'wechat', breaker).

export type { Gauge } from 'prom-client';
export { type WatchableBreaker, watchBreaker } from './breaker-metrics.js';
export { type HealthEndpointsOptions, healthEndpoints, type RequestInterceptor } from './health-endpoints.js';
export { brokerCheck, type CheckResult, databaseCheck, type ReadinessCheck, runChecks, storeCheck } from './readiness-checks.js';
export { type BusMetricsHook, type HandleOutcome, releasedAtOf, ServiceMetrics } from './service-metrics.js';
export { childTraceContext, formatTraceparent, newTraceContext, parseTraceparent, type TraceContext } from './traceparent.js';
