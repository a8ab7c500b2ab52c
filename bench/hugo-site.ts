// The same documents as a Hugo site: markdown with front matter, and templates equivalent to the portal's: the same page
// frame (head, header with search form and display settings, column nav, footer), a document page with the seven-row
// metadata table and the body, one list paginated by 20 (documents/, newest first), a home page with the 20 newest,
// a feed of the 50 newest (RSS, home only), the sitemap and the two static assets.
// Not mirrored: the portal's per-document JSON view (index.json), which Hugo is not asked to produce.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ContentPublished, DocumentRevision } from '@tongyuan/contracts';
import { siteAssets } from '@tongyuan/portal-site';

const config = `baseURL = "http://127.0.0.1:1313/"
languageCode = "zh-CN"
title = "政府信息公开"
paginate = 20
disablePathToLower = true
# The generated documents run ~8 years from 2019 (one every 7 hours): Hugo would skip those dated after today.
buildFuture = true
disableKinds = ["taxonomy", "term", "404", "robotsTXT"]

[outputs]
home = ["HTML", "RSS"]
section = ["HTML"]
page = ["HTML"]

[services.rss]
limit = 50

# Lead-ins are inline HTML (a <span>, as on the portal): CommonMark emphasis does not close after 。 before a letter.
[markup.goldmark.renderer]
unsafe = true
`;

const baseof = `<!DOCTYPE html>
<html lang="zh-CN" data-text-size="100" data-contrast="normal">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} - {{ .Site.Title }}{{ end }}</title>
<link rel="canonical" href="{{ .Permalink }}">
{{ block "metas" . }}{{ end }}<meta name="tongyuan:site" content="bench">
<link rel="stylesheet" href="{{ "assets/site.css" | absURL }}">
<link rel="alternate" type="application/rss+xml" title="{{ .Site.Title }}：最新信息" href="{{ "index.xml" | absURL }}">
<script src="{{ "assets/display-settings.js" | absURL }}"></script>
</head>
<body>
<a class="skip-link" href="#main">跳到主要内容</a>
<header class="site-header">
<div class="container">
<div class="header-row">
<p class="site-title"><a href="{{ "" | absURL }}">{{ .Site.Title }}</a></p>
<form class="search-form" role="search" aria-label="站内搜索" action="{{ "search" | absURL }}" method="get">
<label class="visually-hidden" for="site-search-query">搜索本站信息</label>
<input id="site-search-query" name="q" type="search" value="" placeholder="输入关键词">
<button type="submit">搜索</button>
</form>
</div>
<div class="display-settings" role="group" aria-labelledby="display-settings-label" data-display-settings hidden>
<span id="display-settings-label">显示设置：</span>
<button type="button" data-text-size-option="100" aria-pressed="true">标准字号</button>
<button type="button" data-text-size-option="125" aria-pressed="false">大字号</button>
<button type="button" data-text-size-option="150" aria-pressed="false">特大字号</button>
<button type="button" data-contrast-toggle aria-pressed="false">高对比度</button>
</div>
</div>
</header>
<nav class="site-nav" aria-label="栏目导航">
<div class="container">
<ul>
<li><a href="{{ "documents/" | absURL }}"{{ if eq .RelPermalink "/documents/" }} aria-current="page"{{ end }}>最新信息</a></li>
</ul>
</div>
</nav>
<main id="main" tabindex="-1">
<div class="container">
{{ block "main" . }}{{ end }}
</div>
</main>
<footer class="site-footer">
<div class="container">
<p>{{ .Site.Title }}</p>
<p>本网站支持键盘操作、大字号和高对比度显示。<a href="{{ "index.xml" | absURL }}">订阅最新信息（RSS 格式）</a></p>
</div>
</footer>
</body>
</html>
`;

const single = `{{ define "metas" }}<meta name="tongyuan:document-id" content="{{ .Params.documentId }}">
<meta name="tongyuan:revision" content="{{ .Params.revision }}">
<meta name="tongyuan:fingerprint" content="{{ .Params.fingerprint }}">
{{ end }}{{ define "main" }}<article class="document">
<h1>{{ .Title }}</h1>
<table class="metadata">
<caption>文件信息</caption>
<tbody>
<tr><th scope="row">索引号</th><td>{{ .Params.indexNumber }}</td></tr>
<tr><th scope="row">主题分类</th><td>{{ delimit .Params.topics "、" }}</td></tr>
<tr><th scope="row">发文机关</th><td>{{ delimit .Params.organs "、" }}</td></tr>
<tr><th scope="row">成文日期</th><td>{{ with .Params.writtenDate }}<time datetime="{{ . }}">{{ . }}</time>{{ else }}未注明{{ end }}</td></tr>
<tr><th scope="row">发文字号</th><td>{{ .Params.docNumber | default "无" }}</td></tr>
<tr><th scope="row">发布日期</th><td><time datetime="{{ .Params.publishedAt }}">{{ .Date.Format "2006-01-02" }}</time></td></tr>
<tr><th scope="row">有效性</th><td>{{ .Params.validity }}</td></tr>
</tbody>
</table>
<div class="document-body">
{{ .Content }}
</div>
</article>
{{ end }}`;

