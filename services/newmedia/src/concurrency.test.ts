import { describe, expect, test } from 'vitest';
import { CoalescingQueue } from './concurrency.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('CoalescingQueue', () => {
  test('requests while a run is going share one queued run, and every request is served by a run that started after it', async () => {
    const queue = new CoalescingQueue();
    let state = 0;
    const seen: number[] = [];
    let running = 0;
    let overlapping = false;
    const rebuild = async () => {
      running += 1;
      overlapping ||= running > 1;
      const read = state; // what the run sees when it starts
      await tick();
      seen.push(read);
      running -= 1;
    };
    const requests: Array<Promise<void>> = [];
    for (let n = 1; n <= 10; n += 1) {
      state = n; // a change, then a request to show it
      requests.push(queue.run('city', rebuild));
      if (n === 1) await new Promise((resolve) => setTimeout(resolve, 1)); // the first run is going
    }
    await Promise.all(requests);
    expect(seen).toEqual([1, 10]);
    expect(overlapping).toBe(false);
  });

  test('keys run side by side, and a failed run does not stop the next', async () => {
    const queue = new CoalescingQueue();
    const order: string[] = [];
    const failing = queue.run('a', async () => {
      await tick();
      order.push('a1');
      throw new Error('S3 down');
    });
    const other = queue.run('b', async () => void order.push('b1'));
    await expect(failing).rejects.toThrow('S3 down');
    await other;
    await queue.run('a', async () => void order.push('a2'));
    expect(order).toEqual(['b1', 'a1', 'a2']);
  });

  test('with a minimum interval, runs of one key start that far apart, and requests meanwhile share the waiting run', async () => {
    const queue = new CoalescingQueue(200);
    const starts: number[] = [];
    const run = async () => void starts.push(Date.now());
    await queue.run('city', run);
    const burst = Array.from({ length: 5 }, () => queue.run('city', run));
    await Promise.all(burst);
    expect(starts).toHaveLength(2);
    expect((starts[1] ?? 0) - (starts[0] ?? 0)).toBeGreaterThanOrEqual(195);
  });
});
