// `npm start` runs this on port 8086: the fake WeChat API the newmedia service talks to where WeChat is unreachable.
// FAKE_WECHAT_APPS_FILE: JSON [{ appId, secret, callbackUrl?, callbackToken? }] — the accounts it knows; by default
// the demo accounts of services/newmedia/accounts.sample.json.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { FakeWechatServer } from './fake-wechat.server.js';

const FakeEnv = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8086),
  HOST: z.string().min(1).default('127.0.0.1'),
  FAKE_WECHAT_APPS_FILE: z
    .string()
    .min(1)
    .default(fileURLToPath(new URL('../../../../services/newmedia/fake-wechat.apps.sample.json', import.meta.url))),
  FAKE_WECHAT_PUBLISH_DELAY_MS: z.coerce.number().int().min(0).default(2_000),
  /** `/_fake/*` counters and failure injection for tests and demos (`false` turns them off). */
  FAKE_WECHAT_CONTROL: z.enum(['true', 'false']).default('true'),
});

const FakeApps = z.array(
  z.object({
    appId: z.string().min(1),
    secret: z.string().min(1),
    callbackUrl: z.url().optional(),
    callbackToken: z.string().optional(),
  }),
);

export const startFakeWechat = async (environment: NodeJS.ProcessEnv = process.env) => {
  const env = FakeEnv.parse(environment);
  const apps = FakeApps.parse(JSON.parse(readFileSync(env.FAKE_WECHAT_APPS_FILE, 'utf8')));
  const fake = await FakeWechatServer.start({
    apps,
    port: env.PORT,
    host: env.HOST,
    publishDelayMs: env.FAKE_WECHAT_PUBLISH_DELAY_MS,
    control: env.FAKE_WECHAT_CONTROL === 'true',
  });
  console.log(
    JSON.stringify({ level: 'info', service: 'wechat-fake', url: fake.url, apps: apps.length, msg: 'fake WeChat API listening' }),
  );
  return fake;
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const fake = await startFakeWechat();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void fake.close().then(() => process.exit(0)));
}