const docItem = `<li>
<a class="doc-title" href="{{ .Permalink }}">{{ .Title }}</a>
<p class="doc-meta">{{ with .Params.docNumber }}<span>发文字号：{{ . }}</span>{{ end }}<span>发布日期：<time datetime="{{ .Params.publishedAt }}">{{ .Date.Format "2006-01-02" }}</time></span><span>类别：{{ .Params.kind }}</span><span>发文机关：{{ index .Params.organs 0 }}</span>{{ with .Params.validityStatus }}<span>有效性：{{ . }}</span>{{ end }}</p>
</li>
`;

const list = `{{ define "title" }}{{ .Title }}{{ with .Paginator }}{{ if gt .PageNumber 1 }}（第 {{ .PageNumber }} 页）{{ end }}{{ end }} - {{ .Site.Title }}{{ end }}
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="doc-list">
{{ range .Paginator.Pages }}{{ partial "doc-item.html" . }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}
{{ end }}`;

const home = `{{ define "title" }}{{ .Site.Title }}{{ end }}
{{ define "main" }}<h1>{{ .Site.Title }}</h1>
<section aria-labelledby="latest-heading">
<h2 id="latest-heading">最新信息</h2>
<ul class="doc-list">
{{ range first 20 .Site.RegularPages.ByDate.Reverse }}{{ partial "doc-item.html" . }}{{ end }}</ul>
<p><a href="{{ "documents/" | absURL }}">查看全部最新信息</a></p>
</section>
{{ end }}`;

/** The body as markdown: numbered headings as headings, run-in headings as the lead-in span of their paragraph. */
export const markdownOf = (body: DocumentRevision['body']): string => {
  const parts: string[] = [];
  let leadIn = '';
  body.forEach((block, i) => {
    switch (block.type) {
      case 'heading': {
        const text = `${block.numbering ?? ''}${block.text}`;
        if (block.runIn === true && body[i + 1]?.type === 'paragraph') leadIn = `<span class="lead-in">${text}</span>`;
        else parts.push(`${'#'.repeat(block.level + 1)} ${text}`);
        return;
      }
      case 'paragraph':
        parts.push(`${leadIn}${block.text}`);
        leadIn = '';
        return;
      case 'list':
        parts.push(block.items.map((item, n) => (block.ordered ? `${n + 1}. ${item}` : `- ${item}`)).join('\n'));
        return;
      default:
        // The generated documents have no tables, images or attachment blocks.
        return;
    }
  });
  return parts.join('\n\n');
};

const validityText = (revision: DocumentRevision): string => {
  const validity = revision.validity;
  if (validity === null) return '不适用';
  switch (validity.status) {
    case '现行有效':
      return `现行有效${validity.effectiveFrom === null ? '' : `，自 ${validity.effectiveFrom} 起施行`}${
        validity.expiresOn === null ? '' : `，有效期至 ${validity.expiresOn}`
      }`;
    case '失效':
      return `已失效（${validity.expiredOn} 失效）`;
    case '废止':
      return `已废止（${validity.repealedOn} 废止）`;
  }
};

/** Writes a file unless it already holds these bytes, so a second preparation leaves the site untouched. */
const writeIfChanged = (file: string, text: string): void => {
  const bytes = Buffer.from(text, 'utf8');
  try {
    if (readFileSync(file).equals(bytes)) return;
  } catch {
    mkdirSync(dirname(file), { recursive: true });
  }
  writeFileSync(file, bytes);
};

/** Writes <dir>/config.toml, layouts, static assets and one content file per event; returns the number of documents. */
export const writeHugoSite = async (
  dir: string,
  events: AsyncIterable<ContentPublished> | Iterable<ContentPublished>,
): Promise<number> => {
  writeIfChanged(join(dir, 'config.toml'), config);
  writeIfChanged(join(dir, 'layouts', '_default', 'baseof.html'), baseof);
  writeIfChanged(join(dir, 'layouts', '_default', 'single.html'), single);
  writeIfChanged(join(dir, 'layouts', '_default', 'list.html'), list);
  writeIfChanged(join(dir, 'layouts', 'index.html'), home);
  writeIfChanged(join(dir, 'layouts', 'partials', 'doc-item.html'), docItem);
  for (const asset of siteAssets()) {
    const name = asset.path.endsWith('.css') ? 'site.css' : 'display-settings.js';
    writeIfChanged(join(dir, 'static', 'assets', name), asset.body);
  }
  writeIfChanged(join(dir, 'content', 'documents', '_index.md'), '{"title": "最新信息"}\n');
  let documents = 0;
  for await (const event of events) {
    const { revision } = event;
    const front = {
      title: revision.title,
      date: revision.publishedAt,
      publishedAt: revision.publishedAt,
      documentId: revision.documentId,
      revision: revision.revision,
      fingerprint: event.fingerprint,
      kind: revision.kind,
      indexNumber: revision.indexNumber,
      topics: revision.topics,
      organs: revision.issuingOrgans,
      writtenDate: revision.writtenDate ?? '',
      docNumber: revision.docNumber ?? '',
      validity: validityText(revision),
      validityStatus: revision.validity?.status ?? '',
    };
    writeIfChanged(
      join(dir, 'content', 'documents', `${revision.documentId}.md`),
      `${JSON.stringify(front, null, 1)}\n\n${markdownOf(revision.body)}\n`,
    );
    documents += 1;
  }
  return documents;
};
