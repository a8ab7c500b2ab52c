// `npm run bench:floor`: what the servers alone cost for the least work a revision needs, with no rendering, no
// screening, no WeChat, no audit — the floor under `bench:latency`'s figures on this machine.
//
// Per revision, on private Kafka, S3Proxy and PostgreSQL, with the project's clients (kafkajs, the AWS SDK, pg) in this
// one process (one event loop: cheaper than the pipeline's six, so the floor is generous):
//   accept     1 PostgreSQL statement (revision + outbox row), then the event onto content.published (sends coalesced)
//   portal     1 S3 PUT (the page), 1 PostgreSQL statement (its delivery), 1 status
//   newmedia   1 S3 PUT (the H5 page), then per account 1 S3 PUT (its feed page), 1 PostgreSQL statement, 1 status
//   gazette    1 PostgreSQL statement (the candidate), 1 status
//   ops        the statuses of a fetch in 1 PostgreSQL statement (the ledger)
// Then the same again with the one piece of rendering no server does for us: WeChat's cover and thumbnail per account
// (renderCovers, text covers, as newmedia makes them). Consumers (kafkajs defaults, as the bus's) handle a fetched
// batch's messages concurrently and send its statuses in one produce request. A revision's clock runs from its accept
// to the ledger consumer reading each status; the CPU of every process is read from /proc.
// Env: BENCH_RATES (10,50), BENCH_SECONDS per rate (30), BENCH_DRAIN_SECONDS (30), BENCH_WARM_UP_SECONDS (60, at 50/s,
// not measured), BENCH_ACCOUNTS (4).
import { randomBytes } from 'node:crypto';
import { KafkaBus } from '@tongyuan/bus';
import { createPool } from '@tongyuan/database';
import { createLogger } from '@tongyuan/logger';
import { renderCovers } from '@tongyuan/newmedia-article';
import { S3ObjectStore, s3StoreOptionsFrom } from '@tongyuan/object-store';
import { Kafka, logLevel } from 'kafkajs';
import {
  cpuSecondsByProcess,
  log,
  machineCpuSeconds,
  ms,
  numberFromEnv,
  percentile,
  ratesFromEnv,
  sleep,
  startPrivateServers,
  table,
  uniqueName,
} from './private-pipeline.ts';

const rates = ratesFromEnv('10,50');
const seconds = numberFromEnv('BENCH_SECONDS', 30);
const drainSeconds = numberFromEnv('BENCH_DRAIN_SECONDS', 30);
const warmUpSeconds = numberFromEnv('BENCH_WARM_UP_SECONDS', 60);
const accountCount = numberFromEnv('BENCH_ACCOUNTS', 4);
const PARTITIONS = 3; // as the catalogue's content.published and delivery.status

// Sizes of the pipeline's own artifacts for a sample document (portal page, H5 page, a feed page).
const pageBody = randomBytes(9_000).toString('base64'); // 12 KB
const h5Body = randomBytes(6_000).toString('base64'); // 8 KB
const feedBody = randomBytes(3_000).toString('base64'); // 4 KB
const coverTitle = '关于进一步优化营商环境更好服务市场经营主体的实施意见（第';
const eventPadding = randomBytes(1_500).toString('base64'); // a 2 KB event, as a sample document's

interface Published {
  documentId: string;
  revision: number;
  acceptedAt: number;
  body: string;
}
interface Status {
  documentId: string;
  revision: number;
  channel: string;
  target: string;
  acceptedAt: number;
}

const servers = await startPrivateServers('bench-floor');
const endpoints = servers.endpoints;
const pool = createPool(endpoints.DATABASE_URL);
const kafka = new Kafka({ clientId: 'bench-floor', brokers: [servers.kafkaBrokers], logLevel: logLevel.NOTHING });
// The tables go to stdout; anything the bus warns of goes with the progress lines.
const logger = createLogger({ service: 'bench-floor', level: 'warn', destination: process.stderr });

type Work = 'servers' | 'servers + covers';
const results: Array<{ rows: Array<(string | number)[]>; cpu: (string | number)[] }> = [];
try {
  // Kafka's and S3Proxy's JVMs compile their hot paths in the first minute; a first rate measured cold costs 3–4× more.
  log(`warming up: ${warmUpSeconds} s at 50/s, not measured`);
  await runAt(50, warmUpSeconds, 'servers');
  for (const work of ['servers', 'servers + covers'] as const) {
    for (const rate of rates) results.push(await runAt(rate, seconds, work));
  }
} finally {
  await pool.end().catch(() => {});
  await servers.stop();
}

