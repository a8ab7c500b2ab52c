import { readdirSync, readFileSync } from 'node:fs';
import { canonicalJson, type DocumentRevision, sourceFingerprint } from '@tongyuan/contracts';
import { describe, expect, it } from 'vitest';
import { revisionFromCorpus, zigongRevision } from '../../contracts/src/corpus-revision.fixture.js';
import { renderDocumentJson, renderDocumentPage, renderWithdrawnPage } from './document-page.js';
import { attr, metaContent, parsePage, query, queryAll, textOf } from './html-query.fixture.js';
import { imageVariantKeys } from './media.js';
import {
  corpusNames,
  pageInputOf,
  released,
  repealingDocumentId,
  richRevisionInput,
  testConfig,
  testNav,
} from './portal-site.fixture.js';
import { summaryOf } from './summary.js';

const config = testConfig();
const render = (revision: DocumentRevision) => renderDocumentPage(pageInputOf(revision), testNav, config);
const rowValue = (html: string, label: string): string => {
  const { root } = parsePage(html);
  const row = queryAll(root, 'table.metadata tr').find((tr) => textOf(query(tr, 'th')) === label);
  if (row === undefined) throw new Error(`no row ${label}`);
  expect(attr(query(row, 'th'), 'scope')).toBe('row');
  return textOf(query(row, 'td'));
};

describe('document page of a corpus document', () => {
  it.each(corpusNames)('%s parses without HTML errors and carries its identity in meta tags', (name) => {
    const revision = revisionFromCorpus(name);
    const { root, errors } = parsePage(render(revision));
    expect(errors).toEqual([]);
    expect(attr(root, 'lang')).toBe('zh-CN');
    expect(metaContent(root, 'tongyuan:document-id')).toBe(revision.documentId);
    expect(metaContent(root, 'tongyuan:revision')).toBe('1');
    expect(metaContent(root, 'tongyuan:fingerprint')).toBe(sourceFingerprint(revision));
    expect(attr(query(root, 'link[rel="canonical"]'), 'href')).toBe(
      `http://127.0.0.1:8082/documents/${revision.documentId}/index.html`,
    );
    expect(queryAll(root, 'h1').map(textOf)).toEqual([revision.title]);
  });

  it('shows the catalogue metadata of 自府办函〔2022〕21号 in a table with row headers', () => {
    const html = render(zigongRevision());
    expect(rowValue(html, '索引号')).toBe('11510300008589567Q/2022-00021');
    expect(rowValue(html, '主题分类')).toBe('政务公开');
    expect(rowValue(html, '发文机关')).toBe('自贡市人民政府办公室');
    expect(rowValue(html, '成文日期')).toBe('2022-04-28');
    expect(rowValue(html, '发文字号')).toBe('自府办函〔2022〕21号');
    expect(rowValue(html, '发布日期')).toBe('2022-04-29');
    expect(rowValue(html, '有效性')).toBe('现行有效，自 2022-04-28 起施行');
  });

  it('says so when a document has no 发文字号 or 成文日期', () => {
    const html = render(revisionFromCorpus('laiyang-2024-work-plan'));
    expect(rowValue(html, '发文字号')).toBe('无');
    expect(rowValue(html, '成文日期')).toBe('未注明');
  });

  it('maps 一、 to h2 and prints run-in （一） headings in bold at the start of their paragraph', () => {
    const { root } = parsePage(render(zigongRevision()));
    const body = query(root, '.document-body');
    expect(queryAll(body, 'h2').map(textOf).slice(0, 2)).toEqual([
      '一、强化重点领域信息公开,促进政策措施阳光透明',
      expect.stringMatching(/^二、/),
    ]);
    expect(queryAll(body, 'h3')).toEqual([]);
    const leadIn = query(body, 'p .lead-in');
    expect(textOf(leadIn)).toBe('（一）加强稳增长信息公开。');
    const paragraph = queryAll(body, 'p').find((p) => queryAll(p, '.lead-in').includes(leadIn))!;
    expect(textOf(paragraph)).toMatch(/^（一）加强稳增长信息公开。围绕全面提升投资质效/);
  });

  it('uses h3, h4 and h5 for standalone headings of levels 2 to 4', () => {
    const revision: DocumentRevision = {
      ...zigongRevision(),
      body: [
        { type: 'heading', level: 1, numbering: '一、', text: '总体要求' },
        { type: 'heading', level: 2, numbering: '（一）', text: '指导思想' },
        { type: 'heading', level: 3, numbering: '1.', text: '基本原则' },
        { type: 'heading', level: 4, numbering: '（1）', text: '公开为常态' },
        { type: 'paragraph', text: '正文。' },
      ],
    };
    const { root } = parsePage(render(released(revision)));
    const body = query(root, '.document-body');
    expect(['h2', 'h3', 'h4', 'h5'].map((tag) => queryAll(body, tag).map(textOf))).toEqual([
      ['一、总体要求'],
      ['（一）指导思想'],
      ['1.基本原则'],
      ['（1）公开为常态'],
    ]);
  });

  it('links attachments for download with name, type and size', () => {
    const { root } = parsePage(render(revisionFromCorpus('haishu-2019-work-plan')));
    const link = query(root, '#attachments-heading');
    expect(textOf(link)).toBe('附件');
    const item = query(root, 'section li');
    expect(textOf(item)).toBe(
      '2019年海曙区政务公开工作要点任务分解表（2019年海曙区政务公开工作要点任务分解表.docx，Word 文档，application/vnd.openxmlformats-officedocument.wordprocessingml.document，18.0 KB）',
    );
    expect(attr(query(item, 'a'), 'href')).toBe('http://127.0.0.1:8082/attachments/1.docx');
    expect(attr(query(item, 'a'), 'download')).toBe('2019年海曙区政务公开工作要点任务分解表.docx');
  });

  it('renders the same bytes twice, and the same bytes for a revision whose keys arrive in another order', () => {
    const revision = zigongRevision();
    const reordered = JSON.parse(canonicalJson(revision)) as DocumentRevision;
    expect(render(revision)).toBe(render(revision));
    expect(render(reordered)).toBe(render(revision));
    const input = richRevisionInput();
    expect(renderDocumentPage(input, testNav, config)).toBe(renderDocumentPage(richRevisionInput(), testNav, config));
    expect(renderDocumentJson(input, config)).toBe(
      renderDocumentJson({ ...input, revision: JSON.parse(canonicalJson(input.revision)) }, config),
    );
  });
});

