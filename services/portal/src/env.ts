import { databaseEnv, kafkaEnv, parseEnv, port, s3Env, serviceEnv } from '@tongyuan/config';
import { z } from 'zod';

export const PortalEnv = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...s3Env,
  ...databaseEnv,
  /** The server that shows the site (objects from S3, plus search). */
  PORT: port(8082),
  /** Interface to listen on: loopback here, 0.0.0.0 inside a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Bucket and key prefix the site is written to. */
  PORTAL_BUCKET: z.string().min(3).default('tongyuan-portal'),
  PORTAL_PREFIX: z
    .string()
    .regex(/^([\w.-]+\/)*$/, 'a key prefix ending in / (or empty)')
    .default('site/'),
  /** Bucket editors upload originals to: images are resized and attachments copied from it into the site. */
  ASSETS_BUCKET: z.string().min(3).default('tongyuan-assets'),
  /** This site's id: documents targeted at other sites are not carried. */
  SITE_ID: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .default('main'),
  SITE_TITLE: z.string().min(1).default('政府信息公开'),
  /** Absolute URL the site is served at, for canonical links, the feed and the sitemap. */
  SITE_BASE_URL: z.url().default('http://127.0.0.1:8082'),
  PAGE_SIZE: z.coerce.number().int().min(5).max(200).default(20),
  /** Consumer group; one per site, so every site reads the whole topic. */
  PORTAL_GROUP_ID: z.string().min(1).optional(),
});
export type PortalEnv = z.infer<typeof PortalEnv>;

export const loadEnv = (env: NodeJS.ProcessEnv = process.env): PortalEnv => parseEnv(PortalEnv, env);
