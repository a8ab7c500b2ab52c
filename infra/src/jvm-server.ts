import { stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { ensureJars } from './maven-jars.js';
import { dataDirOf, type JarSet, lockFileOf, logFileOf, pidFileOf } from './paths.js';
import {
  appendLogLine,
  ownedPid,
  removePidFile,
  runCommand,
  signalGroup,
  spawnDetached,
  stopProcess,
  waitForExit,
  writePidFile,
} from './processes.js';
import { waitUntilReady } from './readiness.js';

/** A local server process: the handle tests and the CLI use to start, stop and crash it. */
export interface ServerHandle {
  name: string;
  url: string;
  /** The server's pid if this checkout started it and it is alive. */
  pid(): number | undefined;
  /** True if the server answers a real request (not merely that a port is open). */
  isRunning(): Promise<boolean>;
  /** Starts the server unless one already answers at `url`; resolves once it answers. */
  start(): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period. Leaves alone a server this checkout did not start. */
  stop(): Promise<void>;
  /** SIGKILL without any shutdown, to simulate a crash; `start()` then restarts on the same data. */
  kill(): Promise<void>;
}

export interface JvmServerSpec {
  name: string;
  url: string;
  jars: JarSet;
  mainClass: string;
  jvmOptions: string[];
  /** Loopback ports the server binds; checked free before starting so a clash gets a clear message. */
  ports: number[];
  /** The server's config file: it is on the command line, so it tells our process from a reused pid. */
  configFile: string;
  /** Writes the config (and formats storage) before each start; returns the program arguments. */
  prepare(jarsDir: string): Promise<string[]>;
  /** A real request to the server: true if it answers correctly. */
  probe(): Promise<boolean>;
  readyDeadlineMs: number;
  stopGraceMs: number;
}

export function jvmServer(spec: JvmServerSpec): ServerHandle {
  const { name, url } = spec;
  const pidFile = pidFileOf(name);
  const logFile = logFileOf(name);
  const lockFile = lockFileOf(name);
  const ourPid = () => ownedPid(pidFile, spec.configFile);

  const waitForReady = (pid: number, logOffset: number) =>
    waitUntilReady({
      what: `${name} (${url}, pid ${pid})`,
      probe: spec.probe,
      deadlineMs: spec.readyDeadlineMs,
      pid,
      logFile,
      logOffset,
    });

  const startLocked = async (): Promise<void> => {
    // Answering is what matters: ours, or one started by another checkout on the same ports.
    if (await spec.probe()) return;
    const starting = ourPid();
    if (starting !== undefined) {
      // Alive but not answering yet: a start interrupted in another process; give it the full deadline.
      await waitForReady(starting, 0);
      return;
    }
    for (const port of spec.ports) await assertPortFree(port, name);
    await requireJava();
    const jarsDir = await ensureJars(spec.jars);
    const args = await spec.prepare(jarsDir);
    const logOffset = (await stat(logFile).catch(() => undefined))?.size ?? 0;
    const pid = await spawnDetached({
      command: 'java',
      // No shell is involved, so the `*` reaches the JVM unexpanded, which is what it needs.
      args: [...spec.jvmOptions, '-cp', join(jarsDir, '*'), spec.mainClass, ...args],
      cwd: dataDirOf(name),
      logFile,
    });
    await writePidFile(pidFile, pid);
    const startedAt = Date.now();
    try {
      await waitForReady(pid, logOffset);
    } catch (error) {
      // Do not leave a half-started server holding the ports and the data dir.
      await stopProcess(pid, 5_000);
      await removePidFile(pidFile);
      await appendLogLine(logFile, `pid ${pid} stopped: it did not become ready`);
      throw error;
    }
    await appendLogLine(logFile, `pid ${pid} ready at ${url} after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
  };

  const stopLocked = async (): Promise<void> => {
    const pid = ourPid();
    if (pid !== undefined) {
      const how = await stopProcess(pid, spec.stopGraceMs);
      const outcome =
        how === 'stopped' ? 'stopped (SIGTERM)' : `killed: still running ${spec.stopGraceMs / 1000} s after SIGTERM`;
      await appendLogLine(logFile, `pid ${pid} ${outcome}`);
    }
    await removePidFile(pidFile);
  };

  const lockHolder = `${name} to be started or stopped by another process`;

  return {
    name,
    url,
    pid: ourPid,
    isRunning: spec.probe,
    start: () => withFileLock(lockFile, lockHolder, startLocked),
    stop: () => withFileLock(lockFile, lockHolder, stopLocked),
    kill: async () => {
      const pid = ourPid();
      if (pid === undefined) return;
      signalGroup(pid, 'SIGKILL');
      await waitForExit(pid, 10_000);
      await appendLogLine(logFile, `pid ${pid} killed (SIGKILL, simulated crash)`);
    },
  };
}

/**
 * Fails with a clear message if something that is not a ready `name` holds the port. Right after a crash the kernel may
 * hold the dead server's port a moment longer (its connections closing), so a taken port is tried again for a while.
 */
async function assertPortFree(port: number, name: string, patienceMs = 15_000): Promise<void> {
  const deadline = Date.now() + patienceMs;
  for (;;) {
    try {
      return await tryListen(port, name);
    } catch (error) {
      if (Date.now() > deadline || !/is taken/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

async function tryListen(port: number, name: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `${name}: port ${port} on 127.0.0.1 is taken by a process that does not answer as ${name}; free it, or choose other ports (KAFKA_PORT, KAFKA_CONTROLLER_PORT, S3_PORT)`,
            )
          : error,
      ),
    );
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

/** Both servers need Java 17 (S3Proxy 3.x is built for it). */
async function requireJava(): Promise<void> {
  const output = await runCommand(
    'java',
    ['-version'],
    'install a Java 17+ runtime (Debian: apt-get install openjdk-17-jre-headless)',
  );
  const major = Number.parseInt(/version "(\d+)/.exec(output)?.[1] ?? '0', 10);
  if (major < 17)
    throw new Error(`java on PATH is version ${major || 'unknown'}; Kafka and S3Proxy here need Java 17+:\n${output.trim()}`);
}
