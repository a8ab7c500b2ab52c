import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './processes.js';

/**
 * Runs `fn` while holding an exclusive lock file, so parallel test workers and CLIs
 * do not start the same server twice. A lock left by a dead process is taken over.
 */
export async function withFileLock<T>(lockPath: string, what: string, fn: () => Promise<T>, waitMs = 600_000): Promise<T> {
  const deadline = Date.now() + waitMs;
  await mkdir(dirname(lockPath), { recursive: true });
  for (;;) {
    try {
      const handle = await open(lockPath, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
      if (Number.isInteger(holder) ? !isAlive(holder) : await isAbandoned(lockPath)) {
        await rm(lockPath, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`gave up waiting for ${what}: ${lockPath} is held by pid ${holder || '?'}`);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

/** A lock without a pid is normally being written this instant; if it stays empty, its writer died in between. */
async function isAbandoned(lockPath: string): Promise<boolean> {
  const info = await stat(lockPath).catch(() => undefined);
  return info !== undefined && Date.now() - info.mtimeMs > 10_000;
}
