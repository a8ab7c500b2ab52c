import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { type DeliveryStatus, topics } from '@tongyuan/contracts';
import { errorCode, errorMessage, isRetryable } from '@tongyuan/errors';
import type { Logger } from '@tongyuan/logger';
import type { SitePublisher } from './site/site-publisher.js';

/** content.published → the site, reporting each delivery on delivery.status. */
export const consumeContentPublished = (
  bus: KafkaBus,
  publisher: SitePublisher,
  options: { groupId: string; siteId: string; logger: Logger },
): Promise<Subscription> =>
  bus.subscribe(topics.contentPublished, {
    groupId: options.groupId,
    handler: async (event, context) => {
      const report = (state: DeliveryStatus['state'], artifactKeys: string[], error: DeliveryStatus['error'] = null) =>
        bus.publish(topics.deliveryStatus, {
          version: 'v1',
          documentId: event.revision.documentId,
          revision: event.revision.revision,
          fingerprint: event.fingerprint,
          channel: 'portal',
          target: options.siteId,
          state,
          attempt: context.attempt,
          error,
          artifactKeys,
          occurredAt: new Date().toISOString(),
        });
      try {
        const outcome = await publisher.apply(event);
        if (outcome.kind === 'skipped') {
          options.logger.debug({ documentId: event.revision.documentId, reason: outcome.reason }, 'revision skipped');
          return;
        }
        options.logger.info(
          { documentId: event.revision.documentId, revision: event.revision.revision, written: outcome.written.length },
          'revision applied',
        );
        await report(outcome.state === 'live' ? 'delivered' : 'withdrawn', outcome.documentKeys);
      } catch (error) {
        const code =
          errorCode(error)
            .toUpperCase()
            .replace(/[^A-Z0-9_]/g, '_')
            .replace(/^[^A-Z]+/, '') || 'UNEXPECTED';
        await report('failed', [], { code, message: errorMessage(error), retryable: isRetryable(error) }).catch(() => {});
        throw error;
      }
    },
  });
