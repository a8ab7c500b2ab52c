// `npm run chaos`: the long form of the chaos run. CHAOS_DOCUMENTS, CHAOS_CORRECTIONS, CHAOS_KILLS, CHAOS_S3_OUTAGE_S.
import { runChaos } from './chaos-run.ts';

const number = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const report = await runChaos({
  documents: number('CHAOS_DOCUMENTS', 2_000),
  corrections: number('CHAOS_CORRECTIONS', 500),
  killsPerService: number('CHAOS_KILLS', 4),
  s3OutageMs: number('CHAOS_S3_OUTAGE_S', 30) * 1_000,
  concurrency: number('CHAOS_CONCURRENCY', 8),
  services: ['wechat-fake', 'editorial', 'portal', 'newmedia', 'gazette', 'ops'],
  log: (line) => console.log(line),
});
const problems = {
  'not live on the portal': report.portalMissing.length,
  'in no account feed': report.newmedia.missing.length,
  'stale feed items': report.newmedia.stale.length,
  'WeChat drafts added twice': report.newmedia.duplicateDrafts.length,
  'WeChat drafts submitted twice': report.newmedia.duplicateSubmits.length,
  'gazette candidates missing or stale': report.gazette.missing.length + report.gazette.stale.length,
  'ledger gaps': report.ops.gaps.length,
  'same-source audit findings': report.ops.findings.length,
  'WeChat publishes ≠ delivered revisions': report.ops.publishCounts.length,
  'dead letters': report.deadLetters.length,
};
console.log('\n| released | corrected | recovery (s) | ledger rows | service exits |\n|---|---:|---:|---:|---:|');
console.log(
  `| ${report.released.length} | ${report.released.filter((r) => r.revision > 1).length} | ${(report.recoveryMs / 1000).toFixed(1)} | ${report.ops.ledgerRows} | ${report.crashes.length} |`,
);
console.log('\n| check after recovery | count |\n|---|---:|');
for (const [check, count] of Object.entries(problems)) console.log(`| ${check} | ${count} |`);
process.exit(Object.values(problems).every((count) => count === 0) ? 0 : 1);
