// `npm run chaos`: the long form of the chaos run. CHAOS_DOCUMENTS, CHAOS_CORRECTIONS, CHAOS_KILLS, CHAOS_S3_OUTAGE_S.
import { runChaos } from './chaos-run.ts';

const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const report = await runChaos({
  documents: number('CHAOS_DOCUMENTS', 2_000),
  corrections: number('CHAOS_CORRECTIONS', 500),
  killsPerService: number('CHAOS_KILLS', 4),
  s3OutageMs: number('CHAOS_S3_OUTAGE_S', 30) * 1_000,
  concurrency: number('CHAOS_CONCURRENCY', 8),
  services: ['wechat-fake', 'editorial', 'portal', 'newmedia', 'gazette'],
  log: (line) => console.log(line),
});
console.log(`\n| released | corrected | not live after recovery | recovery (s) |\n|---|---|---|---|`);
console.log(
  `| ${report.released.length} | ${report.released.filter((r) => r.revision > 1).length} | ${report.portalMissing.length} | ${(report.recoveryMs / 1000).toFixed(1)} |`,
);
process.exit(report.portalMissing.length === 0 ? 0 : 1);
