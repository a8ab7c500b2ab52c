import { sourceFingerprint } from '@tongyuan/contracts';
import { describe, expect, it } from 'vitest';
import { zigongRevision } from '../../contracts/src/corpus-revision.fixture.js';
import { renderAtomFeed, renderSitemap, renderSitemapIndex } from './feeds.js';
import { corpusSummaries, richRevisionInput, testConfig } from './portal-site.fixture.js';
import { contentFingerprint, newestFirst, summaryOf } from './summary.js';

const config = testConfig();
const between = (xml: string, tag: string): string[] =>
  [...xml.matchAll(new RegExp(`<${tag}[^>]*>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

describe('Atom feed', () => {
  it('has a stable id, entries linking to pages, and <updated> from the data', () => {
    const rich = richRevisionInput();
    const summaries = [...corpusSummaries().slice(1, 3), summaryOf(rich.revision, rich.fingerprint)];
    const xml = renderAtomFeed(summaries, config);
    expect(xml.startsWith('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"')).toBe(true);
    expect(between(xml, 'id')[0]).toBe('urn:tongyuan:site:zigong-portal:latest');
    // The repeal (2023-06-30) is the newest change, though the document was first published in 2022.
    expect(between(xml, 'updated')[0]).toBe('2023-06-30T10:00:00+08:00');
    expect(xml).toContain(
      `<link rel="alternate" type="text/html" href="http://127.0.0.1:8082/documents/${rich.revision.documentId}/index.html"/>`,
    );
    expect(between(xml, 'tongyuan:content-fingerprint')).toEqual([contentFingerprint([...summaries].sort(newestFirst))]);
    expect(renderAtomFeed([...summaries].reverse(), config)).toBe(xml);
  });

  it('escapes titles as XML', () => {
    const revision = { ...zigongRevision(), title: '<script>alert(1)</script> & "引号"' };
    const xml = renderAtomFeed([summaryOf(revision, sourceFingerprint(revision))], config);
    expect(xml).toContain('<title type="text">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;引号&quot;</title>');
    expect(xml).not.toContain('<script>');
  });
});

describe('sitemaps', () => {
  it('lists absolute URLs with their last change', () => {
    const xml = renderSitemap(
      [
        { path: 'index.html', lastModified: '2024-06-06T19:50:40+08:00' },
        { path: 'documents/doc_01G1SF0TE0F9MPEVVECWPK4C1J/', lastModified: '2022-04-29T09:30:00+08:00' },
      ],
      config,
    );
    expect(between(xml, 'loc')).toEqual([
      'http://127.0.0.1:8082/index.html',
      'http://127.0.0.1:8082/documents/doc_01G1SF0TE0F9MPEVVECWPK4C1J/index.html',
    ]);
    expect(between(xml, 'lastmod')).toEqual(['2024-06-06T19:50:40+08:00', '2022-04-29T09:30:00+08:00']);
  });

  it('refuses more than 50,000 URLs in one part', () => {
    const entries = Array.from({ length: 50_001 }, (_, i) => ({ path: `p${i}.html`, lastModified: '2024-01-01' }));
    expect(() => renderSitemap(entries, config)).toThrow(RangeError);
    expect(() => renderSitemap(entries.slice(1), config)).not.toThrow();
  });

  it('indexes its parts', () => {
    const xml = renderSitemapIndex([{ path: 'sitemaps/sitemap-1.xml', lastModified: '2024-06-06' }], config);
    expect(xml).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(between(xml, 'loc')).toEqual(['http://127.0.0.1:8082/sitemaps/sitemap-1.xml']);
  });
});
