// The whole pipeline as child processes on loopback: what `npm start` runs, and what cross-service tests and chaos runs start,
// kill and restart. Each service is the same `services/<name>/src/main.ts` a container would run.
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ApiUser } from '@tongyuan/http';
import type { InfraEndpoints } from '@tongyuan/infra';

export const repoRoot = fileURLToPath(new URL('../', import.meta.url));

export type ServiceName = 'wechat-fake' | 'editorial' | 'portal' | 'newmedia' | 'gazette' | 'ops';

/** Start order: the fake WeChat API before the service that calls it; ops last, to see everyone. */
export const serviceNames: readonly ServiceName[] = ['wechat-fake', 'editorial', 'portal', 'newmedia', 'gazette', 'ops'];

export const defaultPorts: Record<ServiceName, number> = {
  editorial: 8081,
  portal: 8082,
  newmedia: 8083,
  gazette: 8084,
  ops: 8085,
  'wechat-fake': 8086,
};

export interface PipelineOptions {
  endpoints: InfraEndpoints;
  /** API users (token hashes) every service with an API authenticates against. */
  users: readonly ApiUser[];
  /** Where the users file (secrets/api-users.json) and the logs (logs/<service>.log) of this pipeline go. */
  workDir: string;
  ports?: Partial<Record<ServiceName, number>>;
  /**
   * Empty for `npm start`. Otherwise it isolates a run on the shared servers: topic prefix `<ns>.`,
   * buckets `<bucket>-<ns>`, databases `<service>_<ns>`.
   */
  namespace?: string;
  /** Services to run; default all. */
  only?: readonly ServiceName[];
  logLevel?: string;
  /** Restart a service that exits on its own (default true), as a supervisor would; the exit is recorded in `crashes`. */
  restartCrashed?: boolean;
  /** Extra environment per service (fault injection, short intervals in tests). */
  extraEnv?: Partial<Record<ServiceName, Record<string, string>>>;
}

interface RunningService {
  name: ServiceName;
  port: number;
  child: ChildProcess;
}

/** The pipeline's services as processes: start, kill (any signal), restart; each waits for /healthz. */
export class Pipeline {
  readonly ports: Record<ServiceName, number>;
  private readonly running = new Map<ServiceName, RunningService>();
  private readonly stopping = new WeakSet<ChildProcess>();
  /** Exits nobody asked for, in order. */
  readonly crashes: Array<{ service: ServiceName; code: number | null; signal: string | null; at: string }> = [];
  private usersFile = '';

  constructor(private readonly options: PipelineOptions) {
    this.ports = { ...defaultPorts, ...options.ports };
  }

  url(name: ServiceName): string {
    return `http://127.0.0.1:${this.ports[name]}`;
  }

  get services(): readonly ServiceName[] {
    return this.options.only ?? serviceNames;
  }

  /** Bucket names as this pipeline's services use them. */
  bucket(name: string): string {
    return this.options.namespace ? `${name}-${this.options.namespace}` : name;
  }

  get topicPrefix(): string {
    return this.options.namespace ? `${this.options.namespace}.` : '';
  }

  async start(): Promise<void> {
    for (const name of this.services) await this.startService(name);
  }

