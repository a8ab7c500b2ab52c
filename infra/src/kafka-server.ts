import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { jvmServer, type ServerHandle } from './jvm-server.js';
import { dataDirOf, infraDir, logsDir } from './paths.js';
import { portFromEnv } from './ports.js';
import { runCommand } from './processes.js';
import { kafkaClusterId } from './readiness.js';

export interface KafkaServerOptions {
  /** Instance name: data in .local/data/<name>, log in .local/logs/<name>.log. Default 'kafka'. */
  name?: string;
  /** Client port; default KAFKA_PORT or 9092. */
  port?: number;
  /** KRaft controller port; default KAFKA_CONTROLLER_PORT or 9093. */
  controllerPort?: number;
}

const log4jConfig = pathToFileURL(join(infraDir, 'kafka', 'log4j.properties')).href;

/** A single-node Kafka 3.9 (KRaft, broker and controller in one JVM) on loopback. */
export function kafkaServer(opts: KafkaServerOptions = {}): ServerHandle {
  const name = opts.name ?? 'kafka';
  const port = opts.port ?? portFromEnv('KAFKA_PORT', 9092);
  const controllerPort = opts.controllerPort ?? portFromEnv('KAFKA_CONTROLLER_PORT', 9093);
  const url = `127.0.0.1:${port}`;
  const dataDir = dataDirOf(name);
  const logDirs = join(dataDir, 'kraft-combined-logs');
  const configFile = join(dataDir, 'server.properties');

  const serverProperties = [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${logDirs}`,
    'num.partitions=3',
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics come from the project's topic catalogue only; a typo must fail, not create a topic.
    'auto.create.topics.enable=false',
    // The default 50 partitions make the first consumer group slow to start on one node.
    'offsets.topic.num.partitions=10',
    // Compacted topics need the cleaner.
    'log.cleaner.enable=true',
    // After a crash the restarted broker waits out its old session before it may register again (9 s by default).
    'broker.session.timeout.ms=3000',
    'broker.heartbeat.interval.ms=1000',
  ];

  const jvmOptions = [
    '-Xms512m',
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dkafka.logs.dir=${logsDir}`,
    `-Dlog4j.configuration=${log4jConfig}`,
  ];

  return jvmServer({
    name,
    url,
    jars: 'kafka',
    mainClass: 'kafka.Kafka',
    jvmOptions,
    ports: [port, controllerPort],
    configFile,
    readyDeadlineMs: 90_000,
    stopGraceMs: 30_000,
    probe: async () => (await kafkaClusterId(url)) !== undefined,
    prepare: async (jarsDir) => {
      await mkdir(logDirs, { recursive: true });
      // Rewritten on every start so port overrides apply; the data itself is kept.
      await writeFile(configFile, `${serverProperties.join('\n')}\n`);
      if (!existsSync(join(logDirs, 'meta.properties'))) {
        const clusterId = await persistedClusterId(dataDir);
        // -g: a dir that is already formatted is left as it is.
        const format = ['kafka.tools.StorageTool', 'format', `--cluster-id=${clusterId}`, '-c', configFile, '-g'];
        await runCommand(
          'java',
          [`-Dlog4j.configuration=${log4jConfig}`, '-cp', join(jarsDir, '*'), ...format],
          'install Java 17+',
        );
      }
      return [configFile];
    },
  });
}

/** The cluster id kept in the data dir, created once: 16 random bytes in base64url, as Kafka expects. */
async function persistedClusterId(dataDir: string): Promise<string> {
  const file = join(dataDir, 'cluster-id');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return existing;
  const clusterId = randomBytes(16).toString('base64url');
  await writeFile(file, `${clusterId}\n`);
  return clusterId;
}
