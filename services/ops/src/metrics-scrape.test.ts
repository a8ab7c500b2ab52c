// Every service's /metrics, /healthz and /readyz scraped while the real editorial → portal → ops pipeline runs.
import { fileURLToPath } from 'node:url';
import { parseTraceparent } from '@tongyuan/observability';
import { freshDatabaseUrl, keyedBy, readTopic, integrationTest as test, waitFor } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { publishSamples, readSamples } from '../../../scripts/publish-samples.js';
import { editorialEnvironment, writeStaffUsers } from '../../editorial/src/editorial.fixture.js';
import { loadEnv as loadEditorialEnv } from '../../editorial/src/env.js';
import { startEditorial } from '../../editorial/src/main.js';
import { currentDeliveries } from './ledger/ledger-store.js';
import { startOpsHarness } from './ops.fixture.js';

const samplesFolder = fileURLToPath(new URL('../../../samples/documents/', import.meta.url));

const sampleCount = (text: string, metric: string, labels: Record<string, string>): number => {
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${metric}{`) && Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('metrics and health of every service', () => {
  test('editorial, portal and ops answer /healthz, /readyz and /metrics, with publish→live samples for the portal', async ({
    servers,
  }) => {
    const ops = await startOpsHarness(servers, { withPortal: true });
    const { usersFile, tokens } = await writeStaffUsers();
    const editorial = await startEditorial(
      loadEditorialEnv(editorialEnvironment(servers, await freshDatabaseUrl(servers, 'editorial'), usersFile, ops.topicPrefix)),
    );
    try {
      const editorialUrl = `http://127.0.0.1:${editorial.port}`;
      const samples = (await readSamples(samplesFolder)).filter(
        (s) => s.file.startsWith('haishu') || s.file.startsWith('laiyang'),
      );
      const published = Object.values(await publishSamples(editorialUrl, tokens, samples));
      expect(published).toHaveLength(2);
      await waitFor(
        async () =>
          (await currentDeliveries(ops.service.pool)).filter((d) => d.channel === 'portal' && d.state === 'delivered').length ===
          2,
        { what: 'both samples live on the portal', timeoutMs: 40_000 },
      );

      const services = { editorial: editorialUrl, portal: ops.portal?.baseUrl ?? '', ops: ops.baseUrl };
      const scraped: Record<string, string> = {};
      for (const [name, url] of Object.entries(services)) {
        expect((await fetch(`${url}/healthz`)).status, name).toBe(200);
        const ready = await fetch(`${url}/readyz`);
        expect(ready.status, `${name}: ${await ready.clone().text()}`).toBe(200);
        const metrics = await fetch(`${url}/metrics`);
        expect(metrics.headers.get('content-type')).toContain('text/plain');
        scraped[name] = await metrics.text();
        expect(scraped[name], name).toContain(`process_cpu_seconds_total{service="${name}"}`);
      }
      // The portal observes its own deliveries as it reports them; ops observes them from the ledger.
      expect(sampleCount(scraped.portal ?? '', 'tongyuan_publish_to_live_seconds_count', { channel: 'portal' })).toBe(2);
      expect(sampleCount(scraped.ops ?? '', 'tongyuan_publish_to_live_seconds_count', { channel: 'portal' })).toBe(2);
      expect(
        sampleCount(scraped.portal ?? '', 'tongyuan_events_handled_total', { topic: 'content.published', outcome: 'handled' }),
      ).toBe(2);
      expect(
        sampleCount(scraped.editorial ?? '', 'tongyuan_events_handled_total', { topic: 'delivery.status', outcome: 'handled' }),
      ).toBeGreaterThanOrEqual(2);
      expect(scraped.portal).toContain('tongyuan_event_handle_seconds_bucket');

      // One trace from the editor's release to the portal's delivery report.
      const [documentId] = published as [string];
      const [release] = await readTopic(servers.kafkaBrokers, `${ops.topicPrefix}content.published`, {
        count: 1,
        filter: keyedBy(documentId),
      });
      const reports = await readTopic(servers.kafkaBrokers, `${ops.topicPrefix}delivery.status`, {
        count: 1,
        filter: keyedBy(documentId),
      });
      const traceOf = (message: { headers?: Record<string, unknown> } | undefined) =>
        parseTraceparent(String(message?.headers?.traceparent ?? ''))?.traceId;
      expect(traceOf(release)).toMatch(/^[0-9a-f]{32}$/);
      expect(reports.map(traceOf)).toEqual([traceOf(release)]);

      // Consumer lag per group, from Kafka's admin API, on the console and as a metric.
      const lag = await (await fetch(`${ops.baseUrl}/lag`, { headers: { authorization: `Bearer ${ops.tokens.ops}` } })).text();
      expect(lag).toContain(`${ops.topicPrefix}content.published`);
      expect(await (await fetch(`${ops.baseUrl}/metrics`)).text()).toMatch(
        /tongyuan_consumer_lag\{group="[^"]+",topic="[^"]+content\.published"/,
      );
    } finally {
      await editorial.stop();
      await ops.stop();
    }
  });
});
