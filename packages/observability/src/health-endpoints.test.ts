import { createServer, type Server } from 'node:http';
import { KafkaBus } from '@tongyuan/bus';
import { quietLogger, integrationTest as test, uniqueName } from '@tongyuan/testing';
import CircuitBreaker from 'opossum';
import { describe, expect } from 'vitest';
import { brokerCheck, databaseCheck, healthEndpoints, ServiceMetrics, storeCheck, watchBreaker } from './index.js';

const serve = async (handler: Parameters<typeof createServer>[1]): Promise<{ url: string; server: Server }> => {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return { url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`, server };
};

describe('/metrics, /healthz and /readyz', () => {
  test('are ready when broker, store and database answer, and say which check failed when one does not', async ({
    bus,
    store,
    database,
  }) => {
    const metrics = new ServiceMetrics('probe-test');
    const unreachable = new KafkaBus({ brokers: ['127.0.0.1:1'], clientId: uniqueName('down'), logger: quietLogger() });
    const healthy = healthEndpoints({ metrics, checks: [brokerCheck(bus), storeCheck(store), databaseCheck(database.pool)] });
    const broken = healthEndpoints({
      metrics,
      checks: [brokerCheck(unreachable), databaseCheck(database.pool)],
      checkTimeoutMs: 3_000,
    });
    const up = await serve(async (request, response) => {
      if (!(await healthy(request, response))) response.writeHead(404).end('not ours');
    });
    const down = await serve(async (request, response) => {
      if (!(await broken(request, response))) response.writeHead(404).end('not ours');
    });
    try {
      expect((await fetch(`${up.url}/healthz`)).status).toBe(200);
      const ready = await fetch(`${up.url}/readyz`);
      const body = (await ready.json()) as { ready: boolean; checks: Array<{ name: string; ok: boolean }> };
      expect(ready.status).toBe(200);
      expect(body.checks.map((c) => [c.name, c.ok])).toEqual([
        ['broker', true],
        [`store:${store.bucket}`, true],
        ['database', true],
      ]);
      expect((await fetch(`${up.url}/somewhere-else`)).status).toBe(404);

      expect((await fetch(`${down.url}/healthz`)).status).toBe(200); // the process is up, just not ready
      const notReady = await fetch(`${down.url}/readyz`);
      expect(notReady.status).toBe(503);
      expect(await notReady.json()).toMatchObject({ ready: false, failed: ['broker'] });

      metrics.bus.messageHandled('content.published', 'handled', 0.02);
      metrics.observePublishToLive('portal', new Date(Date.now() - 3_000).toISOString());
      const breaker = new CircuitBreaker(
        async () => {
          throw new Error('down');
        },
        { volumeThreshold: 1, errorThresholdPercentage: 1 },
      );
      watchBreaker(metrics, 'wechat', breaker);
      await breaker.fire().catch(() => {});
      const text = await (await fetch(`${up.url}/metrics`)).text();
      expect(text).toContain('tongyuan_events_handled_total{topic="content.published",outcome="handled",service="probe-test"} 1');
      // Released 3 s ago: not within 2 s, within 5 s.
      expect(text).toContain('tongyuan_publish_to_live_seconds_bucket{le="2",service="probe-test",channel="portal"} 0');
      expect(text).toContain('tongyuan_publish_to_live_seconds_bucket{le="5",service="probe-test",channel="portal"} 1');
      expect(text).toContain('tongyuan_breaker_state{breaker="wechat",service="probe-test"} 2');
      expect(text).toContain('process_cpu_seconds_total');
      breaker.shutdown();
    } finally {
      up.server.close();
      down.server.close();
      await unreachable.close();
    }
  });
});
