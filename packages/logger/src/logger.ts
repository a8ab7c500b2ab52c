import { type DestinationStream, type Logger, pino } from 'pino';

/** Keys whose values never reach a log line, at the top level or one/two levels down. */
const secretKeys = [
  'password',
  'secret',
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'authorization',
  'Authorization',
  'cookie',
  'apiKey',
  'appSecret',
  'appsecret',
  'secretAccessKey',
  'S3_SECRET_ACCESS_KEY',
  'DATABASE_URL',
  'credentials',
];

export const redactedPaths = secretKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `headers.${key.toLowerCase()}`]);

/** Removes the password part of a URL (postgres://user:pw@host → postgres://user:***@host) before logging it. */
export const withoutCredentials = (url: string): string => url.replace(/(\/\/[^:/@\s]+):[^@/\s]+@/g, '$1:***@');

export interface LoggerOptions {
  service: string;
  level?: string;
  /** Tests pass a stream to read what was logged. */
  destination?: DestinationStream;
}

export const createLogger = ({ service, level = 'info', destination }: LoggerOptions): Logger =>
  pino(
    {
      name: service,
      level,
      base: { service },
      redact: { paths: redactedPaths, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );

export type { Logger };
