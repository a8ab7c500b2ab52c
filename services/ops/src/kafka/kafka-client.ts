import type { Logger } from '@tongyuan/logger';
import { Kafka, logLevel } from 'kafkajs';

/** A kafkajs client for what KafkaBus does not do: the admin API (lag) and reading dead-letter topics raw. */
export const opsKafka = (brokers: string[], clientId: string, logger: Logger): Kafka =>
  new Kafka({
    clientId,
    brokers,
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }) => {
        const { message, ...extra } = log;
        if (level === logLevel.ERROR) logger.error({ component: 'kafkajs', ...extra }, message);
        else logger.warn({ component: 'kafkajs', ...extra }, message);
      },
  });
