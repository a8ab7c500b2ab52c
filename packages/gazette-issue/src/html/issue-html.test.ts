// The issue's HTML as a browser parses it: a TOC linking every document with its PDF page, document pages whose
// marked text is the revision's text, provenance in meta tags, and hostile text kept inert.
import { DocumentRevision, normalizeText, revisionText } from '@tongyuan/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  attr,
  type Element,
  metaContent,
  parsePage,
  query,
  queryAll,
  textOf,
} from '../../../portal-site/src/html-query.fixture.js';
import { corpusIssue } from '../gazette-issue.fixture.js';
import type { IssueLayout } from '../issue.js';
import { renderIssuePdf } from '../pdf/issue-pdf.renderer.js';
import { issueKeys, renderIssueHtml } from './issue-html.renderer.js';

/** What the ops audit reads: the text of every data-tongyuan-text element, white space removed. */
const markedText = (root: Element): string => queryAll(root, '[data-tongyuan-text]').map(textOf).join('\n');
const comparable = (text: string) => normalizeText(text).replace(/\s+/g, '');

describe('the issue HTML', () => {
  const issue = corpusIssue();
  const documents = issue.sections.flatMap((s) => s.documents);
  let layout: IssueLayout;
  let html: ReturnType<typeof renderIssueHtml>;

  beforeAll(async () => {
    ({ layout } = await renderIssuePdf(issue));
    html = renderIssueHtml(issue, layout, { pdfUrl: 'gazette.pdf', archiveUrl: '../../archive/index.html' });
  });

  it('parses without errors, in zh-CN, with a skip link to the main landmark', () => {
    for (const page of [html.desktop, html.mobile, ...html.documents.values()]) {
      const { root, errors } = parsePage(page);
      expect(errors).toEqual([]);
      expect(attr(root, 'lang')).toBe('zh-CN');
      expect(attr(query(root, 'a.skip-link'), 'href')).toBe('#main');
      expect(queryAll(root, 'main#main')).toHaveLength(1);
      expect(queryAll(root, 'header')).toHaveLength(1);
      expect(queryAll(root, 'nav').length).toBeGreaterThan(0);
      expect(queryAll(root, 'footer')).toHaveLength(1);
      expect(queryAll(root, 'h1')).toHaveLength(1);
    }
  });

  it('lists every printed section and document in the TOC, linked to its page, with its PDF page number', () => {
    const { root } = parsePage(html.desktop);
    expect(queryAll(root, '.toc-section h3').map(textOf)).toEqual(['规章', '规范性文件', '其他', '勘误']);
    const entries = queryAll(root, 'ol.toc li');
    expect(entries).toHaveLength(layout.documents.length);
    entries.forEach((entry, i) => {
      const placed = layout.documents[i]!;
      expect(attr(query(entry, 'a'), 'href')).toBe(`documents/${placed.documentId}.html`);
      expect(textOf(query(entry, 'a'))).toBe(placed.title);
      expect(textOf(entry)).toContain(`第 ${placed.startPage} 页`);
    });
    expect(textOf(query(root, 'h1'))).toBe('2026年第5期（总第128期）');
    expect(attr(query(root, 'a.button'), 'href')).toBe('gazette.pdf');
    expect(textOf(query(root, '.errata'))).toContain(issue.errata[0]!.text);
    expect(attr(query(root, '.errata a'), 'href')).toBe(issue.errata[0]!.portalUrl);
    // The archive links the erratum by its anchor on this page.
    expect(attr(query(root, '.errata li'), 'id')).toBe('erratum-erratum-2026-05-1');
    expect(queryAll(root, '#errata-heading')).toHaveLength(1);
    expect(metaContent(root, 'tongyuan:issue-id')).toBe('2026-05');
  });

  it('has a mobile page with the same TOC, linking back to the desktop one', () => {
    const { root } = parsePage(html.mobile);
    expect(attr(query(root, 'body'), 'class')).toBe('mobile');
    expect(queryAll(root, 'ol.toc li a').map((a) => attr(a, 'href'))).toEqual(
      layout.documents.map((d) => `documents/${d.documentId}.html`),
    );
    expect(queryAll(root, 'a').some((a) => attr(a, 'href') === 'index.html' && textOf(a) === '电脑版')).toBe(true);
    expect(attr(query(parsePage(html.desktop).root, 'link[rel="alternate"]'), 'href')).toBe('mobile.html');
  });

  it('gives every document a page whose marked text is revisionText, with its provenance in meta tags', () => {
    expect([...html.documents.keys()]).toEqual(layout.documents.map((d) => d.documentId));
    for (const { revision, fingerprint } of documents) {
      const { root } = parsePage(html.documents.get(revision.documentId)!);
      expect(metaContent(root, 'tongyuan:document-id')).toBe(revision.documentId);
      expect(metaContent(root, 'tongyuan:revision')).toBe(String(revision.revision));
      expect(metaContent(root, 'tongyuan:fingerprint')).toBe(fingerprint);
      expect(comparable(markedText(root))).toBe(comparable(revisionText(revision)));
      const placed = layout.documents.find((d) => d.documentId === revision.documentId)!;
      expect(textOf(query(root, '.provenance'))).toContain(`第 ${placed.startPage} 页`);
      expect(attr(query(root, '.provenance a'), 'href')).toBe(`https://www.zg.gov.cn/documents/${revision.documentId}/`);
      // Links given relative to the issue folder still work one folder deeper.
      expect(queryAll(root, 'a').map((a) => attr(a, 'href'))).toContain('../gazette.pdf');
    }
  });

  it('prints the 发文机关, 发文字号, 成文日期 and the attachments of a document', () => {
    const zigong = documents.find((d) => d.revision.kind === '规范性文件')!.revision;
    const { root } = parsePage(html.documents.get(zigong.documentId)!);
    const meta = queryAll(root, '.doc-meta div').map(textOf);
    expect(meta).toEqual([
      '发文机关自贡市人民政府办公室',
      '发文字号自府办函〔2022〕21号',
      '成文日期2022年4月28日',
      `索引号${zigong.indexNumber}`,
    ]);
    const haishu = documents.find((d) => d.revision.title.includes('海曙区'))!.revision;
    const attachments = queryAll(parsePage(html.documents.get(haishu.documentId)!).root, 'section a');
    expect(attachments.map(textOf)).toEqual(['2019年海曙区政务公开工作要点任务分解表']);
  });

  it('keeps markup in titles and paragraphs as inert text', () => {
    const rich = documents[0]!.revision;
    expect(DocumentRevision.safeParse(rich).error).toBeUndefined();
    for (const page of [html.desktop, html.mobile, html.documents.get(rich.documentId)!]) {
      const { root } = parsePage(page);
      expect(queryAll(root, 'script')).toHaveLength(0);
      expect(queryAll(root, 'b')).toHaveLength(0);
      expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
    const { root } = parsePage(html.documents.get(rich.documentId)!);
    expect(textOf(query(root, 'h1'))).toBe('自贡市政务公开办法<script>alert(1)</script>');
  });

  it('names the keys an issue is stored under', () => {
    const keys = issueKeys(issue);
    expect([keys.manifest, keys.pdf, keys.desktop, keys.mobile, keys.document('doc_X')]).toEqual([
      'issues/2026-05/manifest.json',
      'issues/2026-05/gazette.pdf',
      'issues/2026-05/index.html',
      'issues/2026-05/mobile.html',
      'issues/2026-05/documents/doc_X.html',
    ]);
  });
});
