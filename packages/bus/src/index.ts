export { backoffDelay } from './backoff.js';
export { type DeadLetter, deadLetterHeaders, readDeadLetter } from './dead-letter.js';
export {
  type BatchHandler,
  type BatchItem,
  type BusMetrics,
  consumerSession,
  KafkaBus,
  type KafkaBusOptions,
  type MessageContext,
  type MessageHandler,
  type SubscribeOptions,
  type Subscription,
  TRACEPARENT,
  type WireRecord,
} from './kafka-bus.js';
