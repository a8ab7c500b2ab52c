import type { KafkaBus } from '@tongyuan/bus';
import { topics } from '@tongyuan/contracts';
import type { DeliveryStep } from '../candidates/candidate-filing.js';

/** Sends delivery steps on delivery.status, after the state they describe committed. */
export type DeliveryReporter = (steps: readonly DeliveryStep[], attempt?: number) => Promise<void>;

export const deliveryReporter =
  (bus: KafkaBus): DeliveryReporter =>
  async (steps, attempt = 1) => {
    for (const step of steps) {
      await bus.publish(topics.deliveryStatus, {
        version: 'v1',
        ...step,
        channel: 'gazette',
        attempt,
        error: null,
        occurredAt: new Date().toISOString(),
      });
    }
  };
