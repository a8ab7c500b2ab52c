import { databaseEnv, kafkaEnv, parseEnv, port, s3Env, serviceEnv } from '@tongyuan/config';
import { z } from 'zod';

const sampleAccounts = new URL('../accounts.sample.json', import.meta.url).pathname;

export const NewmediaEnv = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...s3Env,
  ...databaseEnv,
  /** Serves the feeds and H5 pages from S3, and receives WeChat's PUBLISHJOBFINISH pushes. */
  PORT: port(8083),
  /** Interface to listen on: loopback here, 0.0.0.0 inside a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Bucket of the feeds, H5 pages and the records of what was sent to WeChat. */
  NEWMEDIA_BUCKET: z.string().min(3).default('tongyuan-newmedia'),
  /** Bucket editors upload originals to: in-article images and covers are made from them. */
  ASSETS_BUCKET: z.string().min(3).default('tongyuan-assets'),
  /** The portal, for 阅读原文 links: <base>/documents/<id>/. */
  PORTAL_BASE_URL: z.url().default('http://127.0.0.1:8082'),
  /** Where this service (or a CDN in front of the bucket) serves feed.json and the H5 pages. */
  NEWMEDIA_BASE_URL: z.url().default('http://127.0.0.1:8083'),
  /** https://api.weixin.qq.com in production; the fake server elsewhere (npm start: http://127.0.0.1:8086). */
  WECHAT_API_BASE_URL: z.url().default('https://api.weixin.qq.com'),
  /** The account matrix (AccountMatrix JSON): accounts, their AppIDs and routing profiles; no secrets. */
  ACCOUNTS_FILE: z.string().min(1).default(sampleAccounts),
  /** JSON { "<accountId>": "<AppSecret>" }; WECHAT_SECRET_<ACCOUNT_ID> variables override it. */
  ACCOUNT_SECRETS_FILE: z.string().min(1).optional(),
  /** The Token set as the accounts' server configuration: PUBLISHJOBFINISH pushes are signed with it. Unset: pushes refused. */
  WECHAT_PUSH_TOKEN: z.string().min(8).optional(),
  /** First freepublish/get after a submit, and the base of the polling backoff. */
  WECHAT_PUBLISH_POLL_MS: z.coerce.number().int().min(10).default(3_000),
  /** Base delay of the background retry of a failed retryable delivery (doubles per attempt). */
  NEWMEDIA_RETRY_MS: z.coerce.number().int().min(10).default(30_000),
  /** Deliveries (document × account) running at once; each holds a PostgreSQL connection while it runs. */
  NEWMEDIA_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(16),
  /** Automatic retries of a retryable failure before it waits for the event to be delivered again. */
  NEWMEDIA_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(8),
  /**
   * A submit whose answer was lost and whose article is not among the published is submitted again (WeChat refuses a
   * second submit of a draft it took) — but only once it is this old, when a job it started would have ended.
   */
  WECHAT_SUBMIT_SETTLE_MS: z.coerce.number().int().min(0).default(60_000),
  /** How long such a submit, refused again because WeChat holds the draft in a job, is looked for before an operator decides. */
  WECHAT_SUBMIT_CONFIRM_WINDOW_MS: z.coerce
    .number()
    .int()
    .min(1_000)
    .default(15 * 60_000),
  /** Base backoff of a WeChat call retried within one step (-1, 45009, 5xx, network), doubling per try. */
  WECHAT_RETRY_MS: z.coerce.number().int().min(1).default(1_000),
  /** How long the account breaker stays open before a probe call. */
  WECHAT_BREAKER_RESET_MS: z.coerce.number().int().min(10).default(30_000),
  /** Consumer group; one for the whole matrix. */
  NEWMEDIA_GROUP_ID: z.string().min(1).default('newmedia'),
});
export type NewmediaEnv = z.infer<typeof NewmediaEnv>;

export const loadEnv = (env: NodeJS.ProcessEnv = process.env): NewmediaEnv => parseEnv(NewmediaEnv, env);

/** WECHAT_SECRET_<ACCOUNT_ID> (account id upper-cased, other characters as _), read once with the rest of the environment. */
export const secretVariablesOf = (env: NodeJS.ProcessEnv = process.env): Record<string, string> =>
  Object.fromEntries(
    Object.entries(env).filter(
      (entry): entry is [string, string] => entry[0].startsWith('WECHAT_SECRET_') && entry[1] !== undefined && entry[1] !== '',
    ),
  );
