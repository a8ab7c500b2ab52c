// `npm run bench:replay`: every view rebuilt from content.published offset 0, on private Kafka, S3 and PostgreSQL.
// 1. Replay over a delivered topic: BENCH_REPLAY_DEDUPE_DOCUMENTS (default 200) generated documents are delivered once by
//    portal, newmedia (through the fake WeChat API) and gazette; then the three start again with NEW consumer groups
//    (offset 0) over the same state, and the fake's /_fake/stats must not change: nothing reaches WeChat twice.
// 2. Cold rebuild: BENCH_REPLAY_DOCUMENTS (default 100,000) generated documents produced straight onto a fresh topic,
//    then the renderers start with new groups and empty state; documents per second per channel until each caught up,
//    or until BENCH_REPLAY_BUDGET_SECONDS (default 900) is spent: the rest is extrapolated, and labelled so.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaBus } from '@tongyuan/bus';
import { AccountMatrix, allTopics, cloudEventRecord, routeToAccounts, toContentPublished, topics } from '@tongyuan/contracts';
import { createLogger } from '@tongyuan/logger';
import { CompressionTypes, Kafka, logLevel } from 'kafkajs';
import { generatedRevision } from '../packages/testing/src/generated-revisions.ts';
import { repoRoot, type ServiceName } from '../scripts/pipeline.ts';
import {
  type BenchPipeline,
  benchStaff,
  consumerLag,
  log,
  ms,
  numberFromEnv,
  type PrivateServers,
  peakRssMiB,
  StatusRecorder,
  sleep,
  startBenchPipeline,
  startPrivateServers,
  table,
} from './private-pipeline.ts';

const documents = numberFromEnv('BENCH_REPLAY_DOCUMENTS', 100_000);
const dedupeDocuments = numberFromEnv('BENCH_REPLAY_DEDUPE_DOCUMENTS', 200);
const budgetSeconds = numberFromEnv('BENCH_REPLAY_BUDGET_SECONDS', 900);
const wechatPublishDelayMs = numberFromEnv('BENCH_WECHAT_PUBLISH_DELAY_MS', 200);
const renderers: readonly ServiceName[] = ['portal', 'newmedia', 'gazette'];
const gazetteKinds = new Set(['规章', '规范性文件', '政策解读']);
const accounts = AccountMatrix.parse(
  JSON.parse(readFileSync(join(repoRoot, 'services', 'newmedia', 'accounts.sample.json'), 'utf8')),
).accounts;

type Channel = 'portal' | 'newmedia' | 'gazette';

/** What each generated document should reach: its WeChat accounts, and whether it is a gazette candidate. */
interface Expected {
  accounts: Map<string, number>;
  gazette: Set<string>;
  all: string[];
}

/** Produces documents n = 0…count−1 (generatedRevision, seed per run) onto the namespace's content.published, in batches. */
const produce = async (servers: PrivateServers, namespace: string, count: number, seed: number): Promise<Expected> => {
  // The catalogue's topics (partitions, compaction), created as the services would create them.
  const bus = new KafkaBus({
    brokers: [servers.kafkaBrokers],
    clientId: 'bench-replay',
    logger: createLogger({ service: 'bench', level: 'warn' }),
    topicPrefix: `${namespace}.`,
  });
  await bus.ensureTopics(allTopics);
  await bus.close();
  const kafka = new Kafka({ clientId: 'bench-replay', brokers: [servers.kafkaBrokers], logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const expected: Expected = { accounts: new Map(), gazette: new Set(), all: [] };
  const topic = `${namespace}.${topics.contentPublished.name}`;
  const started = Date.now();
  // The broker takes 1 MiB per request: 60 events of 2–5 KB bodies (≈ 10 KB each as JSON) stay under it.
  const batch = 60;
  // Two batches in flight: generating and fingerprinting the next one overlaps the broker writing the last.
  let inFlight: Promise<unknown> = Promise.resolve();
  for (let from = 0; from < count; from += batch) {
    const messages = [];
    for (let n = from; n < Math.min(count, from + batch); n++) {
      const revision = generatedRevision(n, seed);
      const record = cloudEventRecord(topics.contentPublished, toContentPublished(revision), '/tongyuan/bench-replay');
      messages.push({ key: record.key, value: record.value, headers: record.headers });
      expected.all.push(revision.documentId);
      const routed = accounts.filter((account) => routeToAccountsOne(revision, account));
      if (routed.length > 0) expected.accounts.set(revision.documentId, routed.length);
      if (gazetteKinds.has(revision.kind)) expected.gazette.add(revision.documentId);
    }
    await inFlight;
    inFlight = producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None });
    if ((from / batch) % 200 === 199) log(`  produced ${from + batch} of ${count}`);
  }
  await inFlight;
  await producer.disconnect();
  log(
    `produced ${count} content.published events in ${((Date.now() - started) / 1000).toFixed(1)} s (${Math.round(count / ((Date.now() - started) / 1000))}/s)`,
  );
  return expected;
};

