import type { Pool } from '@tongyuan/database';
import type { Logger } from '@tongyuan/logger';
import type { Gauge, ServiceMetrics } from '@tongyuan/observability';
import { openAlertCounts, reconcileAlerts } from './alerts/alert-store.js';
import type { SameSourceAudit } from './audit/same-source-audit.js';
import { expectations, onTimeByChannel, type SlaPolicy, slaFindings } from './sla/sla-monitor.js';

/** The audit and the SLA check, run together on a timer and on demand; their findings become alerts. */
export class OpsChecks {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private finishedAt: Date | undefined;
  private readonly openAlerts: Gauge<'kind' | 'channel'>;

  constructor(
    private readonly options: {
      pool: Pool;
      audit: SameSourceAudit;
      policy: SlaPolicy;
      metrics: ServiceMetrics;
      logger: Logger;
      intervalMs: number;
      /** Refreshes tongyuan_consumer_lag each cycle, so the gauge moves without anyone opening the lag page. */
      refreshLag?: () => Promise<unknown>;
    },
  ) {
    this.openAlerts = options.metrics.gauge(
      'tongyuan_ops_open_alerts',
      'Open alerts of the same-source audit and the SLA monitor, by kind and channel',
      ['kind', 'channel'],
    );
  }

  start(): void {
    const tick = () => {
      this.timer = setTimeout(() => {
        void this.run()
          .catch((error: unknown) => this.options.logger.error({ err: error }, 'ops checks failed'))
          .finally(tick);
      }, this.options.intervalMs);
    };
    tick();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => {});
  }

  lastRun(): Date | undefined {
    return this.finishedAt;
  }

  /** One cycle; a call while one is running waits for it and then runs again, so its answer is fresh. */
  async run(full = false): Promise<void> {
    while (this.running) await this.running.catch(() => {});
    this.running = this.cycle(full).finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async onTime() {
    const now = new Date();
    const all = await expectations(this.options.pool, this.options.policy);
    const late = all
      .filter((e) => (e.liveAt === undefined ? now > e.deadline : e.liveAt > e.deadline))
      .sort((a, b) => b.releasedAt.getTime() - a.releasedAt.getTime());
    return { onTime: onTimeByChannel(all, now), late };
  }

  private async cycle(full: boolean): Promise<void> {
    const { pool, audit, policy, logger } = this.options;
    const now = new Date();
    const started = performance.now();
    const auditFindings = await audit.run(now, full);
    const opened = await reconcileAlerts(pool, ['drift', 'missing', 'correction_debt'], auditFindings);
    const sla = slaFindings(await expectations(pool, policy), now);
    opened.push(...(await reconcileAlerts(pool, ['sla_miss'], sla)));
    for (const finding of opened) logger.warn({ ...finding }, 'alert opened');
    this.openAlerts.reset();
    for (const { kind, channel, count } of await openAlertCounts(pool)) this.openAlerts.set({ kind, channel }, count);
    const audited = performance.now();
    await this.options.refreshLag?.().catch((error: unknown) => logger.warn({ err: error }, 'consumer lag unavailable'));
    this.finishedAt = new Date();
    logger.info(
      {
        findings: auditFindings.length + sla.length,
        opened: opened.length,
        checkMs: Math.round(audited - started),
        lagMs: Math.round(performance.now() - audited),
      },
      'ops checks done',
    );
  }
}
