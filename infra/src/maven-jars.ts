import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { withFileLock } from './file-lock.js';
import { type JarSet, jarsDirOf, lockFileOf, pomOf } from './paths.js';
import { runCommand } from './processes.js';

const markerName = '.pom-sha256';

/**
 * The folder holding the runtime jars of `kind`, copied from Maven Central on first use.
 * A marker records the pom's hash, so editing the pom refreshes the jars and nothing else does.
 */
export async function ensureJars(kind: JarSet): Promise<string> {
  const dir = jarsDirOf(kind);
  const pomHash = createHash('sha256')
    .update(await readFile(pomOf(kind)))
    .digest('hex');
  if (await isCurrent(dir, pomHash)) return dir;

  // One Maven at a time: parallel runs would race on ~/.m2 and on the jar folder.
  return withFileLock(lockFileOf('maven'), 'another Maven run', async () => {
    if (await isCurrent(dir, pomHash)) return dir;
    process.stderr.write(
      `infra: copying ${kind} jars from Maven Central into ${dir} (first run downloads them; may take minutes)\n`,
    );
    const staging = `${dir}.staging-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await mkdir(dirname(dir), { recursive: true });
    const copy = ['dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${staging}`];
    await runCommand(
      'mvn',
      ['-B', '-q', '-Dstyle.color=never', '-f', pomOf(kind), ...copy],
      'install Maven 3 (Debian: apt-get install maven)',
    );
    await writeFile(join(staging, markerName), pomHash);
    // Swap in the finished folder so an interrupted copy never passes for a complete one.
    await rm(dir, { recursive: true, force: true });
    await rename(staging, dir);
    return dir;
  });
}

async function isCurrent(dir: string, pomHash: string): Promise<boolean> {
  const marker = await readFile(join(dir, markerName), 'utf8').catch(() => '');
  if (marker !== pomHash) return false;
  return (await readdir(dir)).some((file) => file.endsWith('.jar'));
}
