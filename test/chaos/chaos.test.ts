// The short form of the chaos run, for CI: a bounded stream, each service killed twice, one broker restart,
// 30 s without S3, one PostgreSQL restart. The long form: `npm run chaos` (see test/chaos/chaos-main.ts).
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos-run.ts';

const javaAvailable = (() => {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.runIf(javaAvailable)('chaos: crashes and outages during a stream of releases', () => {
  it('leaves every latest revision live on every carrier once the faults are over', { timeout: 900_000 }, async () => {
    const report = await runChaos({
      documents: 60,
      corrections: 20,
      killsPerService: 2,
      s3OutageMs: 30_000,
      concurrency: 2,
      stepPauseMs: 600,
      services: ['wechat-fake', 'editorial', 'portal', 'newmedia', 'gazette', 'ops'],
      log: process.env.CHAOS_LOG ? (line) => console.log(line) : undefined,
    });
    expect(report.released.length).toBeGreaterThanOrEqual(60);
    expect(report.released.filter((revision) => revision.revision === 2).length).toBeGreaterThanOrEqual(20);
    // A service may exit when the broker vanishes under it mid-start; the supervisor restarts it, as compose or systemd
    // would. What matters is below: nothing accepted is lost.
    for (const crash of report.crashes) console.warn(`chaos: ${crash.service} exited on its own (${crash.code ?? crash.signal})`);
    // The fake stands for WeChat and keeps its state in memory: had it crashed, what follows would measure nothing.
    expect(
      report.crashes.filter((crash) => crash.service === 'wechat-fake'),
      'the fake WeChat server exited on its own (see its log in the run directory)',
    ).toEqual([]);
    expect(report.portalMissing, report.events.join('\n')).toEqual([]);
    expect(report.newmedia.missing, 'documents in no account feed').toEqual([]);
    expect(report.newmedia.stale, 'feed items behind the latest revision').toEqual([]);
    expect(report.newmedia.duplicateDrafts, 'articles added to WeChat twice').toEqual([]);
    expect(report.newmedia.duplicateSubmits, 'drafts submitted twice').toEqual([]);
    expect(report.gazette.missing, '规范性文件 not filed for the gazette').toEqual([]);
    expect(report.gazette.stale, 'gazette candidates behind the latest revision').toEqual([]);
    // The ledger shows every latest revision live on the portal, each routed account and the gazette; with a gap, the
    // report carries the delivery rows behind it (see chaos-run.ts).
    // Compact, so the tail of a CI log carries it: the first gaps, then where consumers, newmedia and the ledger stand.
    const gaps = [...report.ops.gaps.slice(0, 10), ...report.diagnosis].join('\n');
    expect(report.ops.gaps.length, `latest revisions the ledger does not show live:\n${gaps}\n`).toBe(0);
    // Every event of the stream is valid: a dead letter is accepted work a fault made a service give up on.
    expect(report.deadLetters, 'dead letters after the run').toEqual([]);
    expect(report.ops.findings, 'same-source audit findings after recovery').toEqual([]);
    expect(report.ops.publishCounts, '(account, document) not published on WeChat once per delivered revision').toEqual([]);
    expect(report.ops.ledgerRows).toBeGreaterThan(report.released.length);
  });
});
