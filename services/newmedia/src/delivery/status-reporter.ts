import type { KafkaBus } from '@tongyuan/bus';
import { type DeliveryError, type DeliveryState, topics } from '@tongyuan/contracts';
import type { DeliveryKey, DeliveryStore } from './delivery-store.js';

/**
 * delivery.status for one (document, revision, account): channel newmedia, target = the account id. Once told, the
 * state is marked on the delivery; `retell` tells again the end states a crash left untold.
 */
export class StatusReporter {
  constructor(
    private readonly bus: KafkaBus,
    private readonly deliveries: DeliveryStore,
  ) {}

  async retell(settledMs: number): Promise<number> {
    const untold = await this.deliveries.unreported(settledMs);
    for (const delivery of untold) {
      await this.report(delivery, delivery.state, delivery.attempt, {
        error: delivery.error,
        artifactKeys: delivery.artifactKeys,
      });
    }
    return untold.length;
  }

  async report(
    key: DeliveryKey & { fingerprint: string },
    state: DeliveryState,
    attempt: number,
    options: { error?: DeliveryError | null; artifactKeys?: string[] } = {},
  ): Promise<void> {
    await this.bus.publish(topics.deliveryStatus, {
      version: 'v1',
      documentId: key.documentId,
      revision: key.revision,
      fingerprint: key.fingerprint,
      channel: 'newmedia',
      target: key.accountId,
      state,
      attempt,
      error: options.error ?? null,
      artifactKeys: options.artifactKeys ?? [],
      occurredAt: new Date().toISOString(),
    });
    await this.deliveries.markReported(key, state);
  }
}
