import { databaseEnv, kafkaEnv, parseEnv, port, s3Env, serviceEnv } from '@tongyuan/config';
import { DocumentKind } from '@tongyuan/contracts';
import { z } from 'zod';

const commaSeparated = z.string().transform((value) =>
  value
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

export const OpsEnv = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...s3Env,
  ...databaseEnv,
  /** The ops console and its JSON views. */
  PORT: port(8085),
  /** Interface to listen on: loopback here, 0.0.0.0 inside a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** API users (token hashes); the console and every action need the role ops. */
  API_USERS_FILE: z.string().min(1),
  /** Mark the session cookie Secure: on wherever the console is served over HTTPS. */
  COOKIE_SECURE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
  /** A revision must be live on every expected target within this many seconds of its release. */
  SLA_SECONDS: z.coerce.number().int().min(1).default(60),
  /** How often the same-source audit and the SLA check run (they also run on demand from the console). */
  AUDIT_INTERVAL_MS: z.coerce.number().int().min(100).default(30_000),
  /** Documents each timed audit cycle reads back besides those that changed, are unsettled or had findings. */
  AUDIT_SAMPLE_DOCUMENTS: z.coerce.number().int().min(1).default(500),
  /** Where the portal writes (read only here): bucket and key prefix of the site. */
  PORTAL_BUCKET: z.string().min(3).default('tongyuan-portal'),
  PORTAL_PREFIX: z
    .string()
    .regex(/^([\w.-]+\/)*$/, 'a key prefix ending in / (or empty)')
    .default('site/'),
  /** Portal sites expected to carry every 主动公开 revision (unless its targeting names others). */
  PORTAL_SITES: commaSeparated.pipe(z.array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/)).min(1)).default(['main']),
  /** Where the new-media renderer writes its feeds, H5 pages and WeChat send records (read only here). */
  NEWMEDIA_BUCKET: z.string().min(3).default('tongyuan-newmedia'),
  /** Where the gazette writes its issues (read only here). */
  GAZETTE_BUCKET: z.string().min(3).default('tongyuan-gazette'),
  /** Kinds the gazette carries: their revisions are expected as gazette candidates. */
  GAZETTE_KINDS: commaSeparated.pipe(z.array(DocumentKind)).default(['规章', '规范性文件']),
  /** WeChat API (or the fake server) for reading published articles back (freepublish/getarticle); unset = records only. */
  WECHAT_API_BASE_URL: z.url().optional(),
  /** JSON object account id → AppSecret (the file the new-media service reads), to read each account's articles. */
  ACCOUNT_SECRETS_FILE: z.string().min(1).optional(),
  /** Consumer groups of the ledger, the revision store and the dead-letter view; unset = derived from the database name. */
  OPS_GROUP_ID: z.string().min(1).optional(),
});
export type OpsEnv = z.infer<typeof OpsEnv>;

export const loadEnv = (env: NodeJS.ProcessEnv = process.env): OpsEnv => parseEnv(OpsEnv, env);
