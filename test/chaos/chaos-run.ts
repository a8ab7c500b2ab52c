// A stream of releases and corrections through the editors' API while services are SIGKILLed, the broker restarts,
// the S3 server is unreachable for a while and PostgreSQL restarts; then what every carrier shows once it recovers.
// The servers are private to the run (own ports, own data), so the outages touch nothing else on the machine.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueTokens } from '@tongyuan/http';
import { freeServerPort, startPrivateServers } from '@tongyuan/infra';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
// From the sources, not @tongyuan/testing's index: that loads vitest, and `npm run chaos` runs outside it.
import { readDeadLetter } from '../../packages/bus/src/dead-letter.ts';
import { readTopic } from '../../packages/testing/src/read-topic.ts';
import { waitFor } from '../../packages/testing/src/wait-for.ts';
import { EditorialClient, type Released, variantOf } from '../../scripts/editorial-client.ts';
import { Pipeline, type ServiceName } from '../../scripts/pipeline.ts';
import { readSamples } from '../../scripts/publish-samples.ts';
import { staff } from '../../services/editorial/src/staff.fixture.ts';

export interface ChaosOptions {
  /** Documents released in the stream. */
  documents: number;
  /** Of those, how many get a correction (revision 2) later in the stream. */
  corrections: number;
  /** SIGKILLs of each service, at random moments of the stream. */
  killsPerService: number;
  /** How long the S3 server stays unreachable. */
  s3OutageMs: number;
  /** Releases in flight at once. */
  concurrency: number;
  /** Pause of each stream worker between steps: keeps the stream's length bounded while the faults play out. */
  stepPauseMs?: number;
  services: readonly ServiceName[];
  log?: (line: string) => void;
}

