import { integrationTest as test } from '@tongyuan/testing';
import { describe, expect } from 'vitest';
import { objectKey } from './index.js';

const provenance = { documentId: 'doc-1', revision: 2, fingerprint: `sha256:${'a'.repeat(64)}` };

describe('S3ObjectStore against the real S3 server', () => {
  test('puts, gets, lists and deletes objects with content type, cache headers and provenance', async ({ store }) => {
    await store.put('site/doc-1/index.html', '<h1>通知</h1>', {
      contentType: 'text/html; charset=utf-8',
      cacheControl: 'public, max-age=60',
      provenance,
    });
    await store.put('site/doc-2/index.html', 'two', { contentType: 'text/html; charset=utf-8' });
    await store.put('feed/atom.xml', '<feed/>', { contentType: 'application/atom+xml' });

    const got = await store.get('site/doc-1/index.html');
    expect(got?.body.toString('utf8')).toBe('<h1>通知</h1>');
    expect(got).toMatchObject({ contentType: 'text/html; charset=utf-8', cacheControl: 'public, max-age=60', provenance });
    expect(got?.sha256).toMatch(/^[0-9a-f]{64}$/);

    const listed: string[] = [];
    for await (const item of store.list('site/')) listed.push(item.key);
    expect(listed.sort()).toEqual(['site/doc-1/index.html', 'site/doc-2/index.html']);

    await store.delete('site/doc-1/index.html');
    expect(await store.get('site/doc-1/index.html')).toBeNull();
    await store.deleteMany(['site/doc-2/index.html', 'feed/atom.xml']);
    const rest: string[] = [];
    for await (const item of store.list('')) rest.push(item.key);
    expect(rest).toEqual([]);
  });

  test('lists past one page of results', async ({ store }) => {
    const keys = Array.from({ length: 1005 }, (_, index) => objectKey('many', String(index).padStart(4, '0')));
    for (let start = 0; start < keys.length; start += 50) {
      await Promise.all(keys.slice(start, start + 50).map((key) => store.put(key, key, { contentType: 'text/plain' })));
    }
    let count = 0;
    for await (const _item of store.list('many/')) count += 1;
    expect(count).toBe(1005);
  });

  test('putIfChanged writes only what changed', async ({ store }) => {
    const options = { contentType: 'text/html; charset=utf-8', provenance };
    expect(await store.putIfChanged('p/index.html', 'same', options)).toEqual({ written: true });
    expect(await store.putIfChanged('p/index.html', 'same', options)).toEqual({ written: false });
    expect(await store.putIfChanged('p/index.html', 'same', { ...options, provenance: { ...provenance, revision: 3 } })).toEqual({
      written: true,
    });
    expect(
      await store.putIfChanged('p/index.html', 'changed', { ...options, provenance: { ...provenance, revision: 3 } }),
    ).toEqual({ written: true });
    expect((await store.get('p/index.html'))?.body.toString()).toBe('changed');
  });

  test('a missing object reads as null, not an error', async ({ store }) => {
    expect(await store.get('nope')).toBeNull();
    expect(await store.head('nope')).toBeNull();
  });
});

describe('objectKey', () => {
  test('joins segments deterministically and refuses ones that escape', () => {
    expect(objectKey('portal', 'documents', 'doc-1', 3, 'index.html')).toBe('portal/documents/doc-1/3/index.html');
    expect(() => objectKey('portal', '..', 'x')).toThrow(/unsafe/);
    expect(() => objectKey('a', '')).not.toThrow();
    expect(() => objectKey('a', '', 'b')).toThrow(/unsafe/);
  });
});
