export { createLogger, withoutCredentials, redactedPaths, type Logger, type LoggerOptions } from './logger.js';