export interface ChaosReport {
  released: Released[];
  /** What happened when, for the record. */
  events: string[];
  /** Where consumers, the outbox, newmedia and the ledger stand when something was left behind (else empty). */
  diagnosis: string[];
  /** Every message on a dead-letter topic: "<topic> <code>: <reason>" (the stream is valid, so none is expected). */
  deadLetters: string[];
  /** Documents whose latest revision is not live on the portal after recovery. */
  portalMissing: string[];
  /** What the accounts' feeds and the fake WeChat server hold after recovery. */
  newmedia: NewmediaOutcome;
  /** The gazette's candidates for the open issues after recovery. */
  gazette: { missing: string[]; stale: string[]; candidates: number };
  /** What the ops ledger and the same-source audit say after recovery (when ops runs). */
  ops: OpsOutcome;
  /** Services that exited on their own (they were restarted): none should. */
  crashes: Pipeline['crashes'];
  recoveryMs: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const runChaos = async (options: ChaosOptions): Promise<ChaosReport> => {
  const log = options.log ?? (() => {});
  const events: string[] = [];
  const started = Date.now();
  const note = (what: string) => {
    const line = `${((Date.now() - started) / 1000).toFixed(1)} s  ${what}`;
    events.push(line);
    log(line);
  };
  const id = `chaos-${randomBytes(5).toString('hex')}`;
  const servers = await startPrivateServers(id);
  const { kafka, s3, postgres } = servers;
  note('private Kafka, S3 and PostgreSQL up');

  const { users, tokens } = issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));
  const workDir = await mkdtemp(join(tmpdir(), 'tongyuan-chaos-'));
  const pipeline = new Pipeline({
    endpoints: servers.endpoints,
    users,
    workDir,
    ports: Object.fromEntries(await Promise.all(options.services.map(async (name) => [name, await freeServerPort()] as const))),
    only: options.services,
    logLevel: process.env.CHAOS_SERVICE_LOG_LEVEL ?? 'warn',
    extraEnv: {
      newmedia: { WECHAT_PUBLISH_POLL_MS: '300', NEWMEDIA_RETRY_MS: '2000' },
      'wechat-fake': { FAKE_WECHAT_PUBLISH_DELAY_MS: '500' },
    },
  });
  try {
    await pipeline.start();
    note(`services up: ${options.services.join(', ')}`);
    const client = new EditorialClient(pipeline.url('editorial'), tokens, 300_000);
    // Interpretations need their policy in the same release; the policy itself is varied as a plain 规范性文件.
    const samples = (await readSamples(new URL('../../samples/documents/', import.meta.url).pathname))
      .filter((sample) => !sample.raw.interprets)
      .map((sample) => ({ ...sample, raw: { ...sample.raw, requires_interpretation: false } }));

    // The stream: new releases, with a correction of an earlier document every third step, `concurrency` at a time. It runs
    // until the faults are over and at least `documents` releases and `corrections` corrections are done.
    const latest = new Map<string, Released>();
    const kinds = new Map<string, string>();
    const corrected = new Set<string>();
    let steps = 0;
    let done = 0;
    let faultsOver = false;
    let stopped = false;
    const finished = () => faultsOver && latest.size >= options.documents && corrected.size >= options.corrections;
    const stream: Promise<void> = (async () => {
      const worker = async () => {
        while (!finished() && !stopped) {
          const step = steps++;
          const target = [...latest.keys()].find((documentId) => !corrected.has(documentId));
          if (step % 3 === 2 && corrected.size < options.corrections && target !== undefined) {
            corrected.add(target);
            const released = await client.correct(target, '数据有误，予以更正', (content) => ({
              ...content,
              body: [...content.body, { type: 'paragraph', text: `更正：第${corrected.size}处数据已核实。` }],
            }));
            latest.set(released.documentId, released);
          } else {
            const sample = samples[step % samples.length];
            if (!sample) throw new Error('no samples to vary');
            const released = await client.release(variantOf(sample.raw, step));
            latest.set(released.documentId, released);
            kinds.set(released.documentId, sample.raw.kind);
          }
          done++;
          if (options.stepPauseMs) await sleep(options.stepPauseMs);
        }
      };
      await Promise.all(Array.from({ length: options.concurrency }, worker));
    })();
    stream.catch(() => {
      stopped = true;
    });

    // The faults, spread over the stream.
    const faults: Array<{ at: number; what: string; run: () => Promise<void> }> = [];
    // Each fault fires when the stream has done a random share of its planned work; the stream outlasts the last one.
    const total = options.documents + options.corrections;
    const at = () => Math.floor((0.05 + 0.9 * Math.random()) * total);
    // The fake WeChat API stands for WeChat itself: it is not ours to kill.
    for (const name of options.services.filter((service) => service !== 'wechat-fake')) {
      for (let k = 0; k < options.killsPerService; k++) {
        faults.push({
          at: at(),
          what: `SIGKILL ${name}`,
          run: async () => {
            await pipeline.kill(name);
            await sleep(Math.random() * 2_000);
            await pipeline.startService(name);
          },
        });
      }
    }
    faults.push({
      at: at(),
      what: 'restart the Kafka broker (SIGKILL)',
      run: async () => {
        await kafka.kill();
        await kafka.start();
      },
    });
    faults.push({
      at: at(),
      what: `S3 unreachable for ${options.s3OutageMs / 1000} s`,
      run: async () => {
        await s3.kill();
        await sleep(options.s3OutageMs);
        await s3.start();
      },
    });
    faults.push({
      at: at(),
      what: 'restart PostgreSQL (immediate shutdown)',
      run: async () => {
        await postgres.kill();
        await sleep(1_000);
        await postgres.start();
      },
    });
    faults.sort((a, b) => a.at - b.at);
    const chaos = (async () => {
      // One fault at a time: each is followed by its recovery before the next begins.
      for (const fault of faults) {
        while (done < fault.at && !stopped) await sleep(50);
        if (stopped) return;
        note(`${fault.what} (after ${done} steps of the stream)`);
        await fault.run();
        note(`  recovered: ${fault.what}`);
      }
    })();

    // Both run to their end, so a failed stream never leaves faults firing at a pipeline being torn down.
    const outcomes = await Promise.allSettled([
      stream,
      chaos.finally(() => {
        faultsOver = true;
      }),
    ]);
    for (const outcome of outcomes) if (outcome.status === 'rejected') throw outcome.reason;
    note(`stream done: ${latest.size} documents, ${[...latest.values()].filter((r) => r.revision > 1).length} corrected`);

    // Recovery: every latest revision the editors' service released is live on the portal.
    const recoveryStart = Date.now();
    const released = await Promise.all([...latest.keys()].map((documentId) => client.latest(documentId)));
    const portalMissing = new Set(released.map((revision) => revision.documentId));
    await waitFor(
      async () => {
        for (const revision of released) {
          if (!portalMissing.has(revision.documentId)) continue;
          const view = await fetch(`${pipeline.url('portal')}/documents/${revision.documentId}/index.json`).then((r) =>
            r.ok ? (r.json() as Promise<{ fingerprint?: string }>) : null,
          );
          if (view?.fingerprint === revision.fingerprint) portalMissing.delete(revision.documentId);
        }
        return portalMissing.size === 0;
      },
      { what: 'every latest revision live on the portal', timeoutMs: 180_000, intervalMs: 1_000 },
    ).catch(() => undefined);
    note(`recovered: ${released.length - portalMissing.size}/${released.length} latest revisions live on the portal`);
    const withNewmedia = options.services.includes('newmedia');
    const { accounts } = withNewmedia
      ? (JSON.parse(await readFile(accountsFile, 'utf8')) as { accounts: Account[] })
      : { accounts: [] };
    const feeds = withNewmedia ? await feedOutcome(pipeline, accounts, released) : { missing: [], stale: [] };
    const gazette = options.services.includes('gazette')
      ? await gazetteOutcome(
          pipeline,
          tokens[staff.archivist.id] ?? '',
          released.filter((revision) => ['规章', '规范性文件'].includes(kinds.get(revision.documentId) ?? '')),
        )
      : { missing: [], stale: [], candidates: 0 };
    if (options.services.includes('gazette')) {
      note(`gazette: ${gazette.candidates} candidates; ${gazette.missing.length} missing, ${gazette.stale.length} stale`);
    }
    const ledger = options.services.includes('ops')
      ? await ledgerOutcome(pipeline, tokens[staff.ops.id] ?? '', released, {
          gazetteKinds: new Set(
            released
              .filter((revision) => ['规章', '规范性文件'].includes(kinds.get(revision.documentId) ?? ''))
              .map((revision) => revision.documentId),
          ),
          newmedia: withNewmedia,
        })
      : { gaps: [], findings: [], rows: new Map<string, LedgerRow[]>() };
    // What the fake WeChat server did, read once everything has settled.
    const stats = withNewmedia
      ? ((await (await fetch(`${pipeline.url('wechat-fake')}/_fake/stats`)).json()) as FakeStats)
      : { drafts: [], jobs: [] };
    const newmedia: NewmediaOutcome = { ...feeds, ...wechatDuplicates(stats) };
    if (withNewmedia) {
      note(
        `new media: ${newmedia.drafts} drafts; ${newmedia.missing.length} documents in no feed, ${newmedia.stale.length} stale feed items, ${newmedia.duplicateDrafts.length} duplicate drafts, ${newmedia.duplicateSubmits.length} duplicate submits`,
      );
    }
    const ops: OpsOutcome = {
      gaps: ledger.gaps,
      findings: ledger.findings,
      publishCounts: withNewmedia && options.services.includes('ops') ? publishCountsOf(stats, accounts, ledger.rows) : [],
      ledgerRows: [...ledger.rows.values()].reduce((sum, rows) => sum + rows.length, 0),
    };
    if (options.services.includes('ops')) {
      note(
        `ops: ${ops.ledgerRows} ledger rows; ${ops.gaps.length} gaps, ${ops.findings.length} audit findings, ${ops.publishCounts.length} (document, account) pairs not published once per delivered revision`,
      );
      for (const line of [...ops.gaps, ...ops.findings, ...ops.publishCounts].slice(0, 20)) note(`  ${line}`);
    }
    const newmediaBehind = [...ops.gaps.filter((gap) => gap.includes(' newmedia ')), ...newmedia.stale];
    if (newmedia.stale.length > 0) for (const line of newmedia.stale.slice(0, 20)) note(`  stale feed item ${line}`);
    // Behind anything left behind: where each consumer group and the outbox stand, what newmedia holds, and every step
    // the ledger has.
    const behind = portalMissing.size + newmedia.missing.length + newmedia.stale.length + gazette.missing.length;
    const diagnosis: string[] = [];
    if (behind + ops.gaps.length > 0) diagnosis.push(...(await diagnose(kafka.url, postgres.url)));
    if (newmediaBehind.length > 0) diagnosis.push(...(await newmediaRows(postgres.url, newmediaBehind)));
    if (ops.gaps.length > 0) diagnosis.push(...(await ledgerSteps(postgres.url, ops.gaps)));
    for (const line of diagnosis) note(line);
    const deadLetters = await deadLettersOf(kafka.url);
    for (const line of deadLetters.slice(0, 20)) note(`  dead letter ${line}`);
    return {
      released,
      events,
      diagnosis,
      deadLetters,
      newmedia,
      gazette,
      ops,
      portalMissing: [...portalMissing],
      crashes: [...pipeline.crashes],
      recoveryMs: Date.now() - recoveryStart,
    };
  } finally {
    await pipeline.stop().catch(() => {});
    await servers.destroy();
  }
};

