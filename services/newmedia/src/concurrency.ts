// The in-process concurrency helpers of the service: per-key serialization, per-key coalescing, a bound on work at once.
/** Runs tasks with the same key one after another (in this process); different keys run side by side. */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => {});
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}

/**
 * Runs a task per key one at a time, where any run started after a request serves it: a request arriving while a run
 * is already waiting shares that run. A burst of N requests for one key costs at most two runs (one going, one queued).
 */
export class CoalescingQueue {
  private readonly running = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();
  private readonly lastStart = new Map<string, number>();

  /** minIntervalMs: runs of one key start at least this far apart (requests meanwhile join the waiting run). */
  constructor(private readonly minIntervalMs = 0) {}

  run(key: string, task: () => Promise<void>): Promise<void> {
    const waiting = this.queued.get(key);
    if (waiting !== undefined) return waiting;
    const before = this.running.get(key) ?? Promise.resolve();
    const run: Promise<void> = before
      .catch(() => {})
      .then(async () => {
        const wait = (this.lastStart.get(key) ?? Number.NEGATIVE_INFINITY) + this.minIntervalMs - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        this.queued.delete(key);
        this.lastStart.set(key, Date.now());
        this.running.set(key, run);
        return task();
      })
      .finally(() => {
        if (this.running.get(key) === run) this.running.delete(key);
      });
    this.queued.set(key, run);
    return run;
  }
}

/** At most n tasks at once. */
export class Semaphore {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }

  async use<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}
