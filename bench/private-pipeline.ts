// What the latency and replay benchmarks share: private Kafka, S3 and PostgreSQL (own ports, own data, so a run never
// disturbs anything else on the machine), the pipeline's services on them, and the measuring instruments around it.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DeliveryStatus, DeliveryStatus as DeliveryStatusSchema } from '@tongyuan/contracts';
import { issueTokens } from '@tongyuan/http';
import { freeServerPort, type InfraEndpoints, startPrivateServers as startInfraServers } from '@tongyuan/infra';
import { type Consumer, Kafka, logLevel } from 'kafkajs';
import { Pipeline, type PipelineOptions, repoRoot, type ServiceName } from '../scripts/pipeline.ts';
import { staff } from '../services/editorial/src/staff.fixture.ts';

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export const numberFromEnv = (name: string, fallback: number): number => {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number`);
  return value;
};
/** BENCH_RATES: a comma list of revisions per second, each run in turn. */
export const ratesFromEnv = (fallback: string): number[] => {
  const rates = (process.env.BENCH_RATES ?? fallback).split(',').map((rate) => Number(rate.trim()));
  if (rates.some((rate) => !(rate > 0))) throw new Error('BENCH_RATES must be a comma list of positive numbers');
  return rates;
};
// Not @tongyuan/testing's index: it loads vitest, which refuses to run outside a test.
export const uniqueName = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;
export const log = (line: string) => console.error(`${new Date().toISOString().slice(11, 19)}  ${line}`);

// What an interrupted run (Ctrl-C, SIGTERM) must still stop: its services first, then its servers, newest first.
const cleanUps: Array<() => Promise<void>> = [];
/** Registers a clean-up; the function returned runs it once, however often and from wherever it is called. */
const cleaningUp = (cleanUp: () => Promise<void>): (() => Promise<void>) => {
  let running: Promise<void> | undefined;
  const once = () => {
    running ??= cleanUp();
    return running;
  };
  cleanUps.push(once);
  return once;
};
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping this run's services and servers`);
    void (async () => {
      for (const cleanUp of [...cleanUps].reverse()) await cleanUp().catch(() => {});
      process.exit(130);
    })();
  });
}

export interface PrivateServers {
  endpoints: InfraEndpoints;
  kafkaBrokers: string;
  stop(): Promise<void>;
}

/** Kafka (KRaft), S3Proxy and PostgreSQL of this run alone (as the chaos run's), stopped and deleted on Ctrl-C too. */
export const startPrivateServers = async (label: string): Promise<PrivateServers> => {
  const servers = await startInfraServers(uniqueName(label));
  return { kafkaBrokers: servers.kafka.url, endpoints: servers.endpoints, stop: cleaningUp(servers.destroy) };
};

/** Demo staff with fresh tokens: the editors' API and the archivists' API authenticate them. */
export const benchStaff = () => issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));

export interface BenchPipelineOptions {
  servers: PrivateServers;
  users: PipelineOptions['users'];
  namespace: string;
  services: readonly ServiceName[];
  /** A folder: every service profiles its first BENCH_CPU_PROFILE_SECONDS (default 60) into <folder>/<service>/. */
  cpuProfileDir?: string;
  /** The fake's publish job time: WeChat's own, not the pipeline's. */
  wechatPublishDelayMs: number;
  extraEnv?: PipelineOptions['extraEnv'];
  /** Reuse another pipeline's ports and work folder (a second run of some services over the same state). */
  like?: BenchPipeline;
}

export interface BenchPipeline {
  pipeline: Pipeline;
  ports: Partial<Record<ServiceName, number>>;
  workDir: string;
  cleanUp(): Promise<void>;
}

/**
 * The pipeline on the private servers, in a namespace (topic prefix, buckets, databases, groups). The fake WeChat API
 * pushes PUBLISHJOBFINISH to this run's newmedia port, as WeChat pushes to an account's server URL.
 */
