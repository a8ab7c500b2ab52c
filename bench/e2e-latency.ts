// `npm run bench:latency`: publish → live on every channel, per revision, at fixed publish rates (open loop), on private
// Kafka, S3 and PostgreSQL with every service running. Drafts are staged with their 三审 and 保密审查 beforehand (not
// timed); each publish is fired on a timer schedule; a revision's clock starts at the 201 of its publish and stops at the
// `occurredAt` of its status on delivery.status: portal `delivered`, newmedia `delivering` (own feed + H5 page written)
// and `delivered` (published on WeChat) per account, gazette `pending` with an issue target (a candidate of the issue).
// Env: BENCH_RATES (10,50,200), BENCH_SECONDS per rate (30), BENCH_DRAIN_SECONDS (60), BENCH_STAGE_CONCURRENCY (8),
// BENCH_WECHAT_PUBLISH_DELAY_MS (500). See bench/README.md.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountMatrix, type DeliveryStatus, type DocumentRevision, routeToAccounts } from '@tongyuan/contracts';
import { EditorialClient, variantOf } from '../scripts/editorial-client.ts';
import { repoRoot, type ServiceName, serviceNames } from '../scripts/pipeline.ts';
import { readSamples } from '../scripts/publish-samples.ts';
import {
  benchStaff,
  consumerLag,
  cpuSecondsByProcess,
  log,
  machineCpuSeconds,
  ms,
  numberFromEnv,
  peakRssMiB,
  percentile,
  ratesFromEnv,
  StatusRecorder,
  sleep,
  startBenchPipeline,
  startPrivateServers,
  table,
} from './private-pipeline.ts';

const rates = ratesFromEnv('10,50,200');
const seconds = numberFromEnv('BENCH_SECONDS', 30);
const drainSeconds = numberFromEnv('BENCH_DRAIN_SECONDS', 60);
const stageConcurrency = numberFromEnv('BENCH_STAGE_CONCURRENCY', 8);
const wechatPublishDelayMs = numberFromEnv('BENCH_WECHAT_PUBLISH_DELAY_MS', 500);
const gazetteKinds = new Set(['规章', '规范性文件', '政策解读']);
const TARGET_MS = 1_000;
const TARGET_RATE = 50;

const accounts = AccountMatrix.parse(
  JSON.parse(readFileSync(join(repoRoot, 'services', 'newmedia', 'accounts.sample.json'), 'utf8')),
).accounts;
// Interpretations are released with their policy; the policy itself is varied as a plain 规范性文件 (as the chaos run does).
const samples = (await readSamples(join(repoRoot, 'samples', 'documents')))
  .filter((sample) => !sample.raw.interprets)
  .map((sample) => ({ ...sample, raw: { ...sample.raw, requires_interpretation: false } }));

type Channel = 'portal' | 'newmedia-h5' | 'newmedia' | 'gazette';
const channelRows: Array<{ channel: Channel; label: string }> = [
  { channel: 'portal', label: 'portal (page live)' },
  { channel: 'newmedia-h5', label: 'newmedia: own feed + H5 page, per account' },
  { channel: 'newmedia', label: 'newmedia: published on WeChat, per account' },
  { channel: 'gazette', label: 'gazette (candidate of the open issue)' },
];

interface Staged {
  documentId: string;
  /** "<channel> <target>" this revision should reach; gazette's target (the issue) is not known before. */
  expected: string[];
  acceptedAt?: number;
  requestedAt?: number;
}

/** Which state on delivery.status means "live" for each of our channels. */
const liveKeyOf = (status: DeliveryStatus): string | null => {
  if (status.channel === 'portal' && status.state === 'delivered') return 'portal';
  if (status.channel === 'newmedia' && status.state === 'delivering') return `newmedia-h5 ${status.target}`;
  if (status.channel === 'newmedia' && status.state === 'delivered') return `newmedia ${status.target}`;
  if (status.channel === 'gazette' && status.state === 'pending') return 'gazette';
  return null;
};

interface RateResult {
  rate: number;
  scheduled: number;
  accepted: number;
  refused: number;
  achievedRate: number;
  publishApiMs: number[];
  latencies: Map<Channel | 'overall', number[]>;
  notLive: Map<Channel | 'overall', number>;
  failed: Map<string, number>;
  lag: Array<{ group: string; topic: string; lag: number }>;
  rss: Map<ServiceName, number>;
  drainedMs: number;
  /** CPU seconds used from the first publish to the end of the drain: per service, and by the whole machine. */
  cpu: { byProcess: Map<string, number>; machine: number; cores: number; wallSeconds: number };
}

