import { describe, expect, it } from 'vitest';
import { attr, metaContent, parsePage, query, queryAll, textOf } from './html-query.fixture.js';
import { renderHomePage, renderListingPage, renderSearchPage } from './listing-page.js';
import { corpusSummaries, manySummaries, testConfig, testNav } from './portal-site.fixture.js';
import { type ListingRef, listingPath, paginateListing } from './site-paths.js';
import { contentFingerprint, type DocumentSummary } from './summary.js';

const config = testConfig();
const listing = (kind: Parameters<typeof listingPath>[0], title: string, value?: string): ListingRef => ({
  id: value === undefined ? kind : `${kind}:${value}`,
  title,
  path: listingPath(kind, value),
});

describe('listing page', () => {
  const topic = listing('topic', '政务公开', '政务公开');
  const pages = paginateListing(topic, manySummaries(8), 3);
  const middle = pages.find((p) => p.page === 2)!;
  const { root, errors } = parsePage(renderListingPage(middle, testNav, config));

  it('lists its documents newest first with 发文字号, 发布日期 and kind', () => {
    expect(errors).toEqual([]);
    expect(textOf(query(root, 'h1'))).toBe('政务公开');
    const items = queryAll(root, 'ul.doc-list li');
    expect(items.map((li) => textOf(query(li, 'a.doc-title')))).toEqual(['测试文件第6号', '测试文件第5号', '测试文件第4号']);
    expect(textOf(query(items[0]!, '.doc-meta'))).toBe(
      '发文字号：自府办函〔2022〕21号发布日期：2022-01-06类别：规范性文件发文机关：自贡市人民政府办公室有效性：现行有效',
    );
    expect(attr(query(items[0]!, 'a'), 'href')).toBe(`http://127.0.0.1:8082/documents/${middle.items[2]!.documentId}/index.html`);
  });

  it('labels an older page by the dates it covers and links the newest, newer and older pages by their stable files', () => {
    const nav = query(root, 'nav.pagination');
    expect(attr(nav, 'aria-label')).toBe('分页');
    expect(textOf(query(nav, 'p'))).toMatch(/^本页收录 \d{4}-\d{2}-\d{2}( 至 \d{4}-\d{2}-\d{2})? 发布的信息$/);
    const links = queryAll(nav, 'a').map((a) => [textOf(a), attr(a, 'href')]);
    const base = `http://127.0.0.1:8082/${topic.path}`;
    expect(links).toEqual([
      ['最新一页', `${base}index.html`],
      ['较新的一页', `${base}page-3.html`],
      ['较早的一页', `${base}page-1.html`],
    ]);
  });

  it('carries the listing id and a fingerprint of what it shows, in order', () => {
    expect(metaContent(root, 'tongyuan:listing')).toBe('topic:政务公开');
    const shown = [...middle.items].reverse();
    expect(metaContent(root, 'tongyuan:content-fingerprint')).toBe(contentFingerprint(shown));
    expect(attr(query(root, 'link[rel="canonical"]'), 'href')).toBe(`http://127.0.0.1:8082/${topic.path}page-2.html`);
  });

  it('shows the disclosure catalogue as a table of 索引号, 标题, 发文机关, 发布日期', () => {
    const catalogue = listing('catalogue', '政府信息公开目录');
    const { root: page } = parsePage(
      renderListingPage({ listing: catalogue, page: 1, pageCount: 1, items: corpusSummaries() }, testNav, config),
    );
    const table = query(page, 'table.catalogue');
    expect(queryAll(table, 'thead th').map((th) => [textOf(th), attr(th, 'scope')])).toEqual([
      ['索引号', 'col'],
      ['标题', 'col'],
      ['发文机关', 'col'],
      ['发布日期', 'col'],
    ]);
    expect(queryAll(table, 'tbody tr').map((tr) => queryAll(tr, 'td').map(textOf))).toEqual([
      ['113706820045637541/2024-00112', '2024年政务公开工作要点', '莱阳市人民政府办公室', '2024-06-06'],
      ['11510300008589567Q/2022-00021', '自贡市2022年政务公开重点工作任务分工方案', '自贡市人民政府办公室', '2022-04-29'],
      [
        '00815908-5/2019-00001',
        '宁波市海曙区人民政府办公室关于印发2019年宁波市海曙区政务公开工作要点的通知',
        '宁波市海曙区人民政府办公室',
        '2019-06-19',
      ],
      ['11120106MB1C38271X/2019-00007', '红桥区市场监管局2019年政务公开工作要点', '天津市红桥区市场监督管理局', '2019-05-06'],
    ]);
    expect(queryAll(page, 'nav.pagination')).toEqual([]);
  });

  it('introduces the normative library pages', () => {
    const repealed: DocumentSummary = { ...corpusSummaries()[0]!, validity: '废止', corrected: true };
    const html = renderListingPage(
      { listing: listing('normative-repealed', '已废止规范性文件'), page: 1, pageCount: 1, items: [repealed] },
      testNav,
      config,
    );
    const { root: page } = parsePage(html);
    expect(textOf(query(page, 'main p'))).toBe('规范性文件库：已废止的规章和规范性文件，仅供查阅。');
    expect(textOf(query(page, '.doc-list li'))).toContain('有效性：废止');
    expect(textOf(query(page, '.doc-list .badge'))).toBe('已更新');
    expect(attr(query(page, 'nav.site-nav a[aria-current="page"]'), 'href')).toBe(
      'http://127.0.0.1:8082/normative/repealed/index.html',
    );
  });
});

