import { readFileSync } from 'node:fs';
import type { DocumentRevision, ImageBlock } from '@tongyuan/contracts';
import Handlebars from 'handlebars';
import { correctionOf, metadataLinesOf, validityBannerOf } from './document-notices.js';
import { h5BodyHtml } from './h5-body.js';
import { shortFingerprint } from './html-text.js';
import { digestOf } from './limits.js';
import type { AccountProfile } from './wechat-article.renderer.js';

// Read and compiled once, at import: rendering touches no file. strict: a missing view field throws, never renders blank.
const handlebars = Handlebars.create();
const compile = (name: string) =>
  handlebars.compile(readFileSync(new URL(`./templates/${name}.hbs`, import.meta.url), 'utf8'), {
    strict: true,
    preventIndent: true,
  });
const pageTemplate = compile('h5-page');
const withdrawnTemplate = compile('h5-withdrawn');
const pageCss = readFileSync(new URL('./h5-page.css', import.meta.url), 'utf8')
  .replace(/\/\*[\s\S]*?\*\//g, '')
  .replace(/\s*\n\s*/g, '');

/** Links and images on the page are http(s) only: a configuration mistake must not become a javascript: link. */
const webUrl = (url: string): string => {
  if (!/^https?:\/\//i.test(url)) throw new Error(`not an http(s) URL: ${url}`);
  return url;
};

const relationLabels = { interprets: '解读的政策文件', interpretedBy: '政策解读' } as const;

export interface H5PageInput {
  revision: DocumentRevision;
  fingerprint: string;
  account: AccountProfile;
  /** the document's page on the portal: 阅读原文, attachments, canonical */
  portalUrl: string;
  /** the account's JSON Feed */
  feedUrl: string;
  /** where each in-article image is served from */
  imageUrl: (image: ImageBlock) => string;
}

/**
 * The H5 reading page (accounts/<accountId>/articles/<documentId>/index.html): the full current revision, its
 * correction note when corrected, the 失效/废止 banner, metadata and provenance. A Content-Security-Policy allows no
 * script at all, on top of every value being escaped.
 */
export function renderH5Page(input: H5PageInput): string {
  const { revision, fingerprint, account } = input;
  webUrl(input.portalUrl);
  webUrl(input.feedUrl);
  if (revision.status === 'withdrawn') return withdrawnPage(input);
  return pageTemplate({
    css: pageCss,
    title: revision.title,
    accountName: account.name,
    digest: digestOf(revision),
    documentId: revision.documentId,
    revision: revision.revision,
    fingerprint,
    fingerprintShort: shortFingerprint(fingerprint),
    portalUrl: input.portalUrl,
    feedUrl: input.feedUrl,
    metadata: [{ label: '索引号', value: revision.indexNumber }, ...metadataLinesOf(revision)],
    banner: validityBannerOf(revision),
    correction: correctionOf(revision),
    bodyHtml: h5BodyHtml(revision, { imageUrl: (image) => webUrl(input.imageUrl(image)), portalUrl: input.portalUrl }),
    attachments: revision.attachments.map((attachment) => ({ title: attachment.title })),
    related: revision.related.map((related) => ({ label: relationLabels[related.relation], title: related.title })),
    organs: revision.issuingOrgans.join('、'),
    indexNumber: revision.indexNumber,
  });
}

/** What stays at the H5 URL of a withdrawn document, so old shares explain themselves; no text, kept out of search. */
const withdrawnPage = (input: H5PageInput): string => {
  const { revision, fingerprint, account } = input;
  const correction = correctionOf(revision);
  return withdrawnTemplate({
    css: pageCss,
    accountName: account.name,
    documentId: revision.documentId,
    revision: revision.revision,
    fingerprint,
    fingerprintShort: shortFingerprint(fingerprint),
    title: revision.title,
    changedAt: correction?.changedAt ?? revision.publishedAt,
    changedAtText: correction?.changedAtText ?? '',
    reason: correction?.reason ?? '',
    metadata: [{ label: '索引号', value: revision.indexNumber }, ...metadataLinesOf(revision)],
    portalUrl: input.portalUrl,
  });
};
