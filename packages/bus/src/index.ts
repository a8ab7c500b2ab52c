export { backoffDelay } from './backoff.js';
export { type DeadLetter, deadLetterHeaders, readDeadLetter } from './dead-letter.js';
export {
  KafkaBus,
  type KafkaBusOptions,
  type MessageContext,
  type MessageHandler,
  type SubscribeOptions,
  type Subscription,
  type WireRecord,
} from './kafka-bus.js';