describe('navigation', () => {
  it('takes site paths with or without a leading slash, and marks the current column', () => {
    const nav = {
      columns: [
        { title: '政府信息公开目录', href: `/${listingPath('catalogue')}` },
        { title: '外部链接', href: 'https://www.gov.cn/' },
      ],
    };
    const catalogue = listing('catalogue', '政府信息公开目录');
    const { root } = parsePage(
      renderListingPage({ listing: catalogue, page: 1, pageCount: 1, items: corpusSummaries() }, nav, config),
    );
    const links = queryAll(root, 'nav.site-nav a').map((a) => [attr(a, 'href'), attr(a, 'aria-current')]);
    expect(links).toEqual([
      ['http://127.0.0.1:8082/catalogue/index.html', 'page'],
      ['https://www.gov.cn/', null],
    ]);
  });
});

describe('home page', () => {
  it('shows the latest documents and links every column', () => {
    const latest = corpusSummaries();
    const { root, errors } = parsePage(renderHomePage(latest, testNav, config));
    expect(errors).toEqual([]);
    expect(queryAll(root, '.doc-list a.doc-title').map(textOf)[0]).toBe('2024年政务公开工作要点');
    const columns = queryAll(root, 'ul.column-links a').map((a) => [textOf(a), attr(a, 'href')]);
    expect(columns).toContainEqual(['政府信息公开目录', 'http://127.0.0.1:8082/catalogue/index.html']);
    expect(metaContent(root, 'tongyuan:listing')).toBe('home');
    expect(metaContent(root, 'tongyuan:content-fingerprint')).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(attr(query(root, 'link[rel="canonical"]'), 'href')).toBe('http://127.0.0.1:8082/index.html');
  });

  it('is byte-identical for the same documents in any order', () => {
    const latest = corpusSummaries();
    expect(renderHomePage([...latest].reverse(), testNav, config)).toBe(renderHomePage(latest, testNav, config));
  });
});

describe('search page', () => {
  const [zigong] = corpusSummaries();

  it('marks the query in titles and excerpts, and labels the form', () => {
    const html = renderSearchPage('政务公开', [{ summary: zigong!, excerpt: '……推动政务公开工作不断深化……' }], testNav, config);
    const { root, errors } = parsePage(html);
    expect(errors).toEqual([]);
    expect(textOf(query(root, 'label[for="search-page-query"]'))).toBe('关键词');
    expect(attr(query(root, '#search-page-query'), 'value')).toBe('政务公开');
    expect(queryAll(root, '.doc-list mark').map(textOf)).toEqual(['政务公开', '政务公开']);
    expect(textOf(query(root, '.excerpt'))).toBe('……推动政务公开工作不断深化……');
    expect(metaContent(root, 'robots')).toBe('noindex');
  });

  it('escapes a hostile query and excerpt', () => {
    const attack = '<script>alert(1)</script>';
    const html = renderSearchPage(attack, [{ summary: zigong!, excerpt: `前文${attack}后文` }], testNav, config);
    expect(html).not.toContain('<script>alert');
    const { root } = parsePage(html);
    expect(queryAll(root, '.excerpt mark').map(textOf)).toEqual([attack]);
    expect(attr(query(root, '#search-page-query'), 'value')).toBe(attack);
  });

  it('says so when nothing is found', () => {
    const { root } = parsePage(renderSearchPage('不存在的词', [], testNav, config));
    expect(textOf(query(root, 'main'))).toContain('没有找到与“不存在的词”相关的信息');
  });
});