export const startBenchPipeline = async (options: BenchPipelineOptions): Promise<BenchPipeline> => {
  const workDir = options.like?.workDir ?? (await mkdtemp(join(tmpdir(), 'tongyuan-bench-')));
  const ports =
    options.like?.ports ??
    Object.fromEntries(
      await Promise.all(
        (['wechat-fake', 'editorial', 'portal', 'newmedia', 'gazette', 'ops'] as const).map(
          async (name) => [name, await freeServerPort()] as const,
        ),
      ),
    );
  const appsFile = join(workDir, 'fake-wechat.apps.json');
  const apps = JSON.parse(readFileSync(join(repoRoot, 'services', 'newmedia', 'fake-wechat.apps.sample.json'), 'utf8')) as Array<{
    callbackUrl?: string;
  }>;
  const pushTo = (url: string) => url.replace(/^http:\/\/127\.0\.0\.1:8083\//, `http://127.0.0.1:${ports.newmedia}/`);
  await writeFile(
    appsFile,
    JSON.stringify(apps.map((app) => ({ ...app, ...(app.callbackUrl ? { callbackUrl: pushTo(app.callbackUrl) } : {}) }))),
  );
  const pipeline = new Pipeline({
    endpoints: options.servers.endpoints,
    users: options.users,
    workDir,
    ports,
    namespace: options.namespace,
    only: options.services,
    logLevel: process.env.BENCH_SERVICE_LOG_LEVEL ?? 'warn',
    // A benchmark measures; a service that crashes is a finding, not something to paper over.
    restartCrashed: false,
    extraEnv: {
      ...Object.fromEntries(
        options.cpuProfileDir === undefined
          ? []
          : options.services.map((name) => [
              name,
              {
                NODE_OPTIONS: `--require ${join(repoRoot, 'bench', 'cpu-profile.cjs')}`,
                BENCH_CPU_PROFILE_OUT: join(options.cpuProfileDir as string, name),
                ...options.extraEnv?.[name],
              },
            ]),
      ),
      ...options.extraEnv,
      'wechat-fake': {
        FAKE_WECHAT_APPS_FILE: appsFile,
        FAKE_WECHAT_PUBLISH_DELAY_MS: String(options.wechatPublishDelayMs),
        ...options.extraEnv?.['wechat-fake'],
      },
    },
  });
  try {
    await pipeline.start();
  } catch (error) {
    // The services already up would outlive the run; the logs stay in the work folder for the diagnosis.
    await pipeline.stop().catch(() => {});
    log(`logs: ${join(workDir, 'logs')}`);
    throw error;
  }
  return {
    pipeline,
    ports,
    workDir,
    cleanUp: cleaningUp(async () => {
      // SIGTERM first; a service still draining work its callers gave up on (an editors' API flooded past its rate) is
      // SIGKILLed after 20 s.
      const stopped = pipeline.stop().catch(() => {});
      if ((await Promise.race([stopped.then(() => true), sleep(20_000).then(() => false)])) === false) {
        log('services still stopping after 20 s: SIGKILL');
        await Promise.all(pipeline.services.map((name) => pipeline.kill(name, 'SIGKILL').catch(() => {})));
      }
      await stopped;
      if (!options.like) await rm(workDir, { recursive: true, force: true });
    }),
  };
};

/** Which service of the pipeline a command line runs, if any. */
const serviceOf = (commandLine: string, pipeline: Pipeline): ServiceName | undefined =>
  pipeline.services.find((service) =>
    commandLine.includes(service === 'wechat-fake' ? 'wechat-api/src/fake/main.ts' : `services/${service}/src/main.ts`),
  );

/** The process id of each service of the pipeline (children of this process started by Pipeline). */
const servicePids = (pipeline: Pipeline): Map<ServiceName, string> => {
  const pids = new Map<ServiceName, string>();
  const children = execFileSync('ps', ['--ppid', String(process.pid), '-o', 'pid=,args='], { encoding: 'utf8' });
  for (const line of children.split('\n')) {
    const match = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (!match) continue;
    const [, pid, args] = match as unknown as [string, string, string];
    const name = serviceOf(args, pipeline);
    if (name) pids.set(name, pid);
  }
  return pids;
};

/**
 * Peak resident memory (VmHWM) of each service process. Read before the services stop: the kernel keeps the high-water
 * mark per process.
 */
export const peakRssMiB = (pipeline: Pipeline): Map<ServiceName, number> => {
  const peaks = new Map<ServiceName, number>();
  for (const [name, pid] of servicePids(pipeline)) {
    try {
      const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (hwm) peaks.set(name, Math.round(Number(hwm) / 1024));
    } catch {
      // exited between ps and the read
    }
  }
  return peaks;
};

// Linux reports CPU time in clock ticks of 1/100 s (USER_HZ) in /proc/stat and /proc/<pid>/stat.
const TICKS_PER_SECOND = 100;

/** Who a process is, for the CPU table: a service, one of the servers, this benchmark, or something else. */
const processGroupOf = (commandLine: string, pipeline: Pipeline | undefined): string => {
  const service = pipeline && serviceOf(commandLine, pipeline);
  if (service) return service;
  if (commandLine.includes('kafka.Kafka')) return 'kafka';
  if (commandLine.includes('s3proxy')) return 's3proxy';
  if (commandLine.startsWith('postgres')) return 'postgresql';
  return 'other';
};

/**
 * CPU seconds (user + system) used so far by every process on the machine, summed by who it is (processGroupOf):
 * services, Kafka, S3Proxy, PostgreSQL (every backend), this benchmark, the rest.
 */
export const cpuSecondsByProcess = (pipeline?: Pipeline): Map<string, number> => {
  const used = new Map<string, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      // Fields after the parenthesised command name: state is the first, utime the 12th, stime the 13th.
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8')
        .replace(/^.*\) /s, '')
        .split(' ');
      const group = entry === String(process.pid) ? 'benchmark' : processGroupOf(commandLine, pipeline);
      used.set(group, (used.get(group) ?? 0) + (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // exited while being read
    }
  }
  return used;
};

