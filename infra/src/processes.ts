import { execFile, execFileSync, spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { appendFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** True while `pid` is a live process; a zombie (exited, not yet reaped) counts as dead. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    if ((error as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return true; // no /proc (macOS): the signal check is all we have
  }
}

/** The process's full command line, or undefined when it is gone. */
export function commandLineOf(pid: number): string | undefined {
  try {
    if (existsSync('/proc')) return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' });
  } catch {
    return undefined;
  }
}

/** The pid recorded in a pid file if that process is alive and still ours (its command line names `marker`), so a reused pid is never signalled. */
export function ownedPid(pidFile: string, marker: string): number | undefined {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(pidFile, 'utf8'), 10);
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return undefined;
  return commandLineOf(pid)?.includes(marker) ? pid : undefined;
}

export async function writePidFile(pidFile: string, pid: number): Promise<void> {
  await mkdir(dirname(pidFile), { recursive: true });
  await writeFile(pidFile, `${pid}\n`);
}

export const removePidFile = (pidFile: string): Promise<void> => rm(pidFile, { force: true });

export interface DetachedCommand {
  command: string;
  args: string[];
  cwd: string;
  logFile: string;
}

/** Starts a process in its own process group with output appended to a log file, so it outlives the caller. */
export async function spawnDetached({ command, args, cwd, logFile }: DetachedCommand): Promise<number> {
  await mkdir(dirname(logFile), { recursive: true });
  const log = openSync(logFile, 'a');
  writeSync(log, `\n=== ${new Date().toISOString()} starting: ${command} ${args.join(' ')}\n`);
  try {
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', log, log] });
    const pid = await new Promise<number>((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => resolve(child.pid as number));
    });
    child.unref();
    return pid;
  } finally {
    closeSync(log); // the child holds its own copy of the descriptor
  }
}

/** Marks a lifecycle step in a server's log, since S3Proxy logs neither its start nor its stop. */
export const appendLogLine = (logFile: string, text: string): Promise<void> =>
  appendFile(logFile, `=== ${new Date().toISOString()} ${text}\n`);

/** Waits up to `timeoutMs` for the process to exit; true if it did. */
export async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

/** Signals the whole process group the detached spawn created (the JVM leads it). */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM, then SIGKILL if the process has not exited after `graceMs`. */
export async function stopProcess(pid: number, graceMs: number): Promise<'stopped' | 'killed'> {
  signalGroup(pid, 'SIGTERM');
  if (await waitForExit(pid, graceMs)) return 'stopped';
  signalGroup(pid, 'SIGKILL');
  await waitForExit(pid, 10_000);
  return 'killed';
}

/** The log written since byte `fromOffset`, last `lines` lines, for error messages. */
export async function logTail(logFile: string, fromOffset = 0, lines = 40): Promise<string> {
  const bytes = await readFile(logFile).catch(() => Buffer.alloc(0));
  // The last 64 KiB hold far more than `lines` lines; an old log can be large.
  const text = bytes.subarray(Math.max(fromOffset, bytes.length - 65_536)).toString('utf8');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

/** Output of a short command (stdout + stderr), or a clear error naming what is missing. */
export async function runCommand(command: string, args: string[], missingHint: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const output = `${stdout}${stderr}`;
      if (!error) return resolve(output);
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        return reject(new Error(`${command} not found on PATH: ${missingHint}`));
      reject(
        new Error(
          `${command} ${args.join(' ')} failed (${error.code ?? error.signal}):\n${output.trim().split('\n').slice(-30).join('\n')}`,
        ),
      );
    });
  });
}
