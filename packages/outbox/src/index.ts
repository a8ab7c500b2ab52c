import { fileURLToPath } from 'node:url';

export { appendToOutbox, OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
/** The outbox table's DDL (idempotent), for services to apply with their own migrations. */
export const outboxSqlFile = fileURLToPath(new URL('./outbox.sql', import.meta.url));
