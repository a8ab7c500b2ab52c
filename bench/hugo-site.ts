// The same documents as a Hugo site: markdown with front matter, and templates equivalent to the portal's page and listing.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ContentPublished } from '@tongyuan/contracts';

const single = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title>
<meta name="tongyuan:document-id" content="{{ .Params.documentId }}"><meta name="tongyuan:fingerprint" content="{{ .Params.fingerprint }}"></head>
<body><header><a href="/">政府信息公开</a></header><main><h1>{{ .Title }}</h1>
<table><tr><th scope="row">索引号</th><td>{{ .Params.indexNumber }}</td></tr><tr><th scope="row">主题分类</th><td>{{ delimit .Params.topics "、" }}</td></tr>
<tr><th scope="row">发文机关</th><td>{{ .Params.organ }}</td></tr><tr><th scope="row">成文日期</th><td>{{ .Params.writtenDate }}</td></tr>
<tr><th scope="row">发文字号</th><td>{{ .Params.docNumber }}</td></tr><tr><th scope="row">发布日期</th><td>{{ .Date.Format "2006-01-02" }}</td></tr></table>
{{ .Content }}</main></body></html>`;
const list = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head><body><main><h1>{{ .Title }}</h1>
<ul>{{ range .Paginator.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "2006-01-02" }}</li>{{ end }}</ul>
{{ template "_internal/pagination.html" . }}</main></body></html>`;

const markdownOf = ({ revision }: ContentPublished): string =>
  revision.body
    .map((block) => {
      switch (block.type) {
        case 'heading':
          return `${'#'.repeat(block.level + 1)} ${block.numbering ?? ''}${block.text}`;
        case 'paragraph':
          return block.text;
        case 'list':
          return block.items.map((item) => `- ${item}`).join('\n');
        default:
          return '';
      }
    })
    .join('\n\n');

/** Writes <dir>/config.toml, layouts and one content file per event. */
export const writeHugoSite = (dir: string, events: ContentPublished[]): void => {
  mkdirSync(join(dir, 'layouts', '_default'), { recursive: true });
  mkdirSync(join(dir, 'content', 'documents'), { recursive: true });
  writeFileSync(
    join(dir, 'config.toml'),
    'baseURL = "http://127.0.0.1:1313/"\nlanguageCode = "zh-CN"\ntitle = "政府信息公开"\npaginate = 20\ndisableKinds = ["taxonomy", "term", "RSS"]\n',
  );
  writeFileSync(join(dir, 'layouts', '_default', 'single.html'), single);
  writeFileSync(join(dir, 'layouts', '_default', 'list.html'), list);
  for (const event of events) {
    const { revision } = event;
    const front = {
      title: revision.title,
      date: revision.publishedAt,
      documentId: revision.documentId,
      fingerprint: event.fingerprint,
      indexNumber: revision.indexNumber,
      topics: revision.topics,
      organ: revision.issuingOrgans[0],
      writtenDate: revision.writtenDate ?? '',
      docNumber: revision.docNumber ?? '',
    };
    writeFileSync(
      join(dir, 'content', 'documents', `${revision.documentId}.md`),
      `${JSON.stringify(front, null, 1)}\n\n${markdownOf(event)}\n`,
    );
  }
};