// routeToAccounts over one account: the same rule newmedia applies.
const routeToAccountsOne = (revision: Parameters<typeof routeToAccounts>[0], account: (typeof accounts)[number]) =>
  routeToAccounts(revision, [account]).length > 0;

/** Per channel: documents done (portal delivered; every routed account delivered; gazette pending), first and last time. */
class Progress {
  readonly done = new Map<Channel, Set<string>>(renderers.map((channel) => [channel as Channel, new Set<string>()]));
  readonly first = new Map<Channel, number>();
  readonly last = new Map<Channel, number>();
  private readonly delivered = new Map<string, number>();
  deliveries = 0;
  failed = 0;

  constructor(private readonly expected: Expected) {}

  record = (status: { documentId: string; channel: string; state: string; target: string; occurredAt: string }) => {
    const at = Date.parse(status.occurredAt);
    if (status.state === 'failed') this.failed++;
    let channel: Channel | null = null;
    if (status.channel === 'portal' && status.state === 'delivered') channel = 'portal';
    if (status.channel === 'gazette' && status.state === 'pending') channel = 'gazette';
    if (status.channel === 'newmedia' && status.state === 'delivered') {
      this.deliveries++;
      const count = (this.delivered.get(status.documentId) ?? 0) + 1;
      this.delivered.set(status.documentId, count);
      if (count >= (this.expected.accounts.get(status.documentId) ?? Number.POSITIVE_INFINITY)) channel = 'newmedia';
    }
    if (channel === null) return;
    if (!this.first.has(channel)) this.first.set(channel, at);
    const set = this.done.get(channel) as Set<string>;
    if (!set.has(status.documentId)) {
      set.add(status.documentId);
      this.last.set(channel, at);
    }
  };

  expectedOf(channel: Channel): number {
    if (channel === 'portal') return this.expected.all.length;
    if (channel === 'gazette') return this.expected.gazette.size;
    return this.expected.accounts.size;
  }

  complete(channel: Channel): boolean {
    return (this.done.get(channel)?.size ?? 0) >= this.expectedOf(channel);
  }
}

interface FakeStats {
  accepted: Record<string, number>;
  drafts: unknown[];
  jobs: unknown[];
}
const fakeStats = async (bench: BenchPipeline): Promise<FakeStats> =>
  (await fetch(`${bench.pipeline.url('wechat-fake')}/_fake/stats`)).json() as Promise<FakeStats>;
/** The fake's successful calls per endpoint, summed over accounts. */
const acceptedByEndpoint = (stats: FakeStats): Record<string, number> => {
  const sums: Record<string, number> = {};
  for (const [key, count] of Object.entries(stats.accepted)) {
    const endpoint = key.split(' ')[0] ?? key;
    sums[endpoint] = (sums[endpoint] ?? 0) + count;
  }
  return sums;
};
// Calls that change what an account shows; token, get and batchget only read.
const mutating = ['media/uploadimg', 'material/add_material', 'draft/add', 'freepublish/submit', 'freepublish/delete'];

/** Waits until every channel is complete, or the deadline; logs progress every 30 s. */
const follow = async (progress: Progress, deadline: number, label: string): Promise<void> => {
  let lastLog = Date.now();
  while (Date.now() < deadline && !renderers.every((channel) => progress.complete(channel as Channel))) {
    await sleep(500);
    if (Date.now() - lastLog > 30_000) {
      lastLog = Date.now();
      log(
        `  ${label}: ${renderers.map((channel) => `${channel} ${progress.done.get(channel as Channel)?.size}/${progress.expectedOf(channel as Channel)}`).join(', ')}`,
      );
    }
  }
};

const rateOf = (progress: Progress, channel: Channel, from: number): { count: number; seconds: number; perSecond: number } => {
  const count = progress.done.get(channel)?.size ?? 0;
  const seconds = ((progress.last.get(channel) ?? from) - from) / 1000;
  return { count, seconds, perSecond: seconds > 0 ? count / seconds : Number.NaN };
};

