import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { jvmServer, type ServerHandle } from './jvm-server.js';
import { dataDirOf, infraDir } from './paths.js';
import { portFromEnv } from './ports.js';
import { s3Answers } from './readiness.js';

/** Fixed, well-known keys: this S3 is for local development and tests only. */
export const localCredentials = {
  s3AccessKeyId: 'local-access-key',
  s3SecretAccessKey: 'local-secret-key',
} as const;

export interface S3ServerOptions {
  /** Instance name: data in .local/data/<name>, log in .local/logs/<name>.log. Default 's3'. */
  name?: string;
  /** Default S3_PORT or 9000. */
  port?: number;
}

/** S3Proxy 3.x with the filesystem backend: buckets are folders under .local/data/<name>/blobs. */
export function s3Server(opts: S3ServerOptions = {}): ServerHandle {
  const name = opts.name ?? 's3';
  const port = opts.port ?? portFromEnv('S3_PORT', 9000);
  const url = `http://127.0.0.1:${port}`;
  const dataDir = dataDirOf(name);
  const blobsDir = join(dataDir, 'blobs');
  const configFile = join(dataDir, 's3proxy.conf');

  const config = [
    `s3proxy.endpoint=${url}`,
    's3proxy.authorization=aws-v2-or-v4',
    `s3proxy.identity=${localCredentials.s3AccessKeyId}`,
    `s3proxy.credential=${localCredentials.s3SecretAccessKey}`,
    // The AWS SDK sends headers S3Proxy does not know; rejecting them would break ordinary uploads.
    's3proxy.ignore-unknown-headers=true',
    'jclouds.provider=filesystem',
    `jclouds.filesystem.basedir=${blobsDir}`,
  ];
  const credentials = { accessKeyId: localCredentials.s3AccessKeyId, secretAccessKey: localCredentials.s3SecretAccessKey };

  return jvmServer({
    name,
    url,
    jars: 's3proxy',
    mainClass: 'org.gaul.s3proxy.Main',
    // Without a logback config S3Proxy logs every request at DEBUG.
    jvmOptions: [
      '-Xmx256m',
      '-Djava.awt.headless=true',
      `-Dlogback.configurationFile=${join(infraDir, 's3proxy', 'logback.xml')}`,
    ],
    ports: [port],
    configFile,
    readyDeadlineMs: 60_000,
    stopGraceMs: 15_000,
    probe: () => s3Answers(url, credentials),
    prepare: async () => {
      await mkdir(blobsDir, { recursive: true });
      await writeFile(configFile, `${config.join('\n')}\n`);
      return ['--properties', configFile];
    },
  });
}
