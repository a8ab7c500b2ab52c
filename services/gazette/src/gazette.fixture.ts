// The gazette service in-process against the real PostgreSQL, S3 server and Kafka, with topics, bucket and database of its own.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KafkaBus } from '@tongyuan/bus';
import { type DocumentRevision, newDocumentId, sourceFingerprint, toContentPublished, topics } from '@tongyuan/contracts';
import { issueTokens } from '@tongyuan/http';
import { freePort, freshDatabaseUrl, integrationTest, quietLogger, storeFor, uniqueName } from '@tongyuan/testing';
import { type CorpusName, revisionFromCorpus } from '../../../packages/contracts/src/corpus-revision.fixture.js';
import { loadEnv } from './env.js';
import { startGazette } from './main.js';

export const people = {
  archivist: { id: 'staff-archivist', name: '孙档案员', roles: ['archivist'] },
  archivist2: { id: 'staff-archivist-2', name: '吴档案员', roles: ['archivist'] },
  editor: { id: 'staff-editor', name: '张编辑', roles: ['editor'] },
} as const;
export type Person = keyof typeof people;

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

export interface GazetteHarness {
  baseUrl: string;
  topicPrefix: string;
  bucket: string;
  service: Awaited<ReturnType<typeof startGazette>>;
  store: ReturnType<typeof storeFor>;
  tokenOf(person: Person): string;
  call<T = any>(person: Person | null, method: string, path: string, body?: unknown): Promise<ApiAnswer<T>>;
  /** Releases revisions on this harness's content.published, as the editorial relay would. */
  release(...revisions: DocumentRevision[]): Promise<void>;
  /** The cluster name of delivery.status for this harness. */
  deliveryTopic: string;
  /** A JSON object of the bucket, parsed; fails the test when it is missing. */
  json(key: string): Promise<any>;
}

export const gazetteTest = integrationTest.extend<{ gazette: GazetteHarness }>({
  gazette: [
    async ({ servers }, use) => {
      const { users, tokens } = issueTokens(Object.values(people).map((person) => ({ ...person, roles: [...person.roles] })));
      const usersFile = join(await mkdtemp(join(tmpdir(), 'gazette-users-')), 'api-users.json');
      await writeFile(usersFile, JSON.stringify(users));
      const topicPrefix = `${uniqueName('t')}.`;
      const bucket = uniqueName('gazette');
      const port = await freePort();
      const service = await startGazette(
        loadEnv({
          KAFKA_BROKERS: servers.kafkaBrokers.join(','),
          KAFKA_TOPIC_PREFIX: topicPrefix,
          S3_ENDPOINT: servers.s3.endpoint,
          S3_REGION: servers.s3.region,
          S3_ACCESS_KEY_ID: servers.s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: servers.s3.secretAccessKey,
          DATABASE_URL: await freshDatabaseUrl(servers, 'gazette'),
          GAZETTE_BUCKET: bucket,
          GAZETTE_TITLE: '自贡市人民政府公报',
          API_USERS_FILE: usersFile,
          TOTAL_ISSUE_OFFSET: '300',
          PORTAL_BASE_URL: 'http://portal.example.gov.cn',
          PORT: String(port),
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        }),
      );
      const bus = new KafkaBus({
        brokers: servers.kafkaBrokers,
        clientId: uniqueName('gazette-test'),
        logger: quietLogger(),
        topicPrefix,
      });
      const baseUrl = `http://127.0.0.1:${service.port}`;
      const tokenOf = (person: Person) => tokens[people[person].id] ?? '';
      await use({
        baseUrl,
        topicPrefix,
        bucket,
        service,
        store: storeFor(servers, bucket),
        tokenOf,
        deliveryTopic: `${topicPrefix}${topics.deliveryStatus.name}`,
        call: async (person, method, path, body) => {
          const response = await fetch(`${baseUrl}${path}`, {
            method,
            headers: {
              ...(person ? { authorization: `Bearer ${tokenOf(person)}` } : {}),
              ...(body === undefined ? {} : { 'content-type': 'application/json' }),
            },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const text = await response.text();
          return { status: response.status, body: text ? JSON.parse(text) : undefined };
        },
        json: async (key) => {
          const object = await storeFor(servers, bucket).get(key);
          if (!object) throw new Error(`no object ${key} in ${bucket}`);
          return JSON.parse(object.body.toString('utf8'));
        },
        release: async (...revisions) => {
          for (const revision of revisions) await bus.publish(topics.contentPublished, toContentPublished(revision));
        },
      });
      await bus.close();
      await service.stop();
    },
    { scope: 'file' },
  ],
});

const corpusNames: CorpusName[] = [
  'zigong-2022-task-division',
  'haishu-2019-work-plan',
  'hongqiao-amr-2019-work-plan',
  'laiyang-2024-work-plan',
];

let serial = 0;
/**
 * The four corpus documents as 规范性文件 released in one month (day 2, 5, 8, 11, Beijing time), each with a fresh id
 * and 文号, so every test file has documents of its own. Reviews stay dated before the release.
 */
export const corpusMonth = (month: string): DocumentRevision[] =>
  corpusNames.map((name, index) => {
    serial += 1;
    const corpus = revisionFromCorpus(name);
    const publishedAt = `${month}-${String(2 + index * 3).padStart(2, '0')}T10:00:00+08:00`;
    const year = Number(month.slice(0, 4));
    return {
      ...corpus,
      documentId: newDocumentId(Date.parse(publishedAt), new TextEncoder().encode(uniqueName('d').padEnd(10, 'x'))),
      kind: '规范性文件',
      docNumber: corpus.docNumber ?? `自府办发〔${year}〕${serial}号`,
      validity: { status: '现行有效', effectiveFrom: corpus.writtenDate, expiresOn: null },
      publishedAt,
    };
  });

/** The next revision of a released one: a 纠错 of one paragraph, released at `changedAt`. */
export const correctionOf = (
  previous: DocumentRevision,
  changedAt: string,
  kind: 'correction' | 'withdrawal' = 'correction',
): DocumentRevision => {
  const body = previous.body.map((block, index) =>
    index === 1 && block.type === 'paragraph' ? { ...block, text: `${block.text}（已更正）` } : block,
  );
  return {
    ...previous,
    revision: previous.revision + 1,
    status: kind === 'withdrawal' ? 'withdrawn' : 'published',
    body: kind === 'withdrawal' ? previous.body : body,
    correction: {
      kind,
      reason: kind === 'withdrawal' ? '文件已被新文件替代' : '第二段表述有误',
      changes: kind === 'withdrawal' ? ['撤回全文'] : ['第二段末尾补充“已更正”字样', '核对文号'],
      previousRevision: previous.revision,
      previousFingerprint: sourceFingerprint(previous),
      changedAt,
    },
  };
};
