export {
  errorCode,
  errorMessage,
  InvalidInputError,
  isOutage,
  isRetryable,
  PipelineError,
  type PipelineErrorOptions,
  RefusedError,
  TransientError,
  UnavailableError,
} from './pipeline-error.js';
