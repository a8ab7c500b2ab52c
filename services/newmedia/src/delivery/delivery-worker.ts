import type { Logger } from '@tongyuan/logger';
import type { DeliveryStore } from './delivery-store.js';
import type { NewmediaDeliverer } from './newmedia-deliverer.js';
import type { StatusReporter } from './status-reporter.js';

/** The background loop: polls submitted publish jobs and retries failed retryable deliveries when they are due. */
export const startDeliveryWorker = (options: {
  deliveries: DeliveryStore;
  deliverer: NewmediaDeliverer;
  /** Tells again the end states a crash left untold (checked every few seconds). */
  reporter: StatusReporter;
  intervalMs: number;
  logger: Logger;
}): { stop(): Promise<void> } => {
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  // A claimed delivery is leased: another instance's worker leaves it alone for this long.
  const leaseMs = 60_000;
  let lastRetell = 0;
  const tick = async () => {
    if (Date.now() - lastRetell > 5_000) {
      lastRetell = Date.now();
      const told = await options.reporter.retell(10_000);
      if (told > 0) options.logger.warn({ told }, 'told delivery states a crash had left untold');
    }
    const due = await options.deliveries.claimDue(leaseMs);
    await Promise.all(
      due.map(({ delivery, due: what }) =>
        (what === 'poll' ? options.deliverer.poll(delivery) : options.deliverer.retry(delivery)).catch((error: unknown) => {
          options.logger.warn(
            { err: error, documentId: delivery.documentId, accountId: delivery.accountId },
            'background delivery step failed',
          );
        }),
      ),
    );
  };
  const loop = () => {
    if (stopped) return;
    running = tick()
      .catch((error: unknown) => options.logger.warn({ err: error }, 'delivery worker tick failed'))
      .finally(() => {
        if (!stopped) timer = setTimeout(loop, options.intervalMs);
      });
  };
  let timer = setTimeout(loop, options.intervalMs);
  return {
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
};
