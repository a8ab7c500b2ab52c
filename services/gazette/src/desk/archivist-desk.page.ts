import type { GazetteCandidate, GazetteIssueDetail, GazetteIssueSummary } from '@tongyuan/contracts';
import { gazetteSectionOrder } from '@tongyuan/contracts';
import { html, page, type SafeHtml } from '../http/html.js';

export interface DeskView {
  archivist: { id: string; name: string };
  csrf: string;
  issues: GazetteIssueSummary[];
  detail: GazetteIssueDetail | null;
  preview: { pdfUrl: string; htmlUrl: string; at: string } | null;
  notice?: string;
  error?: string;
}

const stateLabel = { open: '编辑中', closed: '已截稿，待审核发布', published: '已出版' } as const;

const form = (action: string, csrf: string, content: SafeHtml, className = 'inline') =>
  html`<form class="${className}" method="post" action="${action}"><input type="hidden" name="csrf" value="${csrf}">${content}</form>`;

const candidateRow = (view: DeskView, issueId: string, candidate: GazetteCandidate, index: number, count: number) => {
  const action = `/desk/issues/${issueId}/candidates/${candidate.documentId}`;
  const name = html`<span class="sr">《${candidate.title}》</span>`;
  const button = (value: string, label: string, disabled = false) =>
    html`<button type="submit" name="action" value="${value}"${disabled ? html` disabled` : html``}>${label}${name}</button>`;
  return html`<tr data-document-id="${candidate.documentId}">
<td>${index + 1}</td>
<td><span class="candidate-title">${candidate.title}</span><br><span class="muted">${candidate.docNumber ?? '无文号'} · ${candidate.issuingOrgan} · 第${candidate.revision}版</span></td>
<td>${form(action, view.csrf, html`${button('up', '上移', index === 0)}${button('down', '下移', index === count - 1)}${button('exclude', '不收录')}`)}
${form(
  action,
  view.csrf,
  html`<label class="sr" for="s-${candidate.documentId}">《${candidate.title}》移至栏目</label><select id="s-${candidate.documentId}" name="section">${gazetteSectionOrder
    .filter((section) => section !== '勘误')
    .map(
      (section) => html`<option${section === candidate.section ? html` selected` : html``}>${section}</option>`,
    )}</select>${button('section', '移至')}`,
)}</td>
</tr>`;
};

const openIssue = (view: DeskView, detail: GazetteIssueDetail) => {
  const issueId = detail.issue.issueId;
  const sections = detail.sections
    .filter((section) => section.candidates.length > 0)
    .map(
      (section) => html`<section aria-labelledby="sec-${section.name}">
<h3 id="sec-${section.name}">${section.name}（${section.candidates.length}件）</h3>
<table><caption class="sr">${section.name}栏目的文件顺序</caption>
<thead><tr><th scope="col">序号</th><th scope="col">文件</th><th scope="col">操作</th></tr></thead>
<tbody>${section.candidates.map((candidate, index) => candidateRow(view, issueId, candidate, index, section.candidates.length))}</tbody></table>
</section>`,
    );
  const excluded =
    detail.excluded.length === 0
      ? html``
      : html`<section aria-labelledby="excluded"><h3 id="excluded">不收录的候选文件</h3><ul>${detail.excluded.map(
          (candidate) =>
            html`<li>${candidate.title} ${form(
              `/desk/issues/${issueId}/candidates/${candidate.documentId}`,
              view.csrf,
              html`<button type="submit" name="action" value="include" class="secondary">收录<span class="sr">《${candidate.title}》</span></button>`,
            )}</li>`,
        )}</ul></section>`;
  return html`${sections.length === 0 ? html`<p>本期尚无收录的文件。</p>` : sections}
${excluded}
${errataEditor(view, detail)}
<section aria-labelledby="actions"><h3 id="actions">本期操作</h3>
${form(`/desk/issues/${issueId}/preview`, view.csrf, html`<button type="submit">生成预览</button>`)}
${form(`/desk/issues/${issueId}/close`, view.csrf, html`<button type="submit">截稿（冻结本期文件）</button>`)}
</section>`;
};

