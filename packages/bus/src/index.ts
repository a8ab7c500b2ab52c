export {
  KafkaBus,
  type KafkaBusOptions,
  type MessageContext,
  type MessageHandler,
  type SubscribeOptions,
  type Subscription,
  type WireRecord,
} from './kafka-bus.js';
export { readDeadLetter, deadLetterHeaders, type DeadLetter } from './dead-letter.js';
export { backoffDelay } from './backoff.js';