/** CPU seconds the whole machine has spent busy (every process: servers, services, this benchmark), and its cores. */
export const machineCpuSeconds = (): { busy: number; cores: number } => {
  const lines = readFileSync('/proc/stat', 'utf8').split('\n');
  const [, user, nice, system, , , irq, softirq, steal] = (lines[0] ?? '').trim().split(/\s+/).map(Number);
  const cores = lines.filter((line) => /^cpu\d+ /.test(line)).length;
  return {
    busy: ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) / TICKS_PER_SECOND,
    cores,
  };
};

/** Each consumer group of a namespace: its lag (end offset − committed offset, summed over partitions) per topic. */
export const consumerLag = async (
  brokers: string,
  namespace: string,
): Promise<Array<{ group: string; topic: string; lag: number }>> => {
  const admin = new Kafka({ clientId: 'bench-lag', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const { groups } = await admin.listGroups();
    const rows: Array<{ group: string; topic: string; lag: number }> = [];
    for (const { groupId } of groups
      .filter((group) => group.groupId.includes(namespace))
      .sort((a, b) => a.groupId.localeCompare(b.groupId))) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        const ends = await admin.fetchTopicOffsets(topic);
        let lag = 0;
        for (const { partition, offset } of partitions) {
          const end = Number(ends.find((p) => p.partition === partition)?.high ?? 0);
          // -1: nothing committed yet on this partition, so all of it is still to read.
          lag += Number(offset) < 0 ? end - Number(ends.find((p) => p.partition === partition)?.low ?? 0) : end - Number(offset);
        }
        rows.push({ group: groupId.replace(`-${namespace}`, ''), topic: topic.replace(`${namespace}.`, ''), lag });
      }
    }
    return rows;
  } finally {
    await admin.disconnect().catch(() => {});
  }
};

/** Every delivery.status of a namespace, from the start of the topic, as it arrives; `receivedAt` is our clock. */
export class StatusRecorder {
  readonly statuses: Array<DeliveryStatus & { receivedAt: number }> = [];
  private consumer: Consumer | undefined;
  private listeners = new Set<(status: DeliveryStatus & { receivedAt: number }) => void>();
  invalid = 0;

  constructor(
    private readonly brokers: string,
    private readonly topic: string,
  ) {}

  onStatus(listener: (status: DeliveryStatus & { receivedAt: number }) => void): void {
    this.listeners.add(listener);
  }

  async start(): Promise<void> {
    const kafka = new Kafka({ clientId: 'bench-status', brokers: [this.brokers], logLevel: logLevel.NOTHING });
    // Started after the services: they create the topic with the catalogue's partitions and configs.
    this.consumer = kafka.consumer({ groupId: uniqueName('bench-status'), maxWaitTimeInMs: 50 });
    await this.consumer.connect();
    await this.consumer.subscribe({ topic: this.topic, fromBeginning: true });
    let joined: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      joined = resolve;
    });
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => joined());
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const receivedAt = Date.now();
        for (const message of batch.messages) {
          const parsed = DeliveryStatusSchema.safeParse(JSON.parse(message.value?.toString('utf8') ?? 'null'));
          if (!parsed.success) {
            this.invalid++;
            continue;
          }
          const status = { ...parsed.data, receivedAt };
          this.statuses.push(status);
          for (const listener of this.listeners) listener(status);
        }
      },
    });
    await ready;
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => {});
  }
}

export const percentile = (sorted: readonly number[], p: number): number =>
  sorted.length === 0 ? Number.NaN : (sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number);

export const ms = (value: number): string =>
  Number.isNaN(value) ? '–' : value < 10_000 ? `${Math.round(value)}` : `${(value / 1000).toFixed(1)} s`;

/** A markdown table; numbers right-aligned by the renderer that shows it. */
export const table = (header: readonly string[], rows: ReadonlyArray<readonly (string | number)[]>): string =>
  [
    `| ${header.join(' | ')} |`,
    `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