describe('document page of a corrected, repealed revision with every kind of block', () => {
  const input = richRevisionInput();
  const html = renderDocumentPage(input, testNav, config);
  const { root, errors } = parsePage(html);

  it('parses without HTML errors', () => {
    expect(errors).toEqual([]);
    expect(metaContent(root, 'tongyuan:revision')).toBe('3');
    expect(metaContent(root, 'tongyuan:fingerprint')).toBe(input.fingerprint);
  });

  it('shows a 废止 banner with the date and a link to the repealing document', () => {
    const banner = query(root, '.validity-banner');
    expect(attr(banner, 'role')).toBe('note');
    expect(textOf(query(banner, 'h2'))).toBe('本文件已废止');
    expect(textOf(banner)).toContain('废止日期：2023-06-30');
    const link = query(banner, 'a');
    expect(textOf(link)).toBe('自贡市2023年政务公开重点工作任务分工方案');
    expect(attr(link, 'href')).toBe(`http://127.0.0.1:8082/documents/${repealingDocumentId}/index.html`);
    expect(rowValue(html, '有效性')).toBe('已废止（2023-06-30 废止）');
  });

  it('says when, why and what changed, in an aside with a heading (not a dialog)', () => {
    const notice = query(root, 'aside.correction-notice');
    expect(textOf(query(notice, 'h2'))).toBe('有效性变更说明');
    expect(attr(query(notice, 'time'), 'datetime')).toBe('2023-06-30T10:00:00+08:00');
    expect(textOf(notice)).toContain('本文于 2023-06-30 10:00 变更有效性，现为第 3 版（替代第 2 版）');
    expect(textOf(notice)).toContain('原因：已被《自贡市2023年政务公开重点工作任务分工方案》废止');
    expect(queryAll(notice, 'li').map(textOf)).toEqual(['有效性由“现行有效”改为“废止”']);
    expect(queryAll(root, 'dialog')).toEqual([]);
  });

  it('lists every revision with its status, short fingerprint and reason', () => {
    const section = queryAll(root, 'section').find((s) => textOf(query(s, 'h2')) === '修订记录')!;
    const rows = queryAll(section, 'tbody tr').map((tr) => queryAll(tr, 'td').map(textOf));
    expect(rows).toEqual([
      ['第 1 版', '已发布', '2022-04-29 09:30', '首次发布', input.history[0]!.fingerprint.slice(7, 19)],
      ['第 2 版', '已发布', '2022-05-06 10:00', '附件中责任单位名称有误', input.history[1]!.fingerprint.slice(7, 19)],
      [
        '第 3 版（当前版本）',
        '已发布',
        '2023-06-30 10:00',
        '已被《自贡市2023年政务公开重点工作任务分工方案》废止',
        input.fingerprint.slice(7, 19),
      ],
    ]);
  });

  it('draws the table with caption, column headers, merged cells and a focusable scroll region', () => {
    const region = query(root, '#block-tbl1');
    expect(attr(region, 'role')).toBe('region');
    expect(attr(region, 'tabindex')).toBe('0');
    expect(attr(region, 'aria-label')).toBe('2022年政务公开重点任务责任分工表');
    expect(textOf(query(region, 'caption'))).toBe('2022年政务公开重点任务责任分工表');
    const headRows = queryAll(region, 'thead tr').map((tr) =>
      queryAll(tr, 'th').map((th) => [textOf(th), attr(th, 'scope'), attr(th, 'rowspan'), attr(th, 'colspan')]),
    );
    expect(headRows).toEqual([
      [
        ['序号', 'col', '2', null],
        ['任务', 'col', '2', null],
        ['责任单位', 'col', null, '2'],
      ],
      [
        ['牵头单位', 'col', null, null],
        ['配合单位', 'col', null, null],
      ],
    ]);
    const firstRow = query(region, 'tbody tr');
    expect(queryAll(firstRow, 'td').map(textOf)).toEqual(['1', '加强稳增长信息公开', '市发展改革委', '市经济和信息化局市商务局']);
    expect(queryAll(firstRow, 'td br')).toHaveLength(1);
  });

  it('offers the image as WebP and PNG at 480 and 960 pixels, with its alt text and size', () => {
    const figure = query(root, 'figure#block-img1');
    const sha = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    const source = query(figure, 'picture source');
    expect(attr(source, 'type')).toBe('image/webp');
    expect(attr(source, 'srcset')).toBe(
      `http://127.0.0.1:8082/media/${sha}-480.webp 480w, http://127.0.0.1:8082/media/${sha}-960.webp 960w`,
    );
    const img = query(figure, 'picture img');
    expect([attr(img, 'src'), attr(img, 'width'), attr(img, 'height'), attr(img, 'alt')]).toEqual([
      `http://127.0.0.1:8082/media/${sha}-960.png`,
      '1600',
      '900',
      '2022年自贡市主动公开政府信息数量柱状图',
    ]);
    expect(textOf(query(figure, 'figcaption'))).toBe('图1 主动公开政府信息数量');
    const block = input.revision.body.find((b) => b.type === 'image')!;
    expect(
      block.type === 'image' && imageVariantKeys(block).map((v) => `${v.key} ${v.width}x${v.height} ${v.mediaType}`),
    ).toEqual([
      `media/${sha}-480.webp 480x270 image/webp`,
      `media/${sha}-960.webp 960x540 image/webp`,
      `media/${sha}-480.png 480x270 image/png`,
      `media/${sha}-960.png 960x540 image/png`,
    ]);
  });

  it('renders lists, the attachment in place and the right-aligned 落款', () => {
    expect(queryAll(query(root, 'ol#block-lst1'), 'li').map(textOf)).toEqual(['公开目录动态更新', '政策文件全量入库']);
    expect(textOf(query(root, '#block-att-here'))).toBe(
      '附件：2022年政务公开重点任务责任分工表（责任分工表.pdf，PDF 文档，application/pdf，240.0 KB）',
    );
    expect(queryAll(root, 'p.align-end').map(textOf)).toEqual(['自贡市人民政府办公室', '2022年4月28日']);
  });

  it('links its interpretations, and names the one not yet published without a link', () => {
    const section = queryAll(root, 'section').find((s) => textOf(query(s, 'h2')) === '相关文件')!;
    const items = queryAll(section, 'li');
    expect(items.map(textOf)).toEqual([
      '政策解读：《自贡市2022年政务公开重点工作任务分工方案》政策解读',
      '政策解读：图解：自贡市2022年政务公开重点工作（尚未发布）',
    ]);
    expect(attr(query(items[0]!, 'a'), 'href')).toMatch(/\/documents\/doc_\w+\/index\.html$/);
    expect(queryAll(items[1]!, 'a')).toEqual([]);
  });

  it('offers the same source as JSON, without the internal review records', () => {
    const json = JSON.parse(renderDocumentJson(input, config)) as Record<string, any>;
    expect(json.documentId).toBe(input.revision.documentId);
    expect(json.revision).toBe(3);
    expect(json.fingerprint).toBe(input.fingerprint);
    expect(json.canonicalUrl).toBe(`http://127.0.0.1:8082/documents/${input.revision.documentId}/index.html`);
    expect(json.record.title).toBe(input.revision.title);
    expect(json.record.body).toEqual(input.revision.body);
    expect(json.record.reviews).toBeUndefined();
    expect(renderDocumentJson(input, config)).not.toContain('王明');
    expect(json.history.map((h: { revision: number }) => h.revision)).toEqual([1, 2, 3]);
  });
});

