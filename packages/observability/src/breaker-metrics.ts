import type { ServiceMetrics } from './service-metrics.js';

/** The part of an opossum CircuitBreaker the gauge needs. */
export interface WatchableBreaker {
  readonly opened: boolean;
  readonly halfOpen: boolean;
  on(event: 'open' | 'halfOpen' | 'close', listener: () => void): unknown;
}

/** Keeps `tongyuan_breaker_state{breaker}` in step with an opossum breaker: 0 closed, 1 half-open, 2 open. */
export const watchBreaker = (metrics: ServiceMetrics, name: string, breaker: WatchableBreaker): void => {
  const set = (state: 0 | 1 | 2) => metrics.breakerState.set({ breaker: name }, state);
  set(breaker.opened ? 2 : breaker.halfOpen ? 1 : 0);
  breaker.on('open', () => set(2));
  breaker.on('halfOpen', () => set(1));
  breaker.on('close', () => set(0));
};
