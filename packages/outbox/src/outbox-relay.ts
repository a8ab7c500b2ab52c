import type { KafkaBus, WireRecord } from '@tongyuan/bus';
import type { Pool, PoolClient } from '@tongyuan/database';
import { errorMessage } from '@tongyuan/errors';
import type { Logger } from '@tongyuan/logger';

/** Appends a record to the outbox inside the caller's transaction: it is sent if and only if the transaction commits. */
export const appendToOutbox = async (client: PoolClient, topic: string, record: WireRecord): Promise<void> => {
  await client.query('insert into outbox (topic, key, value, headers) values ($1, $2, $3, $4)', [
    topic,
    record.key,
    record.value,
    JSON.stringify(record.headers),
  ]);
};

export interface OutboxRelayOptions {
  pool: Pool;
  bus: KafkaBus;
  logger: Logger;
  /** How often to look for unsent rows when nobody called wake(). */
  pollIntervalMs?: number;
  batchSize?: number;
}

/**
 * Sends committed outbox rows to Kafka in id order and marks them sent. One relay at a time holds the lock, so order is kept;
 * a crash after the send but before the mark re-sends the same record (same CloudEvents id): consumers are idempotent.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private failures = 0;

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    this.stopped = false;
    this.wake();
  }

  /** Relay now (after a commit) rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .then(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        const delay = this.again
          ? 0
          : this.failures > 0
            ? Math.min(30_000, 500 * 2 ** this.failures)
            : (this.options.pollIntervalMs ?? 1_000);
        this.again = false;
        this.timer = setTimeout(() => this.wake(), delay);
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Sends until nothing is left; returns how many records went out. */
  async drain(): Promise<number> {
    let sent = 0;
    try {
      for (;;) {
        const batch = await this.relayBatch();
        sent += batch;
        if (batch === 0) break;
      }
      this.failures = 0;
    } catch (error) {
      this.failures += 1;
      this.options.logger.warn({ err: errorMessage(error), failures: this.failures }, 'outbox relay failed; will retry');
    }
    return sent;
  }

  private async relayBatch(): Promise<number> {
    const client = await this.options.pool.connect();
    let failed = false;
    try {
      await client.query('begin');
      const locked = await client.query<{ locked: boolean }>(
        "select pg_try_advisory_xact_lock(hashtext('outbox-relay')) as locked",
      );
      if (!locked.rows[0]?.locked) {
        await client.query('rollback');
        return 0;
      }
      const { rows } = await client.query<{
        id: string;
        topic: string;
        key: string;
        value: string;
        headers: Record<string, string>;
      }>('select id, topic, key, value, headers from outbox where sent_at is null order by id limit $1', [
        this.options.batchSize ?? 200,
      ]);
      // Consecutive rows of one topic go in one send; order across topics is kept too.
      for (let start = 0; start < rows.length; ) {
        let end = start;
        while (end < rows.length && rows[end]?.topic === rows[start]?.topic) end += 1;
        const group = rows.slice(start, end);
        await this.options.bus.sendRecords(
          group[0]?.topic ?? '',
          group.map(({ key, value, headers }) => ({ key, value, headers })),
        );
        start = end;
      }
      if (rows.length > 0)
        await client.query('update outbox set sent_at = now() where id = any($1::bigint[])', [rows.map((row) => row.id)]);
      await client.query('commit');
      if (rows.length > 0) this.options.logger.debug({ count: rows.length }, 'outbox relayed');
      return rows.length;
    } catch (error) {
      failed = true;
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      // The connection may be what failed: discard the client rather than return it to the pool.
      client.release(failed);
    }
  }
}
