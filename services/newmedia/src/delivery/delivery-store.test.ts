// The delivery rows' state changes on PostgreSQL: a change that may come late never undoes one made meanwhile.
import { fileURLToPath } from 'node:url';
import { migrate, sqlFilesIn } from '@tongyuan/database';
import { integrationTest as test } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { DeliveryStore } from './delivery-store.js';

const key = { documentId: 'doc_01M8T7A3MAH98T9WH1RBJWDZ5R', revision: 1, accountId: 'city' };

const storeOn = async (pool: Parameters<typeof migrate>[0]) => {
  await migrate(pool, await sqlFilesIn(fileURLToPath(new URL('../../migrations', import.meta.url))));
  const deliveries = new DeliveryStore(pool);
  await deliveries.open(key, 'f'.repeat(64), 'article', new Date(Date.now() + 60_000));
  return deliveries;
};

describe('a delivery state changed only from the states it may leave', () => {
  test('the first stage moving to delivering after WeChat delivered it changes nothing', async ({ database }) => {
    const deliveries = await storeOn(database.pool);
    await deliveries.update(key, { step: 'published', state: 'delivered', articleId: 'a-1' });

    const late = await deliveries.updateIf(key, ['pending'], { state: 'delivering', artifactKeys: ['accounts/city/feed.json'] });

    expect(late).toBeNull();
    expect(await deliveries.get(key)).toMatchObject({
      state: 'delivered',
      step: 'published',
      articleId: 'a-1',
      artifactKeys: [],
    });
  });

  test('a pending delivery moves, and the row it returns is the one stored', async ({ database }) => {
    const deliveries = await storeOn(database.pool);

    const moved = await deliveries.updateIf(key, ['pending'], { state: 'delivering', artifactKeys: ['accounts/city/feed.json'] });

    expect(moved).toMatchObject({ state: 'delivering', artifactKeys: ['accounts/city/feed.json'] });
    expect(await deliveries.get(key)).toEqual(moved);
  });

  test('a failure told after the delivery ended (the broker down while telling "delivered") leaves it delivered', async ({
    database,
  }) => {
    const deliveries = await storeOn(database.pool);
    await deliveries.update(key, { step: 'published', state: 'delivered' });

    const failed = await deliveries.updateIf(key, ['pending', 'delivering', 'failed'], {
      state: 'failed',
      error: { code: 'KAFKA_JS_CONNECTION_ERROR', message: 'broker down', retryable: true },
    });

    expect(failed).toBeNull();
    expect(await deliveries.get(key)).toMatchObject({ state: 'delivered', error: null });
  });
});
