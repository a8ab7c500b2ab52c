import type { KafkaBus, Subscription } from '@tongyuan/bus';
import { topics } from '@tongyuan/contracts';
import { errorMessage, isRetryable, statusErrorCode } from '@tongyuan/errors';
import type { Logger } from '@tongyuan/logger';
import type { CandidateFiling } from './candidates/candidate-filing.js';
import type { DeliveryReporter } from './delivery/delivery-reporter.js';
import { releaseMonthOf } from './issues/issue-calendar.js';

/** content.published → candidates of the open issue (or errata), reporting each step on delivery.status. */
export const consumeContentPublished = (
  bus: KafkaBus,
  filing: CandidateFiling,
  report: DeliveryReporter,
  options: { groupId: string; logger: Logger },
): Promise<Subscription> =>
  bus.subscribe(topics.contentPublished, {
    groupId: options.groupId,
    handler: async (event, context) => {
      const { documentId, revision } = event.revision;
      try {
        const outcome = await filing.apply(event);
        if (outcome.kind === 'skipped') {
          options.logger.debug({ documentId, revision, reason: outcome.reason }, 'revision skipped');
        } else {
          options.logger.info({ documentId, revision, outcome: outcome.kind, issueId: outcome.issueId }, 'revision filed');
        }
        // A revision filed before is told again (its steps): its report may have been lost with the process that filed
        // it (a crash, a broker restart between the commit and the send), and the event comes again on the first
        // attempt of the next consumer. The ledger keeps one row per (document, revision, channel, target).
        await report(outcome.steps ?? [], context.attempt);
      } catch (error) {
        const code = statusErrorCode(error);
        // The issue is not known when filing failed: the release month stands in as the target.
        await bus
          .publish(topics.deliveryStatus, {
            version: 'v1',
            documentId,
            revision,
            fingerprint: event.fingerprint,
            channel: 'gazette',
            target: releaseMonthOf(event.revision.publishedAt),
            state: 'failed',
            attempt: context.attempt,
            error: { code, message: errorMessage(error), retryable: isRetryable(error) },
            artifactKeys: [],
            occurredAt: new Date().toISOString(),
          })
          .catch(() => {});
        throw error;
      }
    },
  });
