import type { KafkaBus } from '@tongyuan/bus';
import { type DeliveryError, type DeliveryState, topics } from '@tongyuan/contracts';
import type { DeliveryKey } from './delivery-store.js';

/** delivery.status for one (document, revision, account): channel newmedia, target = the account id. */
export class StatusReporter {
  constructor(private readonly bus: KafkaBus) {}

  report(
    key: DeliveryKey & { fingerprint: string },
    state: DeliveryState,
    attempt: number,
    options: { error?: DeliveryError | null; artifactKeys?: string[] } = {},
  ): Promise<void> {
    return this.bus.publish(topics.deliveryStatus, {
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
  }
}
