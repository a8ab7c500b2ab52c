/** What every failure in the pipeline says about itself: a stable code, and whether trying again can help. */
export interface PipelineErrorOptions {
  code: string;
  retryable: boolean;
  /** Field-level or other machine-readable detail; safe to show (never secrets). */
  details?: unknown;
  cause?: unknown;
}

export class PipelineError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(message: string, options: PipelineErrorOptions) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = options.code;
    this.retryable = options.retryable;
    this.details = options.details;
  }
}

/** Bad input: retrying the same bytes gives the same answer, so it goes to the dead-letter topic or a 4xx. */
export class InvalidInputError extends PipelineError {
  constructor(message: string, details?: unknown, code = 'invalid_input') {
    super(message, { code, retryable: false, details });
  }
}

/** A dependency is down or slow; the same work may succeed later. */
export class TransientError extends PipelineError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'transient', retryable: true, cause: options.cause });
  }
}

/**
 * A dependency (store, database, broker, an outside API) cannot be reached at all. Retrying helps once it is back, and until
 * then the work waits: a consumer never dead-letters a message because something it needs is down.
 */
export class UnavailableError extends PipelineError {
  constructor(message: string, options: { code?: string; cause?: unknown } = {}) {
    super(message, { code: options.code ?? 'unavailable', retryable: true, cause: options.cause });
  }
}

/** Refused by a rule (a gate, a role, a state machine); 4xx at the API, never retried. */
export class RefusedError extends PipelineError {
  constructor(code: string, message: string, details?: unknown) {
    super(message, { code, retryable: false, details });
  }
}

const transientSystemCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EOPENBREAKER',
]);

// PostgreSQL: connection exceptions (class 08), the server shutting down or starting (57P01–57P03), too many connections.
const databaseOutage = (code: string) => code.startsWith('08') || ['57P01', '57P02', '57P03', '53300'].includes(code);
// node-postgres's own messages for a connection that dropped or never came up.
const droppedConnection = /Connection terminated|not queryable|Client was closed|timeout exceeded when trying to connect/;

/** True when the failure is that a dependency cannot be reached (see UnavailableError), as opposed to this piece of work failing. */
export const isOutage = (error: unknown): boolean => {
  if (error instanceof UnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const { code, name, message, cause } = error as Record<string, unknown>;
  if (typeof code === 'string' && (transientSystemCodes.has(code) || databaseOutage(code))) return true;
  if (typeof message === 'string' && droppedConnection.test(message)) return true;
  if (name === 'KafkaJSConnectionError' || name === 'KafkaJSNumberOfRetriesExceeded') return true;
  return cause !== undefined && cause !== error && isOutage(cause);
};

/** Decides the fate of any thrown value: our errors say so themselves; outages and network failures are worth a retry; the rest are not. */
export const isRetryable = (error: unknown): boolean => {
  if (error instanceof PipelineError) return error.retryable;
  if (typeof error !== 'object' || error === null) return false;
  if (isOutage(error)) return true;
  const { retriable, $retryable, name } = error as Record<string, unknown>;
  if (retriable === true || $retryable !== undefined) return true;
  return name === 'KafkaJSRequestTimeoutError' || name === 'TimeoutError';
};

/** A stable code for any thrown value, for logs, dead letters and the ledger. */
export const errorCode = (error: unknown): string => {
  if (error instanceof PipelineError) return error.code;
  if (typeof error === 'object' && error !== null) {
    const { code, name } = error as Record<string, unknown>;
    if (typeof code === 'string') return code;
    if (typeof name === 'string' && name !== 'Error') return name;
  }
  return 'unexpected';
};

/** errorCode in the form delivery.status and the ledger carry: upper snake case, starting with a letter. */
export const statusErrorCode = (error: unknown): string => {
  const code = errorCode(error)
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .replace(/^_+/, '');
  if (code === '' || code === 'UNEXPECTED') return 'UNEXPECTED';
  // A code that starts with a digit (PostgreSQL's SQLSTATE, an HTTP status) keeps it, behind a letter.
  return /^[A-Z]/.test(code) ? code : `CODE_${code}`;
};

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error);
