/** One dependency the service cannot work without; `probe` throws when it is unreachable. */
export interface ReadinessCheck {
  name: string;
  probe: () => Promise<unknown>;
}

export interface CheckResult {
  name: string;
  ok: boolean;
  ms: number;
  error?: string;
}

/** The broker answers a metadata request (KafkaBus.describeCluster: kafkajs admin, no retries). */
export const brokerCheck = (bus: { describeCluster(): Promise<unknown> }): ReadinessCheck => ({
  name: 'broker',
  probe: () => bus.describeCluster(),
});

/**
 * The bucket answers a listing (through the store's circuit breaker, so an open breaker reads as not ready).
 * A reader of another service's bucket passes allowMissingBucket: S3 answering "no such bucket" is reachable.
 */
export const storeCheck = (
  store: { bucket: string; list(prefix: string): AsyncIterable<unknown> },
  options: { allowMissingBucket?: boolean } = {},
): ReadinessCheck => ({
  name: `store:${store.bucket}`,
  probe: async () => {
    try {
      for await (const _ of store.list('readyz-probe/')) break;
    } catch (error) {
      if (!(options.allowMissingBucket && (error as { name?: string }).name === 'NoSuchBucket')) throw error;
    }
  },
});

/** PostgreSQL answers `select 1`. */
export const databaseCheck = (pool: { query(sql: string): Promise<unknown> }): ReadinessCheck => ({
  name: 'database',
  probe: () => pool.query('select 1'),
});

const withTimeout = async (probe: () => Promise<unknown>, timeoutMs: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      probe(),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

/** Runs every check at once, each bounded by the timeout. */
export const runChecks = (checks: readonly ReadinessCheck[], timeoutMs: number): Promise<CheckResult[]> =>
  Promise.all(
    checks.map(async ({ name, probe }) => {
      const started = performance.now();
      try {
        await withTimeout(probe, timeoutMs);
        return { name, ok: true, ms: Math.round(performance.now() - started) };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return { name, ok: false, ms: Math.round(performance.now() - started), error: message.slice(0, 300) };
      }
    }),
  );
