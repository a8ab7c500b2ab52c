import { describeZodIssues } from '@tongyuan/contracts';
import { PipelineError } from '@tongyuan/errors';
import { ZodError } from 'zod';

/** RFC 9457 problem details: what every 4xx/5xx body looks like. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  code: string;
  detail: string;
  /** Field-level reasons: which field, and why. */
  errors?: Array<{ field: string; reason: string; [extra: string]: unknown }>;
  [extra: string]: unknown;
}

/** A refusal that carries its own HTTP status. */
export class HttpError extends PipelineError {
  constructor(
    readonly status: number,
    code: string,
    message: string,
    details?: unknown,
  ) {
    super(message, { code, retryable: status >= 500, details });
  }
}

const statusByCode: Record<string, number> = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  idempotency_key_reused: 422,
};

export const problemFrom = (error: unknown): Problem => {
  if (error instanceof ZodError) {
    return {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      code: 'invalid_input',
      detail: 'the request does not match the schema; see errors',
      errors: describeZodIssues(error),
    };
  }
  if (error instanceof PipelineError && !error.retryable) {
    const status = error instanceof HttpError ? error.status : (statusByCode[error.code] ?? 422);
    const errors = Array.isArray(error.details) ? (error.details as Problem['errors']) : undefined;
    return {
      type: 'about:blank',
      title: titleOf(status),
      status,
      code: error.code,
      detail: error.message,
      ...(errors ? { errors } : {}),
    };
  }
  const status = error instanceof PipelineError ? 503 : 500;
  return {
    type: 'about:blank',
    title: titleOf(status),
    status,
    code: status === 503 ? 'unavailable' : 'internal',
    detail: titleOf(status),
  };
};

const titleOf = (status: number): string =>
  ({
    400: 'Invalid request',
    401: 'Unauthenticated',
    403: 'Forbidden',
    404: 'Not found',
    409: 'Conflict',
    413: 'Payload too large',
    415: 'Unsupported media type',
    422: 'Refused',
    503: 'Service unavailable',
  })[status] ?? 'Internal error';
