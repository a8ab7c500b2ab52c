import { existsSync } from 'node:fs';
import { chown, mkdir, readdir, rm } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { dataDirOf } from './paths.js';
import { runCommand } from './processes.js';
import { postgresAnswers } from './readiness.js';

export interface PrivatePostgresOptions {
  /** Instance name: the cluster lives in .local/data/<name>. */
  name: string;
  port: number;
}

/** A PostgreSQL cluster of its own, for tests that restart or crash the database without touching the machine's. */
export interface PrivatePostgres {
  name: string;
  url: string;
  isRunning(): Promise<boolean>;
  /** initdb on first use, then starts it; resolves once `select 1` answers. */
  start(): Promise<void>;
  /** Fast shutdown: sessions are ended, the checkpoint is written. */
  stop(): Promise<void>;
  /** Immediate shutdown: no checkpoint, crash recovery on the next start, as after a power cut. */
  kill(): Promise<void>;
  /** Stops it and deletes its data. */
  destroy(): Promise<void>;
}

/** Debian's server binaries of the newest installed major version. */
const serverBinaries = async (): Promise<string> => {
  const versions = (await readdir('/usr/lib/postgresql').catch(() => [] as string[]))
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  if (versions[0] === undefined)
    throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (apt-get install postgresql)');
  return join('/usr/lib/postgresql', versions[0], 'bin');
};

export function privatePostgres({ name, port }: PrivatePostgresOptions): PrivatePostgres {
  const dir = dataDirOf(name);
  const dataDir = join(dir, 'data');
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  // The server refuses to run as root: there it runs as the machine's postgres user.
  const asServerUser = async (binary: string, args: string[]) => {
    const bin = join(await serverBinaries(), binary);
    if (userInfo().uid === 0) await runCommand('runuser', ['-u', 'postgres', '--', bin, ...args], 'install util-linux (runuser)');
    else await runCommand(bin, args, 'install postgresql');
  };
  const pgCtl = (args: string[]) => asServerUser('pg_ctl', ['-D', dataDir, ...args]);

  const isRunning = () => postgresAnswers(url);

  const start = async () => {
    if (await isRunning()) return;
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await mkdir(dir, { recursive: true });
      if (userInfo().uid === 0) await chown(dir, ...(await postgresIds()));
      await asServerUser('initdb', ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
    }
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    await pgCtl(['-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    const deadline = Date.now() + 30_000;
    while (!(await isRunning())) {
      if (Date.now() > deadline) throw new Error(`private PostgreSQL ${name} did not answer select 1 on port ${port}`);
      await sleep(100);
    }
  };

  const stopWith = (mode: 'fast' | 'immediate') => async () => {
    if (!existsSync(join(dataDir, 'postmaster.pid'))) return;
    await pgCtl(['-m', mode, '-w', 'stop']);
  };

  return {
    name,
    url,
    isRunning,
    start,
    stop: stopWith('fast'),
    kill: stopWith('immediate'),
    destroy: async () => {
      await stopWith('immediate')();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const postgresIds = async (): Promise<[number, number]> => {
  const { execFileSync } = await import('node:child_process');
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return [uid, gid];
};
