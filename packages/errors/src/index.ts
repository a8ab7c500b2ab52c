export {
  errorCode,
  errorMessage,
  InvalidInputError,
  isRetryable,
  PipelineError,
  type PipelineErrorOptions,
  RefusedError,
  TransientError,
} from './pipeline-error.js';