  async startService(name: ServiceName): Promise<void> {
    if (this.running.has(name)) return;
    if (this.usersFile === '') {
      await mkdir(join(this.options.workDir, 'logs'), { recursive: true });
      await mkdir(join(this.options.workDir, 'secrets'), { recursive: true, mode: 0o700 });
      this.usersFile = join(this.options.workDir, 'secrets', 'api-users.json');
      await writeFile(this.usersFile, JSON.stringify(this.options.users, null, 2), { mode: 0o600 });
    }
    const port = this.ports[name];
    const log = createWriteStream(join(this.options.workDir, 'logs', `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', entryOf(name)], {
      cwd: repoRoot,
      env: { ...process.env, ...this.environmentOf(name), PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.running.set(name, { name, port, child });
    child.once('exit', (code, signal) => {
      if (this.running.get(name)?.child !== child) return;
      this.running.delete(name);
      if (this.stopping.has(child)) return;
      // Nobody asked it to stop: a crash. Recorded, and restarted as a supervisor (compose, systemd) would.
      this.crashes.push({ service: name, code, signal, at: new Date().toISOString() });
      if (this.options.restartCrashed !== false) setTimeout(() => void this.startService(name).catch(() => {}), 500);
    });
    await this.waitHealthy(name, child);
  }

  /** SIGKILL by default: the crash a power cut or the OOM killer gives. */
  async kill(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const service = this.running.get(name);
    if (!service) return;
    const exited = new Promise((resolve) => service.child.once('exit', resolve));
    this.stopping.add(service.child);
    service.child.kill(signal);
    await exited;
  }

  async restart(name: ServiceName): Promise<void> {
    await this.kill(name);
    await this.startService(name);
  }

  /** SIGTERM to every service (they finish the message in hand and leave their groups), newest first. */
  async stop(): Promise<void> {
    for (const name of [...this.running.keys()].reverse()) await this.kill(name, 'SIGTERM');
  }

  /** Resolves when every service has exited (Ctrl-C in `npm start`). */
  exited(): Promise<void> {
    return Promise.all(
      [...this.running.values()].map((service) => new Promise((resolve) => service.child.once('exit', resolve))),
    ).then(() => undefined);
  }

  logFile(name: ServiceName): string {
    return join(this.options.workDir, 'logs', `${name}.log`);
  }

  private async waitHealthy(name: ServiceName, child: ChildProcess): Promise<void> {
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`${name} exited during start; see ${this.logFile(name)}`);
      }
      const healthy = await fetch(`${this.url(name)}/healthz`).then(
        (response) => response.ok,
        () => false,
      );
      if (healthy) return;
      if (Date.now() > deadline) throw new Error(`${name} did not answer on ${this.url(name)}; see ${this.logFile(name)}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** The one table of what each service is told: every variable is one its env.ts reads. */
  private environmentOf(name: ServiceName): Record<string, string> {
    const { endpoints } = this.options;
    const database = (service: string) =>
      endpoints.DATABASE_URL.replace(
        /\/[^/]*$/,
        `/${this.options.namespace ? `${service}_${this.options.namespace.replaceAll('-', '_')}` : service}`,
      );
    const shared = {
      ...endpoints,
      LOG_LEVEL: this.options.logLevel ?? 'info',
      KAFKA_TOPIC_PREFIX: this.topicPrefix,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    // Consumer groups are named per namespace too: groups shared across topic prefixes get each other's partitions.
    const group = (name: string) => (this.options.namespace ? `${name}-${this.options.namespace}` : name);
    const own: Record<ServiceName, Record<string, string>> = {
      'wechat-fake': {},
      editorial: { DATABASE_URL: database('editorial'), API_USERS_FILE: this.usersFile },
      portal: {
        DATABASE_URL: database('portal'),
        PORTAL_BUCKET: this.bucket('tongyuan-portal'),
        ASSETS_BUCKET: this.bucket('tongyuan-assets'),
        SITE_BASE_URL: this.url('portal'),
        PORTAL_GROUP_ID: group('portal-main'),
      },
      newmedia: {
        DATABASE_URL: database('newmedia'),
        NEWMEDIA_BUCKET: this.bucket('tongyuan-newmedia'),
        ASSETS_BUCKET: this.bucket('tongyuan-assets'),
        PORTAL_BASE_URL: this.url('portal'),
        NEWMEDIA_BASE_URL: this.url('newmedia'),
        WECHAT_API_BASE_URL: this.url('wechat-fake'),
        ACCOUNT_SECRETS_FILE: join(repoRoot, 'services', 'newmedia', 'account-secrets.sample.json'),
        WECHAT_PUSH_TOKEN: 'demo-push-token',
        NEWMEDIA_GROUP_ID: group('newmedia'),
      },
      gazette: {
        DATABASE_URL: database('gazette'),
        GAZETTE_BUCKET: this.bucket('tongyuan-gazette'),
        PORTAL_BASE_URL: this.url('portal'),
        API_USERS_FILE: this.usersFile,
        GAZETTE_GROUP_ID: group('gazette'),
      },
      ops: {
        DATABASE_URL: database('ops'),
        API_USERS_FILE: this.usersFile,
        PORTAL_BUCKET: this.bucket('tongyuan-portal'),
        NEWMEDIA_BUCKET: this.bucket('tongyuan-newmedia'),
        GAZETTE_BUCKET: this.bucket('tongyuan-gazette'),
        WECHAT_API_BASE_URL: this.url('wechat-fake'),
        ACCOUNT_SECRETS_FILE: join(repoRoot, 'services', 'newmedia', 'account-secrets.sample.json'),
        OPS_GROUP_ID: group('ops'),
      },
    };
    const wechatFake = name === 'wechat-fake' ? {} : shared;
    return { ...wechatFake, ...own[name], ...this.options.extraEnv?.[name] };
  }
}

const entryOf = (name: ServiceName): string =>
  name === 'wechat-fake'
    ? join(repoRoot, 'packages', 'wechat-api', 'src', 'fake', 'main.ts')
    : join(repoRoot, 'services', name, 'src', 'main.ts');