describe('escaping', () => {
  const attack = '<script>alert(1)</script>';
  const revision = released({
    ...zigongRevision(),
    title: `关于${attack}的通知`,
    body: [
      { type: 'heading', level: 1, numbering: '一、', text: attack },
      { type: 'paragraph', text: `正文${attack}"'&` },
      { type: 'table', caption: attack, header: [[attack]], rows: [[`<img src=x onerror=alert(1)>`]] },
      {
        type: 'image',
        key: 'uploads/x.png',
        alt: `" onerror="alert(1)`,
        width: 10,
        height: 10,
        mediaType: 'image/png',
        size: 10,
        sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
      },
    ],
  });

  it('renders <script> in a title, heading, paragraph, table and alt text inert', () => {
    const html = render(revision);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const { root, errors } = parsePage(html);
    expect(errors).toEqual([]);
    // The only script is the display-settings asset; no element gained an event handler attribute.
    expect(queryAll(root, 'script').map((s) => attr(s, 'src'))).toEqual([
      expect.stringMatching(/\/assets\/display-settings\.\w+\.js$/),
    ]);
    expect(queryAll(root, '*').flatMap((e) => e.attrs.filter((a) => a.name.startsWith('on')))).toEqual([]);
    expect(textOf(query(root, 'h1'))).toBe(`关于${attack}的通知`);
    expect(textOf(query(root, 'title'))).toContain(attack);
    expect(attr(query(root, 'figure img'), 'alt')).toBe(`" onerror="alert(1)`);
  });

  it('escapes the withdrawn notice too', () => {
    const html = renderWithdrawnPage(
      summaryOf(revision, sourceFingerprint(revision)),
      attack,
      2,
      sourceFingerprint(revision),
      testNav,
      config,
    );
    expect(html).not.toContain('<script>alert');
    expect(textOf(query(parsePage(html).root, '.validity-banner'))).toContain(`撤回原因：${attack}`);
  });

  it('never lets a template print unescaped ({{{ }}})', () => {
    const dir = new URL('./templates/', import.meta.url);
    const raw = readdirSync(dir).filter((file) => readFileSync(new URL(file, dir), 'utf8').includes('{{{'));
    expect(raw).toEqual([]);
  });

  it('refuses a javascript: link from the service instead of rendering it', () => {
    const input = {
      ...pageInputOf(zigongRevision()),
      related: [{ documentId: 'doc_x', relation: 'interprets' as const, title: 'x', href: 'javascript:alert(1)' }],
    };
    expect(() => renderDocumentPage(input, testNav, config)).toThrow(/refusing link target/);
  });
});

describe('withdrawn page', () => {
  it('puts the 该信息已撤回 notice at the document URL, with the withdrawal revision, kept out of search engines', () => {
    const revision = zigongRevision();
    const html = renderWithdrawnPage(
      summaryOf(revision, sourceFingerprint(revision)),
      '文件内容需要重新审核',
      2,
      'sha256:' + 'a'.repeat(64),
      testNav,
      config,
    );
    const { root, errors } = parsePage(html);
    expect(errors).toEqual([]);
    expect(textOf(query(root, 'h1'))).toBe('该信息已撤回');
    expect(textOf(query(root, '.validity-banner'))).toContain('撤回原因：文件内容需要重新审核');
    expect(metaContent(root, 'robots')).toBe('noindex');
    expect(metaContent(root, 'tongyuan:revision')).toBe('2');
    expect(metaContent(root, 'tongyuan:fingerprint')).toBe('sha256:' + 'a'.repeat(64));
    expect(attr(query(root, 'link[rel="canonical"]'), 'href')).toBe(
      `http://127.0.0.1:8082/documents/${revision.documentId}/index.html`,
    );
    expect(html).not.toContain('自贡经济社会高质量发展');
  });
});