/** Where a stuck run stands: each consumer group's lag per partition, and the outbox rows not yet relayed. */
const diagnose = async (brokers: string, databaseUrl: string): Promise<string[]> => {
  const lines: string[] = [];
  const admin = new Kafka({ clientId: 'chaos-diagnosis', brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const { groups } = await admin.listGroups();
    for (const { groupId } of groups) {
      for (const { topic, partitions } of await admin.fetchOffsets({ groupId })) {
        const ends = await admin.fetchTopicOffsets(topic);
        for (const { partition, offset } of partitions) {
          const end = ends.find((p) => p.partition === partition)?.high;
          lines.push(`  lag ${groupId} ${topic}[${partition}]: committed ${offset}, end ${end}`);
        }
      }
    }
  } catch (error) {
    lines.push(`  kafka diagnosis failed: ${String(error)}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  lines.push(
    ...(await linesFrom(databaseUrl, 'editorial', async (client) => {
      const { rows } = await client.query(
        'select count(*) filter (where sent_at is null) as unsent, count(*) as total from outbox',
      );
      return [`  outbox: ${rows[0]?.unsent} of ${rows[0]?.total} rows unsent`];
    })),
  );
  return lines;
};

/** The new-media delivery rows behind ledger gaps and stale feed items ("<document> newmedia <account> …"), as newmedia holds them. */
const newmediaRows = (databaseUrl: string, gaps: readonly string[]): Promise<string[]> =>
  linesFrom(databaseUrl, 'newmedia', async (client) => {
    const lines: string[] = [];
    for (const gap of gaps.slice(0, 20)) {
      const [documentId, , accountId] = gap.split(' ');
      const { rows } = await client.query(
        `select revision, state, step, attempt, error, polls, reported_state,
                extract(epoch from retry_at - now())::int as retry_in_s, extract(epoch from poll_at - now())::int as poll_in_s,
                extract(epoch from now() - updated_at)::int as updated_s_ago
           from newmedia_deliveries where document_id = $1 and account_id = $2 order by revision`,
        [documentId, accountId],
      );
      for (const row of rows) lines.push(`  newmedia row ${documentId} ${accountId}: ${JSON.stringify(row)}`);
    }
    return lines;
  });

/** Every step the ops ledger holds for the first gaps' (document, channel, target), oldest first. */
const ledgerSteps = (databaseUrl: string, gaps: readonly string[]): Promise<string[]> =>
  linesFrom(databaseUrl, 'ops', async (client) => {
    const lines: string[] = [];
    for (const gap of gaps.slice(0, 8)) {
      const [documentId, channel, target] = gap.split(' ');
      const { rows } = await client.query(
        `select revision, state, attempt, error_code, to_char(occurred_at, 'HH24:MI:SS.MS') as occurred
           from delivery_steps where document_id = $1 and channel = $2 and ($3::text is null or target = $3)
          order by occurred_at, attempt`,
        [documentId, channel, channel === 'newmedia' && target !== '(no' ? target : null],
      );
      lines.push(
        `  ledger steps ${gap}: ${rows.map((row) => `r${row.revision} ${row.state}#${row.attempt} ${row.occurred}${row.error_code ? ` ${row.error_code}` : ''}`).join(', ')}`,
      );
    }
    return lines;
  });

/** Diagnosis lines read from one service's database; a failure to read is a line too. */
const linesFrom = async (
  databaseUrl: string,
  database: string,
  read: (client: pg.Client) => Promise<string[]>,
): Promise<string[]> => {
  const client = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/]*$/, `/${database}`) });
  try {
    await client.connect();
    return await read(client);
  } catch (error) {
    return [`  ${database} diagnosis failed: ${String(error)}`];
  } finally {
    await client.end().catch(() => {});
  }
};

/** Every message on the cluster's dead-letter topics: "<topic> <code>: <reason>". */
const deadLettersOf = async (brokers: string): Promise<string[]> => {
  const kafka = new Kafka({ clientId: 'chaos-dead-letters', brokers: [brokers], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const letters: string[] = [];
  try {
    await admin.connect();
    const topics = (await admin.listTopics()).filter((topic) => topic.endsWith('.dlq'));
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const total = offsets.reduce((sum, partition) => sum + Number(partition.high) - Number(partition.low), 0);
      if (total === 0) continue;
      for (const message of await readTopic([brokers], topic, { count: total, timeoutMs: 20_000 })) {
        const letter = readDeadLetter(message);
        letters.push(`${topic} ${letter.code}: ${letter.reason.slice(0, 300)}`);
      }
    }
  } catch (error) {
    letters.push(`dead-letter diagnosis failed: ${String(error)}`);
  } finally {
    await admin.disconnect().catch(() => {});
  }
  return letters;
};

export interface NewmediaOutcome {
  /** Released documents in no account's feed. */
  missing: string[];
  /** Feed items not at their document's latest revision: "<account> <document>". */
  stale: string[];
  /** The same article content added as a draft twice to one account: "<appId> <title>". */
  duplicateDrafts: string[];
  /** One draft submitted for publication twice: "<appId> <mediaId>". */
  duplicateSubmits: string[];
  drafts: number;
}

interface FeedItem {
  _tongyuan: { document_id: string; revision: number; fingerprint: string };
  /** The feed page it was read from. */
  page?: string;
}

interface FakeStats {
  drafts: Array<{
    appId: string;
    mediaId: string;
    articles: Array<{ title: string; contentSha256: string; contentSourceUrl: string }>;
  }>;
  jobs: Array<{ appId: string; mediaId: string; status: number }>;
}

const accountsFile = new URL('../../services/newmedia/accounts.sample.json', import.meta.url).pathname;

interface Account {
  id: string;
  appId: string;
}

/** Waits until every account's feed is at the latest revisions. */
const feedOutcome = async (
  pipeline: Pipeline,
  accounts: readonly Account[],
  released: readonly Released[],
): Promise<{ missing: string[]; stale: string[] }> => {
  const latest = new Map(released.map((revision) => [revision.documentId, revision.fingerprint]));
  let missing: string[] = [];
  let stale: string[] = [];
  await waitFor(
    async () => {
      const carried = new Set<string>();
      stale = [];
      for (const account of accounts) {
        for (const item of await feedItems(pipeline, account.id)) {
          carried.add(item._tongyuan.document_id);
          if (latest.get(item._tongyuan.document_id) !== item._tongyuan.fingerprint)
            stale.push(`${item._tongyuan.document_id} newmedia ${account.id} (r${item._tongyuan.revision} in ${item.page})`);
        }
      }
      missing = [...latest.keys()].filter((documentId) => !carried.has(documentId));
      return missing.length === 0 && stale.length === 0;
    },
    { what: 'every feed at the latest revisions', timeoutMs: 300_000, intervalMs: 2_000 },
  ).catch(() => undefined);
  return { missing, stale };
};

/** Every item of an account's feed: feed.json and the archive pages its `next_url` chain leads to (each item once). */
const feedItems = async (pipeline: Pipeline, accountId: string): Promise<FeedItem[]> => {
  const items = new Map<string, FeedItem>();
  let path: string | undefined = `/accounts/${accountId}/feed.json`;
  for (let pages = 0; path !== undefined && pages < 10_000; pages++) {
    const response = await fetch(`${pipeline.url('newmedia')}${path}`);
    if (!response.ok) break;
    const page = (await response.json()) as { items: FeedItem[]; next_url?: string };
    // A later (older) page's copy of an item wins, so an archive page left behind a correction shows as stale.
    for (const item of page.items) items.set(item._tongyuan.document_id, { ...item, page: path });
    path = page.next_url === undefined ? undefined : new URL(page.next_url).pathname;
  }
  return [...items.values()];
};

/** From the fake WeChat server's record of calls: the same article added as a draft twice, a draft submitted twice. */
const wechatDuplicates = (stats: FakeStats) => {
  const seen = new Set<string>();
  const duplicateDrafts: string[] = [];
  for (const draft of stats.drafts) {
    for (const article of draft.articles) {
      const key = `${draft.appId} ${article.contentSha256}`;
      if (seen.has(key)) duplicateDrafts.push(`${draft.appId} ${article.title}`);
      seen.add(key);
    }
  }
  const submitted = new Set<string>();
  const duplicateSubmits: string[] = [];
  for (const job of stats.jobs) {
    const key = `${job.appId} ${job.mediaId}`;
    if (submitted.has(key)) duplicateSubmits.push(key);
    submitted.add(key);
  }
  return { duplicateDrafts, duplicateSubmits, drafts: stats.drafts.length };
};

/** Waits until every released gazette-kind revision is a candidate of an open issue at its latest fingerprint. */
const gazetteOutcome = async (pipeline: Pipeline, archivistToken: string, expected: readonly Released[]) => {
  let missing: string[] = [];
  let stale: string[] = [];
  let candidates = 0;
  await waitFor(
    async () => {
      const response = await fetch(`${pipeline.url('gazette')}/v1/issues`, {
        headers: { authorization: `Bearer ${archivistToken}` },
      });
      const issues = response.ok ? ((await response.json()) as Array<{ issueId: string; state: string }>) : [];
      const filed = new Map<string, string>();
      for (const issue of issues) {
        const detail = await fetch(`${pipeline.url('gazette')}/v1/issues/${issue.issueId}`, {
          headers: { authorization: `Bearer ${archivistToken}` },
        });
        if (!detail.ok) continue;
        const body = (await detail.json()) as {
          sections: Array<{ candidates: Array<{ documentId: string; fingerprint: string }> }>;
        };
        for (const candidate of body.sections.flatMap((section) => section.candidates)) {
          filed.set(candidate.documentId, candidate.fingerprint);
        }
      }
      candidates = filed.size;
      missing = expected.filter((revision) => !filed.has(revision.documentId)).map((revision) => revision.documentId);
      stale = expected
        .filter((revision) => filed.has(revision.documentId) && filed.get(revision.documentId) !== revision.fingerprint)
        .map((revision) => revision.documentId);
      return missing.length === 0 && stale.length === 0;
    },
    { what: 'every gazette-kind revision a candidate', timeoutMs: 180_000, intervalMs: 2_000 },
  ).catch(() => undefined);
  return { missing, stale, candidates };
};

export interface OpsOutcome {
  /** Latest revisions the ledger does not show live where they must be: "<document> <channel> <target> (<state>)". */
  gaps: string[];
  /** Open findings of the same-source audit (drift, missing, correction debt) after a run on demand. */
  findings: string[];
  /** (account, document) whose successful WeChat publishes differ from its revisions delivered there: "<account> <document>: n published, m delivered". */
  publishCounts: string[];
  ledgerRows: number;
}

interface LedgerRow {
  revision: number;
  fingerprint: string;
  channel: string;
  target: string;
  state: string;
}

/**
 * Waits until the ledger has every latest revision live on every channel it went to (portal, each routed account, the
 * gazette for its kinds) at its fingerprint, and the same-source audit, run on demand, finds nothing.
 */
const ledgerOutcome = async (
  pipeline: Pipeline,
  opsToken: string,
  released: readonly Released[],
  expect: { gazetteKinds: ReadonlySet<string>; newmedia: boolean },
): Promise<{ gaps: string[]; findings: string[]; rows: Map<string, LedgerRow[]> }> => {
  const auth = { authorization: `Bearer ${opsToken}` };
  const ledger = new Map<string, LedgerRow[]>();
  let gaps: string[] = [];
  const allLive = async () => {
    gaps = [];
    for (const revision of released) {
      const response = await fetch(`${pipeline.url('ops')}/v1/documents/${revision.documentId}/deliveries`, { headers: auth });
      const rows = response.ok ? ((await response.json()) as LedgerRow[]) : [];
      ledger.set(revision.documentId, rows);
      const latest = rows.filter((row) => row.revision === revision.revision);
      const live = (channel: string, state: string) =>
        latest.some((row) => row.channel === channel && row.state === state && row.fingerprint === revision.fingerprint);
      if (!live('portal', 'delivered')) gaps.push(`${revision.documentId} portal main`);
      if (expect.gazetteKinds.has(revision.documentId) && !live('gazette', 'pending'))
        gaps.push(`${revision.documentId} gazette`);
      if (expect.newmedia) {
        const accounts = latest.filter((row) => row.channel === 'newmedia');
        if (accounts.length === 0) gaps.push(`${revision.documentId} newmedia (no account)`);
        for (const row of accounts) {
          if (row.state !== 'delivered' || row.fingerprint !== revision.fingerprint) {
            gaps.push(`${revision.documentId} newmedia ${row.target} (${row.state})`);
          }
        }
      }
    }
    return gaps.length === 0;
  };
  // Two minutes, and two more for as long as the last two closed gaps: a backlog (WeChat's stage is the slowest) is
  // waited out; a gap that stays is reported.
  for (let round = 0, before = Number.POSITIVE_INFINITY; round < 6; round++) {
    const what = 'the ledger showing every latest revision live';
    await waitFor(allLive, { what, timeoutMs: 120_000, intervalMs: 2_000 }).catch(() => undefined);
    if (gaps.length === 0 || gaps.length >= before) break;
    before = gaps.length;
  }

  // The audit on demand, until it has nothing left to say (a finding of the moment resolves on the next run).
  let findings: string[] = [];
  await waitFor(
    async () => {
      const run = await fetch(`${pipeline.url('ops')}/audit/run`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: '',
        redirect: 'manual',
      });
      if (run.status >= 400) throw new Error(`POST /audit/run answered ${run.status}: ${await run.text()}`);
      const alerts = (await (await fetch(`${pipeline.url('ops')}/v1/alerts`, { headers: auth })).json()) as Array<{
        kind: string;
        documentId: string;
        channel: string;
        target: string;
        detail: string;
        resolvedAt: string | null;
      }>;
      // SLA misses during the outages are true and stay on record; the audit's own findings must be gone.
      findings = alerts
        .filter((alert) => alert.resolvedAt === null && alert.kind !== 'sla_miss')
        .map((alert) => `${alert.kind} ${alert.documentId} ${alert.channel} ${alert.target}: ${alert.detail}`);
      return findings.length === 0;
    },
    { what: 'a clean same-source audit', timeoutMs: 90_000, intervalMs: 5_000 },
  ).catch(() => undefined);

  return { gaps, findings, rows: ledger };
};

/** (account, document) whose successful WeChat publishes differ from its revisions the ledger shows delivered there. */
const publishCountsOf = (stats: FakeStats, accounts: readonly Account[], ledger: ReadonlyMap<string, LedgerRow[]>) => {
  const accountOf = new Map(accounts.map((account) => [account.appId, account.id]));
  const draftOf = new Map(stats.drafts.map((draft) => [`${draft.appId} ${draft.mediaId}`, draft]));
  const published = new Map<string, number>();
  for (const job of stats.jobs.filter((job) => job.status === 0)) {
    const source = draftOf.get(`${job.appId} ${job.mediaId}`)?.articles[0]?.contentSourceUrl ?? '';
    const documentId = /doc_[0-9A-HJKMNP-TV-Z]{26}/.exec(source)?.[0] ?? '?';
    const key = `${accountOf.get(job.appId) ?? job.appId} ${documentId}`;
    published.set(key, (published.get(key) ?? 0) + 1);
  }
  const delivered = new Map<string, number>();
  for (const [documentId, rows] of ledger) {
    for (const row of rows.filter((r) => r.channel === 'newmedia' && r.state === 'delivered')) {
      const key = `${row.target} ${documentId}`;
      delivered.set(key, (delivered.get(key) ?? 0) + 1);
    }
  }
  const mismatches: string[] = [];
  for (const key of new Set([...published.keys(), ...delivered.keys()])) {
    if ((published.get(key) ?? 0) !== (delivered.get(key) ?? 0)) {
      mismatches.push(`${key}: ${published.get(key) ?? 0} published, ${delivered.get(key) ?? 0} delivered`);
    }
  }
  return mismatches;
};
