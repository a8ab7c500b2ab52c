import { PipelineError } from '@tongyuan/errors';
import type { z } from 'zod';

/** A service refuses to start on bad configuration and says which variable and why. */
export class ConfigError extends PipelineError {
  constructor(readonly problems: Array<{ variable: string; reason: string }>) {
    super(`invalid configuration: ${problems.map((p) => `${p.variable}: ${p.reason}`).join('; ')}`, {
      code: 'invalid_config',
      retryable: false,
      details: problems,
    });
  }
}

/** Parses the environment once, at boot; the rest of the service reads the typed result, never process.env. */
export const parseEnv = <S extends z.ZodObject>(schema: S, env: Record<string, string | undefined> = process.env): z.infer<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.join('.') || '(environment)',
      reason: issue.message,
    })),
  );
};

/** The variable names a service reads, for docker-compose and README checks. */
export const envVariableNames = (schema: z.ZodObject): string[] => Object.keys(schema.shape).sort();
