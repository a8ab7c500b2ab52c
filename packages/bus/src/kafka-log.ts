import type { Logger } from '@tongyuan/logger';
import { type logCreator, logLevel } from 'kafkajs';

/** Routes kafkajs's own log lines into the service's pino logger. */
export const kafkaLogCreator =
  (logger: Logger): logCreator =>
  () =>
  ({ level, log }) => {
    const { message, ...extra } = log;
    const child = { component: 'kafkajs', ...extra };
    if (level === logLevel.ERROR) logger.error(child, message);
    else if (level === logLevel.WARN) logger.warn(child, message);
    else if (level === logLevel.INFO) logger.debug(child, message);
    else logger.trace(child, message);
  };
