// Runs before `npm start` and `npm test` so a fresh clone needs no other command: system packages, then npm packages.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const run = (command, args) => execFileSync(command, args, { stdio: 'inherit' });

if (process.platform === 'linux' && existsSync('/usr/bin/dpkg-query')) run('bash', ['scripts/install-system-packages.sh']);

// Install when node_modules is missing or older than the lockfile. `npm install`, not `npm ci`: the registry here lacks the
// other platforms' builds of Biome's optional binaries, so the lockfile cannot list them and `npm ci` calls it out of sync.
const installed = 'node_modules/.package-lock.json';
const stale = !existsSync(installed) || statSync(installed).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  console.log('installing npm packages…');
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error']);
}
// Java and Maven run the local Kafka and S3 servers; say so plainly if they are missing.
for (const [command, args] of [
  ['java', ['-version']],
  ['mvn', ['-v']],
]) {
  try {
    execFileSync(command, args, { stdio: 'ignore' });
  } catch {
    console.warn(
      `warning: ${command} not found; local Kafka/S3 need Java 17 and Maven (or set KAFKA_BROKERS, S3_ENDPOINT, DATABASE_URL)`,
    );
  }
}