const started = Date.now();
log('starting private Kafka, S3 and PostgreSQL');
const servers = await startPrivateServers('replay');
const staff = benchStaff();
const output: string[] = [];
console.log(`## Replay — ${new Date().toISOString().slice(0, 16)}Z\n`);
try {
  // ——— 1. replay over a topic already delivered once: nothing twice to WeChat ———
  {
    const namespace = `dedupe-${Math.random().toString(36).slice(2, 8)}`;
    const expected = await produce(servers, namespace, dedupeDocuments, 7);
    const first = await startBenchPipeline({
      servers,
      users: staff.users,
      namespace,
      services: ['wechat-fake', ...renderers],
      wechatPublishDelayMs,
    });
    const recorder = new StatusRecorder(servers.kafkaBrokers, `${namespace}.delivery.status`);
    let second: BenchPipeline | undefined;
    try {
      const progress = new Progress(expected);
      recorder.onStatus(progress.record);
      await recorder.start();
      const firstStart = Date.now();
      await follow(progress, Date.now() + budgetSeconds * 1000, 'first delivery');
      const firstDone = renderers.every((channel) => progress.complete(channel as Channel));
      log(`first delivery of ${dedupeDocuments} documents ${firstDone ? 'complete' : 'NOT complete'}`);
      await sleep(3_000); // late polls and pushes settle
      const before = await fakeStats(first);
      const statusesBefore = recorder.statuses.length;
      for (const name of renderers) await first.pipeline.kill(name, 'SIGTERM');

      // The same services, the same databases and buckets, new consumer groups: offset 0 again.
      const replayGroups = {
        portal: { PORTAL_GROUP_ID: `portal-replay-${namespace}` },
        newmedia: { NEWMEDIA_GROUP_ID: `newmedia-replay-${namespace}` },
        gazette: { GAZETTE_GROUP_ID: `gazette-replay-${namespace}` },
      };
      const replayStart = Date.now();
      // Lag is watched while the services start (one after the other): the first may be done before the last is up.
      const starting = startBenchPipeline({
        servers,
        users: staff.users,
        namespace,
        services: renderers,
        wechatPublishDelayMs,
        extraEnv: replayGroups,
        like: first,
      });
      let started = false;
      void starting.then(
        (running) => {
          second = running;
          started = true;
        },
        () => {},
      );
      const caughtUp = new Map<string, number>();
      const replayDeadline = Date.now() + budgetSeconds * 1000;
      while ((!started || caughtUp.size < renderers.length) && Date.now() < replayDeadline) {
        for (const row of await consumerLag(servers.kafkaBrokers, namespace)) {
          if (row.group.includes('-replay') && row.topic === topics.contentPublished.name && row.lag === 0) {
            if (!caughtUp.has(row.group)) caughtUp.set(row.group, Date.now());
          }
        }
        await sleep(250);
      }
      second = await starting;
      await sleep(5_000); // anything a replay would send to WeChat has had time to be sent
      const after = await fakeStats(first);
      const [a, b] = [acceptedByEndpoint(before), acceptedByEndpoint(after)];
      const unchanged =
        mutating.every((endpoint) => (a[endpoint] ?? 0) === (b[endpoint] ?? 0)) &&
        before.drafts.length === after.drafts.length &&
        before.jobs.length === after.jobs.length;
      const newStatuses = recorder.statuses.slice(statusesBefore);
      const newDelivered = newStatuses.filter((status) => status.state === 'delivered').length;
      output.push(
        `### Replay over a delivered topic: ${dedupeDocuments} documents, ${progress.deliveries} WeChat deliveries`,
        '',
        table(
          ['fake WeChat (/_fake/stats)', 'after first delivery', 'after replay from offset 0', 'changed'],
          [
            ...mutating.map((endpoint) => [
              `${endpoint} accepted`,
              a[endpoint] ?? 0,
              b[endpoint] ?? 0,
              (a[endpoint] ?? 0) === (b[endpoint] ?? 0) ? 'no' : '**yes**',
            ]),
            [
              'drafts stored',
              before.drafts.length,
              after.drafts.length,
              before.drafts.length === after.drafts.length ? 'no' : '**yes**',
            ],
            ['publish jobs', before.jobs.length, after.jobs.length, before.jobs.length === after.jobs.length ? 'no' : '**yes**'],
          ],
        ),
        '',
        table(
          ['replay (new group, same state)', 'caught up (lag 0) after', 'documents/s', 'first delivery (docs/s)'],
          renderers.map((channel) => {
            const group = `${channel === 'portal' ? 'portal' : channel}-replay`;
            const at = caughtUp.get(group);
            const first = rateOf(progress, channel as Channel, firstStart);
            return [
              channel,
              at === undefined ? 'not within the budget' : ms(at - replayStart),
              at === undefined ? '–' : (dedupeDocuments / ((at - replayStart) / 1000)).toFixed(0),
              `${first.count}/${progress.expectedOf(channel as Channel)} in ${first.seconds.toFixed(1)} s`,
            ];
          }),
        ),
        '',
        `WeChat twice: **${unchanged ? 'nothing' : 'SOMETHING'}** was sent again on replay; ${newDelivered} new \`delivered\` statuses during the replay, ${progress.failed} \`failed\` in all. (caught-up time counts from starting the three services, one after the other, so it includes their boot, ~2–4 s each.)`,
        '',
      );
      log(`replay over the delivered topic: WeChat unchanged = ${unchanged}`);
      console.log(output.splice(0).join('\n'));
    } finally {
      await recorder.stop();
      await second?.cleanUp();
      await first.cleanUp();
    }
  }

  // ——— 2. cold rebuild of every view from offset 0 ———
  {
    const namespace = `replay-${Math.random().toString(36).slice(2, 8)}`;
    const produceStart = Date.now();
    const expected = await produce(servers, namespace, documents, 1);
    const produceSeconds = (Date.now() - produceStart) / 1000;
    const progress = new Progress(expected);
    const bench = await startBenchPipeline({
      servers,
      users: staff.users,
      namespace,
      services: ['wechat-fake', ...renderers],
      wechatPublishDelayMs,
      ...(process.env.BENCH_CPU_PROFILE_DIR ? { cpuProfileDir: `${process.env.BENCH_CPU_PROFILE_DIR}/replay` } : {}),
    });
    const servicesUp = Date.now();
    const recorder = new StatusRecorder(servers.kafkaBrokers, `${namespace}.delivery.status`);
    try {
      recorder.onStatus(progress.record);
      await recorder.start();
      await follow(progress, servicesUp + budgetSeconds * 1000, 'cold rebuild');
      const rss = peakRssMiB(bench.pipeline);
      const lag = await consumerLag(servers.kafkaBrokers, namespace);
      const rows = renderers.map((name) => {
        const channel = name as Channel;
        const { count, seconds, perSecond } = rateOf(progress, channel, progress.first.get(channel) ?? servicesUp);
        const total = progress.expectedOf(channel);
        const complete = count >= total;
        const remaining = (total - count) / perSecond;
        return [
          channel,
          total,
          count,
          seconds.toFixed(0),
          Number.isNaN(perSecond) ? '–' : perSecond.toFixed(1),
          complete
            ? 'caught up'
            : `**extrapolated**: ${Number.isFinite(remaining) ? `${((seconds + remaining) / 60).toFixed(0)} min in all` : '–'}`,
          lag.find(
            (row) =>
              row.group.startsWith(channel === 'portal' ? 'portal' : channel) && row.topic === topics.contentPublished.name,
          )?.lag ?? '–',
          rss.get(name) ?? '–',
        ];
      });
      output.push(
        `### Cold rebuild from offset 0: ${documents} documents (produced in ${produceSeconds.toFixed(0)} s, ${Math.round(documents / produceSeconds)}/s), budget ${budgetSeconds} s`,
        '',
        "Documents done per channel (portal `delivered`; newmedia: every routed account `delivered` on WeChat; gazette `pending` in an issue), from the channel's first status to its last.",
        '',
        table(
          ['channel', 'documents expected', 'done', 'seconds', 'documents/s', 'all of them', 'lag at the end', 'peak RSS (MiB)'],
          rows,
        ),
        '',
        `newmedia: ${progress.deliveries} WeChat deliveries (${(progress.deliveries / Math.max(1, ((progress.last.get('newmedia') ?? servicesUp) - (progress.first.get('newmedia') ?? servicesUp)) / 1000)).toFixed(1)}/s) for ${[...expected.accounts.values()].reduce((sum, n) => sum + n, 0)} routed; ${progress.failed} \`failed\` statuses. Extrapolated = at the measured rate, from the channel's first status.`,
        '',
      );
    } finally {
      await recorder.stop();
      await bench.cleanUp();
    }
  }
} finally {
  await servers.stop();
}
console.log(output.join('\n'));
console.log(`Whole run ${((Date.now() - started) / 1000).toFixed(0)} s.`);
process.exit(0);
