// The archive as a reader browses it: years newest first, each year's issues with their downloads, historical
// issues beside new ones, and the errata notes linking to the erratum and to the corrected text on the portal.
import { describe, expect, it } from 'vitest';
import { attr, parsePage, query, queryAll, textOf } from '../../../portal-site/src/html-query.fixture.js';
import { archiveSummaries } from '../gazette-issue.fixture.js';
import { archiveYearPath, renderArchivePages } from './archive-pages.renderer.js';

const options = { gazetteTitle: '自贡市人民政府公报', searchUrl: '../search' };

describe('the archive pages', () => {
  const { index, years } = renderArchivePages(archiveSummaries(), options);

  it('lists the years newest first with their issue counts, and offers full-text search', () => {
    const { root, errors } = parsePage(index);
    expect(errors).toEqual([]);
    expect(attr(root, 'lang')).toBe('zh-CN');
    expect(queryAll(root, 'ul.years li a').map((a) => [textOf(a), attr(a, 'href')])).toEqual([
      ['2026年', '2026/index.html'],
      ['2025年', '2025/index.html'],
      ['2019年', '2019/index.html'],
    ]);
    expect(queryAll(root, 'ul.years li').map(textOf)).toEqual([
      '2026年共 2 期',
      '2025年共 1 期（含历史公报）',
      '2019年共 1 期（含历史公报）',
    ]);
    const form = query(root, 'form[role="search"]');
    expect(attr(form, 'action')).toBe('../search');
    expect(attr(query(form, 'input'), 'name')).toBe('q');
    expect(textOf(query(root, '#latest-heading'))).toBe('最新一期');
    expect(attr(query(root, 'section p a'), 'href')).toBe('../issues/2026-05/index.html');
    expect([...years.keys()]).toEqual([2026, 2025, 2019]);
    expect(archiveYearPath(2026)).toBe('2026/index.html');
  });

  it("lists a year's issues newest first, with reading and download links one folder deeper", () => {
    const { root, errors } = parsePage(years.get(2026)!);
    expect(errors).toEqual([]);
    const cards = queryAll(root, 'li.issue-card');
    expect(cards.map((card) => textOf(query(card, 'h2')))).toEqual([
      '自贡市人民政府公报2026年第5期',
      '自贡市人民政府公报2026年第3期',
    ]);
    expect(attr(query(cards[0]!, 'h2 a'), 'href')).toBe('../../issues/2026-05/index.html');
    expect(queryAll(cards[0]!, 'a').map((a) => attr(a, 'href'))).toContain('../../issues/2026-05/gazette.pdf');
    expect(textOf(cards[0]!)).toContain('2026年第5期（总第128期） · 2026年5月31日出版 · 刊登文件 6 件');
    expect(queryAll(cards[0]!, '.notes')).toHaveLength(0);
  });

  it('shows the erratum note beside the original issue, linking to the erratum and to the corrected text', () => {
    const { root } = parsePage(years.get(2026)!);
    const original = queryAll(root, 'li.issue-card')[1]!;
    const note = query(original, '.notes li');
    expect(textOf(note)).toContain('《关于政务公开工作的通知<script>》：第二段“2025年”应为“2026年”。');
    expect(queryAll(note, 'a').map((a) => attr(a, 'href'))).toEqual([
      '../../issues/2026-05/index.html#errata-heading',
      'https://www.zg.gov.cn/documents/doc_01D0BKPY40ZMZP65Q6JF6NAR2D/',
    ]);
    expect(queryAll(root, 'script')).toHaveLength(0);
  });

  it('shows historical issues beside new ones, with or without a PDF', () => {
    const y2025 = parsePage(years.get(2025)!).root;
    expect(textOf(query(y2025, 'li.issue-card h2'))).toBe('自贡市人民政府公报2025年第12期 历史公报');
    expect(queryAll(y2025, 'li.issue-card a').map((a) => attr(a, 'href'))).toContain('../../issues/2025-12/gazette.pdf');
    const y2019 = parsePage(years.get(2019)!).root;
    expect(textOf(query(y2019, 'li.issue-card'))).toContain('本期无 PDF 文件');
  });

  it('says so when nothing is published yet', () => {
    const empty = renderArchivePages([], options);
    expect(textOf(query(parsePage(empty.index).root, 'main'))).toContain('尚无已出版的公报。');
    expect(empty.years.size).toBe(0);
  });
});
