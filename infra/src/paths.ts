import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, found from this file (infra/src/paths.ts) so the CLI works from any cwd. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The infra workspace: poms and logging configs live beside the TypeScript. */
export const infraDir = join(repoRoot, 'infra');

/** Everything the servers write lives here (git-ignored), so `rm -rf .local` is a full reset. */
export const localDir = join(repoRoot, '.local');

export const dataDirOf = (name: string): string => join(localDir, 'data', name);
export const logFileOf = (name: string): string => join(localDir, 'logs', `${name}.log`);
export const logsDir = join(localDir, 'logs');
export const jarsDirOf = (kind: JarSet): string => join(localDir, 'jars', kind);
export const runDir = join(localDir, 'run');
export const pidFileOf = (name: string): string => join(runDir, `${name}.pid`);
export const lockFileOf = (name: string): string => join(runDir, `${name}.lock`);

/** The two Maven dependency sets; each gets its own jar folder because their Jackson versions clash. */
export type JarSet = 'kafka' | 's3proxy';
export const pomOf = (kind: JarSet): string => join(infraDir, kind, 'pom.xml');
