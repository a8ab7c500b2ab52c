export { createLogger, type Logger, type LoggerOptions, redactedPaths, withoutCredentials } from './logger.js';
