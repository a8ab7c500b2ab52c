// The portal service in-process against the real PostgreSQL, S3 server and Kafka, with a site of its own.
import { type DocumentRevision, toContentPublished } from '@tongyuan/contracts';
import { freePort, freshDatabaseUrl, integrationTest, uniqueName } from '@tongyuan/testing';
import { loadEnv } from './env.js';
import { startPortal } from './main.js';

export type PortalService = Awaited<ReturnType<typeof startPortal>> & {
  siteId: string;
  topicPrefix: string;
  baseUrl: string;
  prefix: string;
};

export const portalTest = integrationTest.extend<{ portal: PortalService }>({
  portal: [
    async ({ servers }, use) => {
      const siteId = uniqueName('site');
      const port = await freePort();
      // Topics of its own: the site sees only what its tests publish, not every document of the shared cluster.
      const topicPrefix = `${uniqueName('t')}.`;
      const service = await startPortal(
        loadEnv({
          KAFKA_BROKERS: servers.kafkaBrokers.join(','),
          S3_ENDPOINT: servers.s3.endpoint,
          S3_REGION: servers.s3.region,
          S3_ACCESS_KEY_ID: servers.s3.accessKeyId,
          S3_SECRET_ACCESS_KEY: servers.s3.secretAccessKey,
          DATABASE_URL: await freshDatabaseUrl(servers, 'portal'),
          PORTAL_BUCKET: uniqueName('portal'),
          SITE_ID: siteId,
          KAFKA_TOPIC_PREFIX: topicPrefix,
          PAGE_SIZE: '5',
          PORT: String(port),
          SITE_BASE_URL: `http://127.0.0.1:${port}`,
          LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        }),
      );
      await use({ ...service, siteId, topicPrefix, baseUrl: `http://127.0.0.1:${service.port}`, prefix: 'site/' });
      await service.stop();
    },
    { scope: 'file' },
  ],
});

/** A revision addressed to this test's site only, so the shared content.published topic's other documents pass it by. */
export const forSite = (revision: DocumentRevision, siteId: string): DocumentRevision => ({
  ...revision,
  targeting: { ...revision.targeting, sites: [siteId] },
});

export const eventOf = (revision: DocumentRevision) => toContentPublished(revision);
