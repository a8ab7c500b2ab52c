import { databaseEnv, kafkaEnv, parseEnv, port, serviceEnv } from '@tongyuan/config';
import { z } from 'zod';

export const EditorialEnv = z.object({
  ...serviceEnv,
  ...kafkaEnv,
  ...databaseEnv,
  /** The editors' HTTP API. */
  PORT: port(8081),
  /** Interface to listen on: loopback here, 0.0.0.0 inside a container. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** JSON list of API users: id, name, roles, tokenSha256 (the tokens themselves live only with their holders). */
  API_USERS_FILE: z.string().min(1),
  /** 敏错字 lexicon; unset uses the one shipped with @tongyuan/screening. */
  WORDING_LEXICON_FILE: z.string().min(1).optional(),
  /** Mail domains published on purpose (office mailboxes): addresses there pass the privacy screen. */
  PUBLIC_EMAIL_DOMAINS: z
    .string()
    .default('gov.cn')
    .transform((value) =>
      value
        .split(',')
        .map((domain) => domain.trim())
        .filter(Boolean),
    ),
  /** How often the outbox relay looks for unsent events when no publish woke it. */
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  /** Crash tests only: 'exit-after-commit' kills the process right after a release commits, before Kafka hears of it. */
  FAULT_INJECTION: z.enum(['none', 'exit-after-commit']).default('none'),
});
export type EditorialEnv = z.infer<typeof EditorialEnv>;

export const loadEnv = (env: NodeJS.ProcessEnv = process.env): EditorialEnv => parseEnv(EditorialEnv, env);
