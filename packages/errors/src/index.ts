export {
  PipelineError,
  InvalidInputError,
  TransientError,
  RefusedError,
  isRetryable,
  errorCode,
  errorMessage,
  type PipelineErrorOptions,
} from './pipeline-error.js';
