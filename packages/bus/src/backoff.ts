import type { RetryPolicy } from '@tongyuan/contracts';

/** Exponential backoff with ±20% jitter, so consumers that failed together do not retry together. */
export const backoffDelay = (policy: RetryPolicy, attempt: number, random: () => number = Math.random): number => {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
};

export const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
