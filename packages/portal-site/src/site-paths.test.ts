import { describe, expect, it } from 'vitest';
import { renderListingPage } from './listing-page.js';
import { manySummaries, testConfig, testNav } from './portal-site.fixture.js';
import { documentPath, type ListingRef, listingIndexKey, listingPageKey, listingPath, paginateListing } from './site-paths.js';

const latest: ListingRef = { id: 'latest', title: '最新信息', path: listingPath('latest') };

describe('listingPath', () => {
  it('gives every listing a fixed, ASCII-only folder', () => {
    expect(listingPath('latest')).toBe('latest/');
    expect(listingPath('catalogue')).toBe('catalogue/');
    expect(listingPath('normative-valid')).toBe('normative/valid/');
    expect(listingPath('normative-expired')).toBe('normative/expired/');
    expect(listingPath('normative-repealed')).toBe('normative/repealed/');
    expect(listingPath('year', '2022')).toBe('years/2022/');
    expect(listingPath('topic', '政务公开')).toBe('topics/e694bfe58aa1e585ace5bc80/');
    expect(listingPath('organ', '自贡市人民政府办公室')).toBe(listingPath('organ', '自贡市人民政府办公室'));
    expect(listingPath('kind', '规范性文件')).not.toBe(listingPath('topic', '规范性文件'));
    for (const path of [
      listingPath('organ', '天津市红桥区市场监督管理局'),
      listingPath('kind', '政策解读'),
      listingPath('topic', 'a/b ?#'),
    ]) {
      expect(path).toMatch(/^[a-z]+\/[0-9a-f]+\/$/);
    }
  });

  it('refuses a listing without its value, and a year that is not one', () => {
    expect(() => listingPath('topic')).toThrow(RangeError);
    expect(() => listingPath('year', '22')).toThrow(RangeError);
  });

  it('puts each document in its own folder', () => {
    expect(documentPath('doc_01G1SF0TE0F9MPEVVECWPK4C1J')).toBe('documents/doc_01G1SF0TE0F9MPEVVECWPK4C1J/');
  });
});

describe('pagination from the oldest item', () => {
  it('maps reader pages (1 = newest) to files numbered from the oldest', () => {
    expect(listingPageKey(latest, 1, 3)).toBe('latest/page-3.html');
    expect(listingPageKey(latest, 2, 3)).toBe('latest/page-2.html');
    expect(listingPageKey(latest, 3, 3)).toBe('latest/page-1.html');
    expect(listingPageKey(latest, 1, 1)).toBe('latest/page-1.html');
    expect(listingIndexKey(latest)).toBe('latest/index.html');
    // Page 0: the file a listing that shrank by one page leaves behind.
    expect(listingPageKey(latest, 0, 3)).toBe('latest/page-4.html');
    expect(() => listingPageKey(latest, 4, 3)).toThrow(RangeError);
    expect(() => listingPageKey(latest, -1, 3)).toThrow(RangeError);
    expect(() => listingPageKey(latest, 1, 0)).toThrow(RangeError);
  });

  it('keeps the key and the items of every full page when an item is appended', () => {
    const before = paginateListing(latest, manySummaries(7), 3);
    const after = paginateListing(latest, manySummaries(8), 3);
    const byKey = (pages: typeof before) =>
      new Map(pages.flatMap((p) => p.keys.map((key) => [key, p.items.map((i) => i.documentId)])));
    expect(before.map((p) => [p.keys, p.page, p.items.length])).toEqual([
      [['latest/page-1.html'], 3, 3],
      [['latest/page-2.html'], 2, 3],
      [['latest/page-3.html', 'latest/index.html'], 1, 1],
    ]);
    const [b, a] = [byKey(before), byKey(after)];
    expect(a.get('latest/page-1.html')).toEqual(b.get('latest/page-1.html'));
    expect(a.get('latest/page-2.html')).toEqual(b.get('latest/page-2.html'));
    expect(a.get('latest/page-3.html')).toHaveLength(2);
    expect(a.get('latest/index.html')).toEqual(a.get('latest/page-3.html'));
  });

  const rendered = (n: number) =>
    new Map(
      paginateListing(latest, manySummaries(n), 3).flatMap((p) =>
        p.keys.map((key) => [key, renderListingPage(p, testNav, testConfig())]),
      ),
    );
  const changedKeys = (before: Map<string, string>, after: Map<string, string>) =>
    [...after.keys()].filter((key) => before.get(key) !== after.get(key));

  it('rewrites only the newest page and index.html when the newest page still has room', () => {
    expect(changedKeys(rendered(7), rendered(8))).toEqual(['latest/page-3.html', 'latest/index.html']);
  });

  it("adds one file when an item opens a new page, and keeps every older page's items", () => {
    const before = paginateListing(latest, manySummaries(9), 3);
    const after = paginateListing(latest, manySummaries(10), 3);
    expect(after.map((p) => p.keys)).toEqual([
      ['latest/page-1.html'],
      ['latest/page-2.html'],
      ['latest/page-3.html'],
      ['latest/page-4.html', 'latest/index.html'],
    ]);
    for (const chunk of [0, 1, 2]) expect(after[chunk]!.items).toEqual(before[chunk]!.items);
    // Pages show no page count, so only the former newest page (it gains a newer link), the new page and index.html change.
    expect(changedKeys(rendered(9), rendered(10))).toEqual(['latest/page-3.html', 'latest/page-4.html', 'latest/index.html']);
  });
});
