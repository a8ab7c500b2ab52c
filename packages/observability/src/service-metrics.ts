import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Where a message handled by the bus ended up; `retried` counts each failed attempt that was tried again. */
export type HandleOutcome = 'handled' | 'retried' | 'dead_lettered';

/** The hook KafkaBus reports to (structurally the bus's `BusMetrics`). */
export interface BusMetricsHook {
  messageHandled(topic: string, outcome: HandleOutcome, seconds: number): void;
  messagePublished(topic: string, value: unknown, handling: { topic: string; value: unknown } | undefined): void;
}

// Seconds from release to live: a second-scale pipeline, with room for a slow WeChat publish and old replays.
const LIVE_BUCKETS = [0.25, 0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300, 900, 3600, 86_400];
const HANDLE_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The release time of a revision: a correction's own time, else the first release. */
export const releasedAtOf = (revision: { publishedAt: string; correction: { changedAt: string } | null }): string =>
  revision.correction?.changedAt ?? revision.publishedAt;

/** One service's Prometheus registry: default process metrics plus the pipeline's standard metrics. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly eventsHandled: Counter<'topic' | 'outcome'>;
  readonly eventHandleSeconds: Histogram<'topic' | 'outcome'>;
  readonly publishToLiveSeconds: Histogram<'channel'>;
  readonly breakerState: Gauge<'breaker'>;
  readonly consumerLag: Gauge<'group' | 'topic'>;
  /** Pass as `metrics` to KafkaBus: handled counts, latency, and publish→live of deliveries reported while handling. */
  readonly bus: BusMetricsHook;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.eventsHandled = new Counter({
      name: 'tongyuan_events_handled_total',
      help: 'Messages handled by this service, by catalogue topic and outcome (handled, retried, dead_lettered)',
      labelNames: ['topic', 'outcome'],
      registers,
    });
    this.eventHandleSeconds = new Histogram({
      name: 'tongyuan_event_handle_seconds',
      help: 'Time from receiving a message to its outcome, retries included',
      labelNames: ['topic', 'outcome'],
      buckets: HANDLE_BUCKETS,
      registers,
    });
    this.publishToLiveSeconds = new Histogram({
      name: 'tongyuan_publish_to_live_seconds',
      help: "Seconds from a revision's release (correction.changedAt ?? publishedAt) to its delivery becoming live, per channel",
      labelNames: ['channel'],
      buckets: LIVE_BUCKETS,
      registers,
    });
    this.breakerState = new Gauge({
      name: 'tongyuan_breaker_state',
      help: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
      labelNames: ['breaker'],
      registers,
    });
    this.consumerLag = new Gauge({
      name: 'tongyuan_consumer_lag',
      help: 'Messages a consumer group has not yet committed, per topic (summed over partitions)',
      labelNames: ['group', 'topic'],
      registers,
    });
    this.bus = {
      messageHandled: (topic, outcome, seconds) => {
        this.eventsHandled.inc({ topic, outcome });
        if (outcome !== 'retried') this.eventHandleSeconds.observe({ topic, outcome }, seconds);
      },
      messagePublished: (topic, value, handling) => this.observeDeliveryReport(topic, value, handling),
    };
  }

  /** Records one delivery becoming live; renderers that report `delivered` outside a handler call this themselves. */
  observePublishToLive(channel: string, releasedAt: string, liveAt: string | Date = new Date()): void {
    const seconds = (new Date(liveAt).getTime() - Date.parse(releasedAt)) / 1000;
    if (Number.isFinite(seconds)) this.publishToLiveSeconds.observe({ channel }, Math.max(0, seconds));
  }

  /** A service-specific gauge in this registry (the service label is added to every sample). */
  gauge<L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  /** Prometheus text exposition of every metric of this service. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  // A `delivered` status sent while handling that same revision's content.published: the renderer's live moment.
  private observeDeliveryReport(topic: string, value: unknown, handling: { topic: string; value: unknown } | undefined): void {
    if (topic !== 'delivery.status' || handling?.topic !== 'content.published') return;
    const status = value as { state?: string; channel?: string; documentId?: string; revision?: number; occurredAt?: string };
    const event = handling.value as {
      revision?: { documentId: string; revision: number; publishedAt: string; correction: { changedAt: string } | null };
    };
    const revision = event.revision;
    if (status.state !== 'delivered' || status.channel === undefined || revision === undefined) return;
    if (revision.documentId !== status.documentId || revision.revision !== status.revision) return;
    this.observePublishToLive(status.channel, releasedAtOf(revision), status.occurredAt ?? new Date());
  }
}