const errataEditor = (view: DeskView, detail: GazetteIssueDetail) => {
  if (detail.errata.length === 0) return html``;
  const editable = detail.issue.state === 'open';
  return html`<section aria-labelledby="errata"><h3 id="errata">勘误</h3>${detail.errata.map(
    (erratum) => html`<article aria-labelledby="e-${erratum.erratumId}">
<h4 id="e-${erratum.erratumId}">关于《${erratum.documentTitle}》（${erratum.originalIssueLabel}）</h4>
${
  editable
    ? form(
        `/desk/issues/${detail.issue.issueId}/errata/${erratum.erratumId}`,
        view.csrf,
        html`<label for="t-${erratum.erratumId}">勘误文字</label><textarea id="t-${erratum.erratumId}" name="text" rows="4">${erratum.text}</textarea>
<p><button type="submit">保存勘误文字</button></p>`,
        'block',
      )
    : html`<p>${erratum.text}</p>`
}
${erratum.editedBy ? html`<p class="muted">${erratum.editedBy.name}修改于${erratum.editedBy.at}</p>` : html``}
</article>`,
  )}</section>`;
};

const frozenIssue = (view: DeskView, detail: GazetteIssueDetail) => {
  const issue = detail.issue;
  const list = detail.sections
    .filter((section) => section.candidates.length > 0)
    .map(
      (section) =>
        html`<h3>${section.name}</h3><ol>${section.candidates.map(
          (candidate) =>
            html`<li><span class="candidate-title">${candidate.title}</span> <span class="muted">第${candidate.revision}版 · ${candidate.fingerprint.slice(0, 19)}…</span></li>`,
        )}</ol>`,
    );
  const actions =
    issue.state === 'closed'
      ? html`<section aria-labelledby="actions"><h3 id="actions">审核与发布</h3>
<p>截稿：${issue.closed?.name}（${issue.closed?.at}）。${issue.approved ? html`审核：${issue.approved.name}（${issue.approved.at}）。` : html`须由另一位档案员审核后方可发布。`}</p>
${issue.approved ? html`` : form(`/desk/issues/${issue.issueId}/approve`, view.csrf, html`<button type="submit">审核通过</button>`)}
${form(`/desk/issues/${issue.issueId}/preview`, view.csrf, html`<button type="submit" class="secondary">生成预览</button>`)}
${issue.approved ? form(`/desk/issues/${issue.issueId}/publish`, view.csrf, html`<button type="submit">发布本期</button>`) : html``}
</section>`
      : html`<section aria-labelledby="actions"><h3 id="actions">已出版</h3>
<p><a href="/issues/${issue.issueId}/index.html">本期网页版</a> · <a href="/issues/${issue.issueId}/mobile.html">手机版</a> · <a href="/issues/${issue.issueId}/gazette.pdf">PDF下载</a></p></section>`;
  return html`${list}${errataEditor(view, detail)}${actions}`;
};

/** The archivists' desk: the issues, and the chosen one to arrange, preview, close, approve and publish. */
export const renderDeskPage = (view: DeskView): string => {
  const detail = view.detail;
  const body = html`<p>当前档案员：${view.archivist.name} ${form('/desk/logout', view.csrf, html`<button type="submit" class="secondary">退出</button>`)}</p>
${view.notice ? html`<p class="notice" role="status">${view.notice}</p>` : html``}
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : html``}
<nav aria-label="期次"><h2>期次</h2><ul>${view.issues.map(
    (issue) =>
      html`<li><a href="/desk?issue=${issue.issueId}"${detail?.issue.issueId === issue.issueId ? html` aria-current="page"` : html``}>${issue.label}</a> <span class="muted">${stateLabel[issue.state]} · ${issue.documentCount}件</span></li>`,
  )}</ul></nav>
${
  detail === null
    ? html`<p>暂无期次：收到第一件候选文件时自动开启。</p>`
    : html`<section aria-labelledby="issue"><h2 id="issue">${detail.issue.label} · ${stateLabel[detail.issue.state]}</h2>
${
  view.preview
    ? html`<p>预览（${view.preview.at}）：<a href="${view.preview.pdfUrl}">预览PDF</a> · <a href="${view.preview.htmlUrl}">预览网页</a></p>`
    : html``
}
${detail.issue.state === 'open' ? openIssue(view, detail) : frozenIssue(view, detail)}
</section>`
}`;
  return page(`公报编辑 · ${detail?.issue.label ?? '档案员工作台'}`, body, { heading: '公报编辑工作台' });
};

export const renderLoginPage = (error?: string): string =>
  page(
    '档案员登录',
    html`${error ? html`<p class="error" role="alert">${error}</p>` : html``}
<form method="post" action="/desk/login">
<label for="token">访问令牌</label>
<input id="token" name="token" type="password" autocomplete="off" required>
<p><button type="submit">登录</button></p>
</form>`,
  );
