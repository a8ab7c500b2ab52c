// The whole pipeline as `npm start` runs it — every service its own process, on the real servers — with the samples
// published through the editors' API; then what a reader of each carrier and an operator would see.
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccountMatrix, routeToAccounts } from '@tongyuan/contracts';
import { issueTokens } from '@tongyuan/http';
import { freePort, integrationTest, uniqueName, waitFor } from '@tongyuan/testing';
import { afterAll, describe, expect } from 'vitest';
import { Pipeline, type ServiceName } from '../scripts/pipeline.ts';
import { contentOfSample, publishSamples, readSamples } from '../scripts/publish-samples.ts';
import { staff } from '../services/editorial/src/staff.fixture.ts';

const samplesFolder = new URL('../samples/documents/', import.meta.url).pathname;
const accountsFile = new URL('../services/newmedia/accounts.sample.json', import.meta.url).pathname;

interface FeedItem {
  _tongyuan: { document_id: string; revision: number; fingerprint: string };
}
interface FakeStats {
  drafts: Array<{ appId: string; mediaId: string }>;
  jobs: Array<{ appId: string; status: number }>;
}
const { users, tokens } = issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));

let pipeline: Pipeline | undefined;
afterAll(async () => {
  await pipeline?.stop();
});

const metaOf = (html: string, name: string): string | undefined =>
  new RegExp(`<meta name="${name.replace(':', '\\:')}" content="([^"]*)"`).exec(html)?.[1];