const runRate = async (
  servers: Awaited<ReturnType<typeof startPrivateServers>>,
  rate: number,
  staff: ReturnType<typeof benchStaff>,
): Promise<RateResult> => {
  const namespace = `lat${rate}-${Math.random().toString(36).slice(2, 8)}`;
  log(`rate ${rate}/s: starting the services (namespace ${namespace})`);
  const bench = await startBenchPipeline({
    servers,
    users: staff.users,
    namespace,
    services: serviceNames,
    wechatPublishDelayMs,
    ...(process.env.BENCH_CPU_PROFILE_DIR ? { cpuProfileDir: `${process.env.BENCH_CPU_PROFILE_DIR}/rate-${rate}` } : {}),
  });
  const recorder = new StatusRecorder(servers.kafkaBrokers, `${namespace}.delivery.status`);
  try {
    await recorder.start();
    const client = new EditorialClient(bench.pipeline.url('editorial'), staff.tokens);
    const total = Math.max(1, Math.round(rate * seconds));

    // Staging, not timed: draft, 自审, 审核, 批审, 保密审查 for every revision the run will publish.
    const staged: Staged[] = new Array(total);
    let next = 0;
    const stageStart = Date.now();
    await Promise.all(
      Array.from({ length: stageConcurrency }, async () => {
        while (next < total) {
          const n = next++;
          const sample = samples[n % samples.length];
          if (!sample) throw new Error('no samples');
          const content = variantOf(sample.raw, n);
          const created = await client.call('editor', 'POST', '/v1/documents', { content });
          if (created.status !== 201) throw new Error(`draft ${n}: ${created.status} ${JSON.stringify(created.body)}`);
          const documentId = created.body.documentId as string;
          for (const [who, stage] of [
            ['officeHead', '自审'],
            ['leader', '审核'],
            ['principal', '批审'],
          ] as const) {
            const answer = await client.call(who, 'POST', `/v1/documents/${documentId}/draft/reviews`, {
              stage,
              decision: 'approved',
              comment: null,
            });
            if (answer.status >= 400) throw new Error(`${stage} of ${documentId}: ${answer.status}`);
          }
          const cleared = await client.call(
            'confidentiality',
            'POST',
            `/v1/documents/${documentId}/draft/confidentiality-review`,
            {
              conclusion: '不涉密',
              comment: null,
            },
          );
          if (cleared.status >= 400) throw new Error(`保密审查 of ${documentId}: ${cleared.status}`);
          // Routing is a pure function of the content: the same one newmedia applies.
          const routed = routeToAccounts(
            { openness: content.openness, targeting: content.targeting, topics: content.topics, kind: content.kind } as Pick<
              DocumentRevision,
              'openness' | 'targeting' | 'topics' | 'kind'
            >,
            accounts,
          );
          staged[n] = {
            documentId,
            expected: [
              'portal',
              ...routed.flatMap((account) => [`newmedia-h5 ${account.id}`, `newmedia ${account.id}`]),
              ...(gazetteKinds.has(content.kind) ? ['gazette'] : []),
            ],
          };
        }
      }),
    );
    log(
      `rate ${rate}/s: ${total} drafts staged in ${((Date.now() - stageStart) / 1000).toFixed(0)} s; publishing for ${seconds} s`,
    );

    // Live marks, by "<documentId> <live key>": the first status that made it live.
    const live = new Map<string, number>();
    const failed = new Map<string, number>();
    const note = (status: DeliveryStatus) => {
      if (status.revision !== 1) return;
      const key = liveKeyOf(status);
      if (key !== null && !live.has(`${status.documentId} ${key}`)) {
        live.set(`${status.documentId} ${key}`, Date.parse(status.occurredAt));
      }
      if (status.state === 'failed') {
        const what = `${status.channel} ${status.error?.code ?? 'UNKNOWN'}`;
        failed.set(what, (failed.get(what) ?? 0) + 1);
      }
    };
    for (const status of recorder.statuses) note(status);
    recorder.onStatus(note);

    // Open loop: every publish fires at its scheduled moment, whether or not the earlier ones have been answered.
    const t0 = Date.now() + 200;
    const cpuBefore = { byProcess: cpuSecondsByProcess(bench.pipeline), machine: machineCpuSeconds() };
    let refused = 0;
    const publishes = staged.map(
      (draft, i) =>
        new Promise<void>((resolve) => {
          setTimeout(
            () => {
              draft.requestedAt = Date.now();
              void client
                .call('editor', 'POST', `/v1/documents/${draft.documentId}/publish`, undefined, {
                  'idempotency-key': `${draft.documentId}.r1`,
                })
                .then(
                  (answer) => {
                    if (answer.status === 201 || answer.status === 200) draft.acceptedAt = Date.now();
                    else {
                      refused++;
                      log(`publish ${draft.documentId}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
                    }
                  },
                  (error) => {
                    refused++;
                    log(`publish ${draft.documentId}: ${String(error)}`);
                  },
                )
                .finally(resolve);
            },
            Math.max(0, t0 + (i * 1000) / rate - Date.now()),
          );
        }),
    );
    await Promise.all(publishes);
    const accepted = staged.filter((draft) => draft.acceptedAt !== undefined);
    const lastAccepted = Math.max(...accepted.map((draft) => draft.acceptedAt ?? 0));
    const achievedRate = accepted.length / Math.max(0.001, (lastAccepted - t0) / 1000);
    log(`rate ${rate}/s: ${accepted.length} accepted (${achievedRate.toFixed(1)}/s achieved); waiting for every channel`);

    const allLive = () => accepted.every((draft) => draft.expected.every((key) => live.has(`${draft.documentId} ${key}`)));
    const drainDeadline = Date.now() + drainSeconds * 1000;
    while (!allLive() && Date.now() < drainDeadline) await sleep(250);
    const drainedMs = Date.now() - lastAccepted;
    const cpuAfter = { byProcess: cpuSecondsByProcess(bench.pipeline), machine: machineCpuSeconds() };
    const cpu = {
      byProcess: new Map(
        [...cpuAfter.byProcess].map(([name, seconds]) => [name, seconds - (cpuBefore.byProcess.get(name) ?? 0)] as const),
      ),
      machine: cpuAfter.machine.busy - cpuBefore.machine.busy,
      cores: cpuAfter.machine.cores,
      wallSeconds: (Date.now() - t0) / 1000,
    };

    const latencies = new Map<Channel | 'overall', number[]>();
    const notLive = new Map<Channel | 'overall', number>();
    const add = <K>(map: Map<K, number[]>, key: K, value: number) => map.set(key, [...(map.get(key) ?? []), value]);
    for (const draft of accepted) {
      let worst = 0;
      let complete = true;
      for (const key of draft.expected) {
        const channel = key.split(' ')[0] as Channel;
        const at = live.get(`${draft.documentId} ${key}`);
        if (at === undefined) {
          notLive.set(channel, (notLive.get(channel) ?? 0) + 1);
          complete = false;
          continue;
        }
        const latency = at - (draft.acceptedAt ?? 0);
        add(latencies, channel, latency);
        if (channel !== 'newmedia-h5') worst = Math.max(worst, latency);
      }
      if (complete) add(latencies, 'overall', worst);
      else notLive.set('overall', (notLive.get('overall') ?? 0) + 1);
    }
    for (const values of latencies.values()) values.sort((a, b) => a - b);
    const lag = await consumerLag(servers.kafkaBrokers, namespace);
    const rss = peakRssMiB(bench.pipeline);
    return {
      rate,
      scheduled: total,
      accepted: accepted.length,
      refused,
      achievedRate,
      publishApiMs: accepted.map((draft) => (draft.acceptedAt ?? 0) - (draft.requestedAt ?? 0)).sort((a, b) => a - b),
      latencies,
      notLive,
      failed,
      lag,
      rss,
      drainedMs,
      cpu,
    };
  } finally {
    await recorder.stop();
    await bench.cleanUp();
    if (bench.pipeline.crashes.length > 0) log(`crashes: ${JSON.stringify(bench.pipeline.crashes)}`);
  }
};

const started = Date.now();
log('starting private Kafka, S3 and PostgreSQL');
const servers = await startPrivateServers('latency');
const results: RateResult[] = [];
try {
  const staff = benchStaff();
  for (const rate of rates) results.push(await runRate(servers, rate, staff));
} finally {
  await servers.stop();
}

const lines: string[] = [];
lines.push(
  `## End-to-end latency — ${new Date().toISOString().slice(0, 16)}Z, ${seconds} s per rate, drain window ${drainSeconds} s, fake WeChat publish job ${wechatPublishDelayMs} ms`,
  '',
  'Milliseconds from the 201 of the publish to the status on delivery.status (`occurredAt`), per revision (per account for newmedia). "not live" = expected but not reached within the drain window.',
  '',
);
lines.push(
  table(
    ['rate (/s)', 'channel', 'n', 'p50', 'p95', 'p99', 'max', 'not live'],
    results.flatMap((result) =>
      [...channelRows, { channel: 'overall' as const, label: '**overall** (max over portal, WeChat, gazette)' }].map(
        ({ channel, label }) => {
          const values = result.latencies.get(channel) ?? [];
          return [
            result.rate,
            label,
            values.length,
            ms(percentile(values, 50)),
            ms(percentile(values, 95)),
            ms(percentile(values, 99)),
            ms(values.at(-1) ?? Number.NaN),
            result.notLive.get(channel) ?? 0,
          ];
        },
      ),
    ),
  ),
  '',
);
lines.push(
  table(
    [
      'rate (/s)',
      'scheduled',
      'accepted',
      'refused',
      'achieved (/s)',
      'publish API p50 / p99 (ms)',
      'failed statuses',
      'drained after',
    ],
    results.map((result) => [
      result.rate,
      result.scheduled,
      result.accepted,
      result.refused,
      result.achievedRate.toFixed(1),
      `${ms(percentile(result.publishApiMs, 50))} / ${ms(percentile(result.publishApiMs, 99))}`,
      [...result.failed].map(([what, count]) => `${what} ×${count}`).join(', ') || '0',
      ms(result.drainedMs),
    ]),
  ),
  '',
);
lines.push(
  table(
    ['rate (/s)', 'consumer lag at the end (group: messages)', ...serviceNames.map((name) => `${name} peak RSS (MiB)`)],
    results.map((result) => [
      result.rate,
      result.lag.map((row) => `${row.group} ${row.topic}: ${row.lag}`).join('; '),
      ...serviceNames.map((name) => result.rss.get(name) ?? '–'),
    ]),
  ),
  '',
);
// The capacity check: a rate whose work needs more CPU seconds per second than the machine has cannot keep any latency.
const processGroups = [...serviceNames, 'kafka', 's3proxy', 'postgresql', 'benchmark', 'other'];
lines.push(
  table(
    [
      'rate (/s)',
      'machine busy (cores of N)',
      'machine CPU-ms per revision',
      ...processGroups.map((name) => `${name} CPU-ms per revision`),
    ],
    results.map((result) => [
      result.rate,
      `${(result.cpu.machine / result.cpu.wallSeconds).toFixed(2)} of ${result.cpu.cores}`,
      Math.round((result.cpu.machine * 1000) / Math.max(1, result.accepted)),
      ...processGroups.map((name) => {
        const seconds = result.cpu.byProcess.get(name);
        return seconds === undefined ? '–' : Math.round((seconds * 1000) / Math.max(1, result.accepted));
      }),
    ]),
  ),
  '',
  'CPU from the first publish to the end of the drain (/proc/stat; per process /proc/<pid>/stat, PostgreSQL summed over its backends). The benchmark itself stages nothing in that window: it fires the publishes and reads delivery.status. A rate r needs r × (machine CPU-ms per revision) / 1000 cores.',
  '',
);
const at50 = results.find((result) => result.rate === TARGET_RATE);
if (at50) {
  const p99 = percentile(at50.latencies.get('overall') ?? [], 99);
  const met = (at50.notLive.get('overall') ?? 0) === 0 && p99 <= TARGET_MS;
  lines.push(
    `Target p99 ≤ ${TARGET_MS} ms to live on all channels at ${TARGET_RATE}/s: **${met ? 'met' : 'not met'}** (overall p99 ${ms(p99)}, ${at50.notLive.get('overall') ?? 0} revisions not live on every channel within the window).`,
  );
}
lines.push(`Whole run ${((Date.now() - started) / 1000).toFixed(0)} s.`);
console.log(lines.join('\n'));
process.exit(0);
