// A stream of releases and corrections through the editors' API while services are SIGKILLed, the broker restarts,
// the S3 server is unreachable for a while and PostgreSQL restarts; then what every carrier shows once it recovers.
// The servers are private to the run (own ports, own data), so the outages touch nothing else on the machine.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueTokens } from '@tongyuan/http';
import { kafkaServer, localCredentials, privatePostgres, s3Server } from '@tongyuan/infra';
import { freeServerPort, uniqueName, waitFor } from '@tongyuan/testing';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
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
  /** Documents whose latest revision is not live on the portal after recovery. */
  portalMissing: string[];
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
  const id = uniqueName('chaos');
  // Below the ephemeral range: these servers restart mid-run, and their ports must still be theirs when they come back.
  const [kafkaPort, controllerPort, s3Port, postgresPort] = await Promise.all([
    freeServerPort(),
    freeServerPort(),
    freeServerPort(),
    freeServerPort(),
  ]);
  const kafka = kafkaServer({ name: `kafka-${id}`, port: kafkaPort, controllerPort });
  const s3 = s3Server({ name: `s3-${id}`, port: s3Port });
  const postgres = privatePostgres({ name: `postgres-${id}`, port: postgresPort });
  await Promise.all([kafka.start(), s3.start(), postgres.start()]);
  note('private Kafka, S3 and PostgreSQL up');

  const { users, tokens } = issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));
  const workDir = await mkdtemp(join(tmpdir(), 'tongyuan-chaos-'));
  const pipeline = new Pipeline({
    endpoints: {
      KAFKA_BROKERS: kafka.url,
      S3_ENDPOINT: s3.url,
      S3_REGION: 'us-east-1',
      S3_ACCESS_KEY_ID: localCredentials.s3AccessKeyId,
      S3_SECRET_ACCESS_KEY: localCredentials.s3SecretAccessKey,
      DATABASE_URL: postgres.url,
    },
    users,
    workDir,
    ports: Object.fromEntries(await Promise.all(options.services.map(async (name) => [name, await freeServerPort()] as const))),
    only: options.services,
    logLevel: process.env.CHAOS_SERVICE_LOG_LEVEL ?? 'warn',
  });
  try {
    await pipeline.start();
    note(`services up: ${options.services.join(', ')}`);
    const client = new EditorialClient(pipeline.url('editorial'), tokens, 300_000);
    const samples = (await readSamples(new URL('../../samples/documents/', import.meta.url).pathname)).filter(
      (sample) => !sample.raw.interprets && !sample.raw.requires_interpretation,
    );

    // The stream: new releases, with a correction of an earlier document every third step, `concurrency` at a time. It runs
    // until the faults are over and at least `documents` releases and `corrections` corrections are done.
    const latest = new Map<string, Released>();
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
    for (const name of options.services) {
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
    if (portalMissing.size > 0) for (const line of await diagnose(kafka.url, postgres.url)) note(line);
    return {
      released,
      events,
      portalMissing: [...portalMissing],
      crashes: [...pipeline.crashes],
      recoveryMs: Date.now() - recoveryStart,
    };
  } finally {
    await pipeline.stop().catch(() => {});
    await Promise.allSettled([kafka.stop(), s3.stop(), postgres.destroy()]);
    await Promise.allSettled(
      [`kafka-${id}`, `s3-${id}`].map((name) =>
        rm(join(new URL('../../.local/data/', import.meta.url).pathname, name), { recursive: true, force: true }),
      ),
    );
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
  const client = new pg.Client({ connectionString: databaseUrl.replace(/\/[^/]*$/, '/editorial') });
  try {
    await client.connect();
    const { rows } = await client.query(
      'select count(*) filter (where sent_at is null) as unsent, count(*) as total from outbox',
    );
    lines.push(`  outbox: ${rows[0]?.unsent} of ${rows[0]?.total} rows unsent`);
  } catch (error) {
    lines.push(`  outbox diagnosis failed: ${String(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
  return lines;
};