describe('the pipeline, as npm start runs it', () => {
  integrationTest(
    'each sample published once through the editors’ API is live on the portal, the routed accounts and the gazette’s open issue at the same fingerprint, and the ops ledger says so',
    { timeout: 420_000 },
    async ({ servers }) => {
      const ports = Object.fromEntries(
        await Promise.all(
          (['wechat-fake', 'editorial', 'portal', 'newmedia', 'gazette', 'ops'] as ServiceName[]).map(
            async (name) => [name, await freePort()] as const,
          ),
        ),
      ) as Record<ServiceName, number>;
      pipeline = new Pipeline({
        endpoints: {
          KAFKA_BROKERS: servers.kafkaBrokers.join(','),
          S3_ENDPOINT: servers.s3.endpoint,
          S3_REGION: servers.s3.region,
          S3_ACCESS_KEY_ID: servers.s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: servers.s3.secretAccessKey,
          DATABASE_URL: servers.databaseUrl,
        },
        users,
        workDir: await mkdtemp(join(tmpdir(), 'tongyuan-e2e-')),
        ports,
        namespace: uniqueName('e2e'),
        only: ['wechat-fake', 'editorial', 'portal', 'newmedia', 'gazette', 'ops'],
        // Quick polls and retries: a machine busy with the rest of the suite may time a WeChat call out.
        extraEnv: {
          newmedia: { WECHAT_PUBLISH_POLL_MS: '200', NEWMEDIA_RETRY_MS: '1000' },
          'wechat-fake': { FAKE_WECHAT_PUBLISH_DELAY_MS: '300' },
        },
        logLevel: process.env.TEST_LOG_LEVEL ?? 'warn',
      });
      await pipeline.start();

      const samples = await readSamples(samplesFolder);
      const published = await publishSamples(pipeline.url('editorial'), tokens, samples);
      expect(Object.keys(published).sort()).toEqual(samples.map((sample) => sample.file).sort());

      const fingerprints = new Map<string, string>();
      for (const documentId of Object.values(published)) {
        const revisions = (await (
          await fetch(`${pipeline.url('editorial')}/v1/documents/${documentId}`, {
            headers: { authorization: `Bearer ${tokens[staff.editor.id]}` },
          })
        ).json()) as { revisions: Array<{ revision: number; fingerprint: string }> };
        const latest = revisions.revisions.at(-1);
        expect(latest?.revision).toBe(1);

        let page = '';
        await waitFor(
          async () => {
            const response = await fetch(`${pipeline?.url('portal')}/documents/${documentId}/`);
            page = response.ok ? await response.text() : '';
            return page !== '';
          },
          { what: `the portal page of ${documentId}`, timeoutMs: 60_000 },
        );
        expect(metaOf(page, 'tongyuan:document-id')).toBe(documentId);
        expect(metaOf(page, 'tongyuan:fingerprint')).toBe(latest?.fingerprint);
        fingerprints.set(documentId, latest?.fingerprint ?? '');
      }

      // New media: each account's JSON Feed carries the documents routed to it (the rule newmedia applies) at their
      // fingerprints, and WeChat got one draft and one submit each.
      const accounts = AccountMatrix.parse(JSON.parse(readFileSync(accountsFile, 'utf8'))).accounts;
      const routedTo = new Map(accounts.map((account) => [account.id, new Set<string>()]));
      for (const sample of samples) {
        for (const account of routeToAccounts(contentOfSample(sample), accounts))
          routedTo.get(account.id)?.add(published[sample.file] ?? '');
      }
      const routedSomewhere = new Set([...routedTo.values()].flatMap((documentIds) => [...documentIds]));
      expect([...fingerprints.keys()].filter((documentId) => !routedSomewhere.has(documentId))).toEqual([]);
      const feeds = new Map<string, FeedItem[]>();
      await waitFor(
        async () => {
          for (const account of accounts) {
            const response = await fetch(`${pipeline?.url('newmedia')}/accounts/${account.id}/feed.json`);
            feeds.set(account.id, response.ok ? ((await response.json()) as { items: FeedItem[] }).items : []);
          }
          return accounts.every((account) => {
            const carried = (feeds.get(account.id) ?? []).map((item) => item._tongyuan.document_id).sort();
            return carried.join() === [...(routedTo.get(account.id) ?? [])].sort().join();
          });
        },
        { what: 'every account’s feed carrying the documents routed to it', timeoutMs: 90_000, intervalMs: 500 },
      );
      const statsOf = async () => (await (await fetch(`${pipeline?.url('wechat-fake')}/_fake/stats`)).json()) as FakeStats;
      for (const account of accounts) {
        const items = feeds.get(account.id) ?? [];
        for (const item of items) expect(item._tongyuan.fingerprint).toBe(fingerprints.get(item._tongyuan.document_id));
        await waitFor(
          async () => {
            const now = await statsOf();
            return now.jobs.filter((job) => job.appId === account.appId && job.status === 0).length >= items.length;
          },
          { what: `${account.id}: every feed item published on WeChat`, timeoutMs: 150_000, intervalMs: 500 },
        );
        const publishedJobs = (await statsOf()).jobs.filter((job) => job.appId === account.appId && job.status === 0);
        expect(publishedJobs.length, `${account.id}: one publish per feed item`).toBe(items.length);
        const drafts = (await statsOf()).drafts.filter((draft) => draft.appId === account.appId);
        expect(drafts.length, `${account.id}: one draft per feed item`).toBe(items.length);
      }

      // The gazette: the 规范性文件 and its 政策解读 are candidates of this month's open issue, at the same fingerprints.
      const gazetteKinds = samples.filter((sample) => ['规章', '规范性文件', '政策解读'].includes(sample.raw.kind));
      expect(gazetteKinds.length).toBe(2);
      const candidates = await waitFor(
        async () => {
          const response = await fetch(`${pipeline?.url('gazette')}/v1/issues/open`, {
            headers: { authorization: `Bearer ${tokens[staff.archivist.id]}` },
          });
          if (!response.ok) return undefined;
          const open = (await response.json()) as {
            sections: Array<{ candidates: Array<{ documentId: string; fingerprint: string }> }>;
          };
          const all = open.sections.flatMap((section) => section.candidates);
          return all.length === gazetteKinds.length ? all : undefined;
        },
        { what: 'the gazette candidates', timeoutMs: 60_000, intervalMs: 500 },
      );
      for (const sample of gazetteKinds) {
        const documentId = published[sample.file] ?? '';
        expect(candidates.find((candidate) => candidate.documentId === documentId)?.fingerprint).toBe(
          fingerprints.get(documentId),
        );
      }

      // Ops: the ledger has each document live on the portal and new media, and filed for the gazette, at its fingerprint.
      const gazetteDocuments = new Set(gazetteKinds.map((sample) => published[sample.file]));
      for (const [documentId, fingerprint] of fingerprints) {
        const states = await waitFor(
          async () => {
            const response = await fetch(`${pipeline?.url('ops')}/v1/documents/${documentId}/deliveries`, {
              headers: { authorization: `Bearer ${tokens[staff.ops.id]}` },
            });
            if (!response.ok) return undefined;
            const rows = (await response.json()) as Array<{ channel: string; state: string; fingerprint: string }>;
            const live = (channel: string, state: string) =>
              rows.some((row) => row.channel === channel && row.state === state && row.fingerprint === fingerprint);
            const complete =
              live('portal', 'delivered') &&
              live('newmedia', 'delivered') &&
              (!gazetteDocuments.has(documentId) || live('gazette', 'pending'));
            return complete ? rows : undefined;
          },
          { what: `the ledger of ${documentId}`, timeoutMs: 60_000, intervalMs: 500 },
        );
        expect(states.every((row) => row.fingerprint === fingerprint)).toBe(true);
      }
    },
  );
});
