export {
  errorCode,
  errorMessage,
  InvalidInputError,
  isOutage,
  isRetryable,
  PipelineError,
  type PipelineErrorOptions,
  RefusedError,
  statusErrorCode,
  TransientError,
  UnavailableError,
} from './pipeline-error.js';
