import type { GazetteSearchResult } from '@tongyuan/contracts';
import type { SearchQuery } from '../search/gazette-search.js';
import { html, page } from './html.js';

/** The public search page: a form (words, 文号, organ, year, issue) and the documents found, linked to their page. */
export const renderSearchPage = (query: SearchQuery, result: GazetteSearchResult | null): string => {
  const field = (name: keyof SearchQuery, label: string, hint: string) =>
    html`<label for="f-${name}">${label}</label>
<input id="f-${name}" name="${name}" value="${query[name] ?? ''}" aria-describedby="h-${name}">
<span id="h-${name}" class="muted">${hint}</span>`;
  const results =
    result === null
      ? html``
      : html`<section aria-labelledby="results">
<h2 id="results">检索结果：共${result.total}条</h2>
${
  result.hits.length === 0
    ? html`<p>没有找到符合条件的公报文件。</p>`
    : html`<ol>${result.hits.map(
        (
          hit,
        ) => html`<li><p><a href="${hit.url}">${hit.title}</a>${hit.historical ? html` <span class="muted">（历史公报）</span>` : html``}</p>
<p class="muted">${hit.issueLabel} · 第${hit.page}页${hit.docNumber ? html` · ${hit.docNumber}` : html``}${hit.organ ? html` · ${hit.organ}` : html``}</p>
<p>${hit.excerpt}</p></li>`,
      )}</ol>`
}
</section>`;
  return page(
    '公报检索',
    html`<form method="get" action="/search" role="search" aria-label="公报全文检索">
${field('q', '关键词', '标题、正文中的词语，多个词用空格分开')}
${field('docNumber', '发文字号', '如 自府办发〔2026〕3号')}
${field('organ', '发文机关', '如 自贡市人民政府办公室')}
${field('year', '年份', '四位数字，如 2026')}
${field('issue', '期号', '第几期，如 3；或 2026-03')}
<p><button type="submit">检索</button></p>
</form>
${results}`,
  );
};
