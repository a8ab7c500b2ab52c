// The whole pipeline as `npm start` runs it — every service its own process, on the real servers — with the samples
// published through the editors' API; then what a reader of each carrier and an operator would see.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueTokens } from '@tongyuan/http';
import { freePort, integrationTest, uniqueName, waitFor } from '@tongyuan/testing';
import { afterAll, describe, expect } from 'vitest';
import { Pipeline, type ServiceName } from '../scripts/pipeline.ts';
import { publishSamples, readSamples } from '../scripts/publish-samples.ts';
import { staff } from '../services/editorial/src/staff.fixture.ts';

const samplesFolder = new URL('../samples/documents/', import.meta.url).pathname;
const { users, tokens } = issueTokens(Object.values(staff).map((person) => ({ ...person, roles: [...person.roles] })));

let pipeline: Pipeline | undefined;
afterAll(async () => {
  await pipeline?.stop();
});

const metaOf = (html: string, name: string): string | undefined =>
  new RegExp(`<meta name="${name.replace(':', '\\:')}" content="([^"]*)"`).exec(html)?.[1];

describe('the pipeline, as npm start runs it', () => {
  integrationTest(
    'each sample published once through the editors’ API is live on the portal with the same fingerprint',
    { timeout: 240_000 },
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
        only: ['editorial', 'portal'],
        logLevel: process.env.TEST_LOG_LEVEL ?? 'warn',
      });
      await pipeline.start();

      const samples = await readSamples(samplesFolder);
      const published = await publishSamples(pipeline.url('editorial'), tokens, samples);
      expect(Object.keys(published).sort()).toEqual(samples.map((sample) => sample.file).sort());

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
      }
    },
  );
});