console.log(`\n## Floor: the servers' least work per revision (${accountCount} accounts, ${seconds} s per rate)\n`);
console.log(
  table(
    ['work', 'rate', 'deliveries', 'p50', 'p95', 'p99', 'not live'],
    results.flatMap((result) => result.rows),
  ),
);
console.log('');
console.log(
  table(
    [
      'work',
      'rate',
      'machine busy',
      'machine CPU-ms / revision',
      'Kafka',
      'S3Proxy',
      'PostgreSQL',
      'clients (this process)',
      'other',
    ],
    results.map((result) => result.cpu),
  ),
);
console.log(
  `\nA rate r needs r × (machine CPU-ms per revision) / 1000 cores; this machine has ${machineCpuSeconds().cores}. "clients" is kafkajs, the AWS SDK and pg in one process; the pipeline runs them in six.`,
);

async function runAt(rate: number, seconds: number, work: Work) {
  const namespace = uniqueName(`floor${rate}`);
  const published = `${namespace}.content.published`;
  const statusTopic = `${namespace}.delivery.status`;
  const bucket = namespace.toLowerCase();
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    waitForLeaders: true,
    topics: [published, statusTopic].map((topic) => ({ topic, numPartitions: PARTITIONS, replicationFactor: 1 })),
  });
  await admin.disconnect();
  const store = new S3ObjectStore(s3StoreOptionsFrom({ ...endpoints, S3_FORCE_PATH_STYLE: true }, bucket));
  await store.ensureBucket();
  const schema = `"${namespace.replaceAll('-', '_')}"`;
  await pool.query(`create schema ${schema};
    create table ${schema}.revisions (document_id text, revision int, body text, primary key (document_id, revision));
    create table ${schema}.outbox (id bigserial primary key, document_id text, revision int);
    create table ${schema}.deliveries (document_id text, channel text, target text, revision int, status text,
      primary key (document_id, channel, target));
    create table ${schema}.ledger (document_id text, channel text, target text, revision int, status text, at timestamptz default now(),
      primary key (document_id, channel, target, revision));`);

  const latencies = new Map<string, number[]>();
  let statusesSeen = 0;

  // The bus's own sender: sends made while one is in flight go together in the next produce request.
  const bus = new KafkaBus({ brokers: [servers.kafkaBrokers], clientId: 'bench-floor', logger });
  const send = async (topic: string, messages: ReadonlyArray<{ key: string; value: unknown }>) => {
    if (messages.length > 0) {
      await bus.sendRecords(
        topic,
        messages.map(({ key, value }) => ({ key, value: JSON.stringify(value), headers: {} })),
      );
    }
  };

  const recordDelivery = (status: Status) =>
    pool.query(
      `insert into ${schema}.deliveries values ($1, $2, $3, $4, 'delivered')
       on conflict (document_id, channel, target) do update set revision = excluded.revision, status = excluded.status`,
      [status.documentId, status.channel, status.target, status.revision],
    );
  const put = (key: string, body: string) => store.put(key, body, { contentType: 'text/html; charset=utf-8' });

  /** A consumer group on `topic`, handed each fetched batch's values (the partitions' batches concurrently). */
  const consume = async <T>(groupId: string, topic: string, handle: (values: T[]) => Promise<void>) => {
    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: PARTITIONS,
      eachBatch: ({ batch }) =>
        handle(batch.messages.map((message) => JSON.parse(message.value?.toString('utf8') ?? 'null') as T)),
    });
    return consumer;
  };

  const renderers: Record<string, (event: Published) => Promise<Status[]>> = {
    portal: async (event) => {
      const status = { ...identity(event), channel: 'portal', target: 'site' };
      await put(`d/${event.documentId}/index.html`, pageBody);
      await recordDelivery(status);
      return [status];
    },
    newmedia: async (event) => {
      await put(`h5/${event.documentId}/r${event.revision}.html`, h5Body);
      return Promise.all(
        Array.from({ length: accountCount }, async (_, account) => {
          const status = { ...identity(event), channel: 'newmedia', target: `account-${account}` };
          // What WeChat needs of every article and no server does for us: its cover and thumbnail (text covers).
          if (work === 'servers + covers') {
            await renderCovers({
              title: `${coverTitle}${event.documentId}`,
              accountName: `政务新媒体账号${account}`,
              leadImage: null,
            });
          }
          await put(`feeds/account-${account}/${event.documentId}.json`, feedBody);
          await recordDelivery(status);
          return status;
        }),
      );
    },
    gazette: async (event) => {
      const status = { ...identity(event), channel: 'gazette', target: 'issue' };
      await recordDelivery(status);
      return [status];
    },
  };
  const consumers = await Promise.all(
    Object.entries(renderers).map(([name, render]) =>
      consume<Published>(`${namespace}-${name}`, published, async (events) => {
        const statuses = (await Promise.all(events.map(render))).flat();
        await send(
          statusTopic,
          statuses.map((status) => ({ key: status.documentId, value: status })),
        );
      }),
    ),
  );
  const ledger = await consume<Status>(`${namespace}-ops`, statusTopic, async (statuses) => {
    if (statuses.length === 0) return;
    const now = Date.now();
    await pool.query(
      `insert into ${schema}.ledger (document_id, channel, target, revision, status)
         select * from unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[]) on conflict do nothing`,
      [
        statuses.map((status) => status.documentId),
        statuses.map((status) => status.channel),
        statuses.map((status) => status.target),
        statuses.map((status) => status.revision),
        statuses.map(() => 'delivered'),
      ],
    );
    for (const status of statuses) {
      const list = latencies.get(status.channel) ?? [];
      list.push(now - status.acceptedAt);
      latencies.set(status.channel, list);
    }
    statusesSeen += statuses.length;
  });
  await sleep(3_000); // the groups joined and fetching

  const accept = async (documentId: string, revision: number) => {
    await pool.query(
      `with revision as (insert into ${schema}.revisions values ($1, $2, $3))
       insert into ${schema}.outbox (document_id, revision) values ($1, $2)`,
      [documentId, revision, eventPadding],
    );
    const event: Published = { documentId, revision, acceptedAt: Date.now(), body: eventPadding };
    await send(published, [{ key: documentId, value: event }]);
  };

  log(`floor at ${rate}/s for ${seconds} s`);
  const cpuBefore = { byProcess: cpuSecondsByProcess(), machine: machineCpuSeconds() };
  const started = Date.now();
  const total = Math.round(rate * seconds);
  const accepts: Promise<void>[] = [];
  for (let index = 0; index < total; index++) {
    const due = started + (index * 1000) / rate;
    if (due > Date.now()) await sleep(due - Date.now());
    accepts.push(accept(`doc-${index}`, 1));
  }
  await Promise.all(accepts);
  const drainUntil = Date.now() + drainSeconds * 1000;
  while (statusesSeen < total * (2 + accountCount) && Date.now() < drainUntil) await sleep(100);
  const cpuAfter = { byProcess: cpuSecondsByProcess(), machine: machineCpuSeconds() };
  const wall = (Date.now() - started) / 1000;

  await Promise.all([...consumers, ledger].map((consumer) => consumer.disconnect().catch(() => {})));
  await bus.close().catch(() => {});

  const perRevision = (group: string) =>
    Math.round((((cpuAfter.byProcess.get(group) ?? 0) - (cpuBefore.byProcess.get(group) ?? 0)) * 1000) / total);
  const machineMs = Math.round(((cpuAfter.machine.busy - cpuBefore.machine.busy) * 1000) / total);
  const groups = ['kafka', 's3proxy', 'postgresql', 'benchmark'];
  const other = machineMs - groups.reduce((sum, group) => sum + perRevision(group), 0);
  const expectedPer: Record<string, number> = { portal: total, newmedia: total * accountCount, gazette: total };
  const rows = ['portal', 'newmedia', 'gazette'].map((channel) => {
    const sorted = [...(latencies.get(channel) ?? [])].sort((a, b) => a - b);
    return [
      work,
      `${rate}/s`,
      channel,
      ms(percentile(sorted, 50)),
      ms(percentile(sorted, 95)),
      ms(percentile(sorted, 99)),
      (expectedPer[channel] ?? 0) - sorted.length,
    ];
  });
  return {
    rows,
    cpu: [
      work,
      `${rate}/s`,
      `${((cpuAfter.machine.busy - cpuBefore.machine.busy) / wall).toFixed(2)} of ${cpuAfter.machine.cores}`,
      machineMs,
      ...groups.map(perRevision),
      other,
    ],
  };
}

function identity(event: Published) {
  return { documentId: event.documentId, revision: event.revision, acceptedAt: event.acceptedAt };
}
