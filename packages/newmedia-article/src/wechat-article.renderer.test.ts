import { type DocumentRevision, revisionText, sourceFingerprint } from '@tongyuan/contracts';
import { describe, expect, it } from 'vitest';
import { limitViolations, titleOf, wechatLimits } from './limits.js';
import {
  account,
  attr,
  auditedText,
  corpusRevisions,
  correctedRichRevision,
  type Element,
  elementsOf,
  fragmentElements,
  HOSTILE,
  longRevision,
  pageRoot,
  portalUrl,
  released,
  repealedRevision,
  richRevision,
  textOf,
  uploadedUrls,
  withdrawnRevision,
} from './newmedia-article.fixture.js';
import { renderArticle, renderCorrectionNotice, SUMMARY_BUDGET, type WechatArticleDraft } from './wechat-article.renderer.js';
import { wechatTags } from './wechat-html.js';

const render = (revision: DocumentRevision, imageUrls = uploadedUrls(revision)): WechatArticleDraft =>
  renderArticle({ revision, fingerprint: sourceFingerprint(revision), account, portalUrl: portalUrl(revision), imageUrls });

const styleOf = (element: Element): string => attr(element, 'style') ?? '';
const byText = (elements: Element[], text: string): Element => {
  const found = elements.find((e) => e.childNodes.some((c) => c.nodeName === '#text' && 'value' in c && c.value.includes(text)));
  if (found === undefined) throw new Error(`no element with text ${text}`);
  return found;
};
const withoutSpace = (text: string): string => text.replace(/\s+/g, '');

/** What WeChat's editor would drop or refuse, found by walking the parsed tree. */
const forbiddenIn = (content: string, imageUrls: ReadonlyMap<string, string>, allowedLinkPrefixes: string[]): string[] => {
  const problems: string[] = [];
  const allowedImages = new Set(imageUrls.values());
  for (const element of fragmentElements(content)) {
    if (!(wechatTags as readonly string[]).includes(element.tagName)) problems.push(`<${element.tagName}>`);
    for (const { name, value } of element.attrs) {
      if (name === 'class' || name === 'id' || name.startsWith('on')) problems.push(`${element.tagName}[${name}]`);
      if (name === 'style' && /url\(|expression|javascript/i.test(value)) problems.push(`unsafe style ${value}`);
    }
    if (element.tagName === 'img' && !allowedImages.has(attr(element, 'src') ?? ''))
      problems.push(`img src ${attr(element, 'src')}`);
    if (element.tagName === 'a' && !allowedLinkPrefixes.some((prefix) => (attr(element, 'href') ?? '').startsWith(prefix))) {
      problems.push(`a href ${attr(element, 'href')}`);
    }
  }
  return problems;
};

describe('renderArticle: every corpus document', () => {
  for (const revision of [...corpusRevisions(), richRevision()]) {
    it(`${revision.title.slice(0, 24)}… renders within every WeChat limit with only the tags and attributes WeChat keeps`, () => {
      const imageUrls = uploadedUrls(revision);
      const draft = render(revision, imageUrls);
      expect(limitViolations(draft)).toEqual([]);
      expect(Array.from(draft.title).length).toBeLessThanOrEqual(wechatLimits.title);
      expect(draft.content.length).toBeLessThan(wechatLimits.contentChars);
      expect(Buffer.byteLength(draft.content)).toBeLessThan(wechatLimits.contentBytes);
      expect(forbiddenIn(draft.content, imageUrls, ['https://www.zg.gov.cn/'])).toEqual([]);
      expect(draft.content).not.toMatch(/<style|<script|<link|class=|\sid=/i);
      expect(draft.form).toBe('full');
      expect(draft.contentSourceUrl).toBe(portalUrl(revision));
    });

    it(`${revision.title.slice(0, 24)}… carries the whole text of the revision, marked for the same-source audit`, () => {
      const draft = render(revision);
      const root = pageRoot(draft.content);
      expect(auditedText(root)).toBe(withoutSpace(revisionText(revision)));
      // The official title is in the body even when WeChat's title is shortened.
      expect(textOf(root)).toContain(revision.title);
    });
  }
});

describe('renderArticle: the article a reader sees', () => {
  const revision = richRevision();
  const draft = render(revision);
  const elements = fragmentElements(draft.content);

  it('opens with the full official title, the issuing organ, the 发文字号 and the dates', () => {
    const text = textOf(pageRoot(draft.content));
    expect(text.indexOf(revision.title)).toBeLessThan(text.indexOf('发文机关：自贡市人民政府办公室'));
    expect(text).toContain('发文字号：自府办函〔2022〕21号');
    expect(text).toContain('发布日期：2022-04-29');
    expect(Array.from(draft.title).length).toBeLessThanOrEqual(32);
  });

  it('sets body text for a phone: 16px, line height 1.8, paragraphs indented 2em with space between', () => {
    expect(styleOf(elements[0]!)).toContain('font-size:16px');
    expect(styleOf(elements[0]!)).toContain('line-height:1.8');
    const paragraph = byText(elements, '现将有关事项通知如下');
    expect(styleOf(paragraph)).toContain('text-indent:2em');
    expect(styleOf(paragraph)).toContain('margin:0 0 16px 0');
    expect(styleOf(byText(elements, '2022年4月28日'))).toContain('text-align:right');
  });

  it('styles the heading levels 一、 （一） 1. （1） each its own way, and a run-in heading as bold lead-in', () => {
    const styles = ['一、总体要求', '（二）重点任务', '1.深化重点领域信息公开', '（1）链接测试'].map((text) =>
      styleOf(byText(elements, text)),
    );
    expect(new Set(styles).size).toBe(4);
    expect(styles[0]).toContain('font-size:18px');
    for (const style of styles) expect(style).toContain('font-weight:bold');
    const leadIn = byText(elements, '（一）坚持以人民为中心。');
    expect(leadIn.tagName).toBe('span');
    expect(styleOf(leadIn)).toContain('font-weight:bold');
  });

  it('puts tables in a box that scrolls sideways, wide tables with a minimum width, merged cells spanning', () => {
    const tables = elements.filter((e) => e.tagName === 'table');
    expect(tables).toHaveLength(2);
    for (const table of tables) expect(styleOf(table.parentNode as Element)).toContain('overflow-x:auto');
    expect(styleOf(tables[0]!)).toContain('min-width:640px');
    expect(styleOf(tables[1]!)).toContain('width:100%');
    const headerCells = elementsOf(tables[0]!).filter((e) => e.tagName === 'th');
    expect(headerCells.map((th) => [textOf(th), attr(th, 'rowspan'), attr(th, 'colspan')])).toEqual([
      ['序号', '2', null],
      ['任务', '2', null],
      ['责任单位', null, '2'],
      ['牵头单位', null, null],
      ['配合单位', null, null],
    ]);
  });

  it('shows images only from the uploaded URLs, with their alt text and caption', () => {
    const images = elements.filter((e) => e.tagName === 'img');
    expect(images.map((img) => attr(img, 'src'))).toEqual([...uploadedUrls(revision).values()]);
    expect(attr(images[0]!, 'alt')).toBe(revision.body.find((b) => b.type === 'image')!.alt);
    expect(styleOf(images[0]!)).toContain('max-width:100%');
  });

  it('links 阅读原文 to the portal page and ends with the source, revision and short fingerprint', () => {
    const links = elements.filter((e) => e.tagName === 'a');
    expect(links.map((a) => attr(a, 'href'))).toEqual([portalUrl(revision)]);
    const footer = textOf(elements.at(-1)!);
    expect(footer).toContain(`文档 ${revision.documentId}`);
    expect(footer).toContain('修订号 1');
    expect(footer).toContain(`指纹 ${sourceFingerprint(revision).slice('sha256:'.length, 'sha256:'.length + 12)}`);
  });

  it('renders hostile text inert: no script, no event handler, no javascript: link — the text shows as typed', () => {
    expect(elements.filter((e) => e.tagName === 'script')).toEqual([]);
    expect(elements.flatMap((e) => e.attrs.filter((a) => a.name.startsWith('on')))).toEqual([]);
    expect(elements.filter((e) => e.tagName === 'img' && attr(e, 'src') === 'x')).toEqual([]);
    expect(draft.content).not.toContain('href="javascript');
    const text = textOf(pageRoot(draft.content));
    expect(text).toContain(HOSTILE.script);
    expect(text).toContain(HOSTILE.breakout);
    expect(text).toContain(HOSTILE.link);
  });

  it('lists the attachments and the related 政策解读 after the text, pointing to the portal for downloads', () => {
    const text = textOf(pageRoot(draft.content));
    expect(text).toContain(`附件（请点击“阅读原文”到政府网站下载）${revision.attachments[0]!.title}`);
    expect(text).toContain(`相关文件政策解读：《${revision.related[0]!.title}》`);
    expect(text.indexOf('相关文件')).toBeGreaterThan(text.indexOf('2022年4月28日'));
  });

  it('is the same bytes every time', () => {
    expect(render(revision).content).toBe(draft.content);
  });

  it('refuses a withdrawn revision: WeChat’s article is deleted, not replaced', () => {
    expect(() => render(withdrawnRevision())).toThrow(/withdraws it: delete the article/);
  });

  it('refuses to render when an image has not been uploaded', () => {
    expect(() => render(revision, new Map())).toThrow(/no uploaded URL for image images\/2022\/zigong-forum\.jpg/);
  });

  it('refuses a portal URL that is not http(s), rather than link it', () => {
    expect(() =>
      renderArticle({
        revision,
        fingerprint: sourceFingerprint(revision),
        account,
        portalUrl: 'javascript:alert(1)//x',
        imageUrls: uploadedUrls(revision),
      }),
    ).toThrow(/not an http\(s\) URL/);
  });

  it('shows a 废止 banner on a repealed document, and the change note', () => {
    const repealed = repealedRevision();
    const text = textOf(pageRoot(render(repealed).content));
    expect(text).toContain('本文件已废止');
    expect(text).toContain('废止日期：2023-06-20');
    expect(text).toContain('有效性变更说明');
    expect(text).toContain('原因：已被新文件替代');
  });
});

describe('renderArticle: a 60 KB document', () => {
  const revision = longRevision();
  const draft = render(revision, new Map());
  const text = textOf(pageRoot(draft.content));

  it('is over WeChat’s limit in full, so it goes out as a summary within the 18,000-character budget', () => {
    expect(Buffer.byteLength(JSON.stringify(revision.body))).toBeGreaterThanOrEqual(60_000);
    expect(draft.form).toBe('summary');
    expect(draft.content.length).toBeLessThanOrEqual(SUMMARY_BUDGET);
    expect(limitViolations(draft)).toEqual([]);
    expect(forbiddenIn(draft.content, new Map(), [portalUrl(revision)])).toEqual([]);
  });

  it('keeps the head, the first blocks whole, a 目录 of the headings, and a prominent link to the full text', () => {
    expect(text).toContain(revision.title);
    expect(text).toContain('以下为正文前部和目录');
    const first = revision.body.find((b) => b.type === 'paragraph')!;
    expect(text).toContain(first.type === 'paragraph' ? first.text : '');
    expect(fragmentElements(draft.content).filter((e) => textOf(e) === '目录')).toHaveLength(1);
    const firstHeading = revision.body.find((b) => b.type === 'heading' && b.level === 1 && b.runIn !== true);
    if (firstHeading?.type === 'heading') expect(text).toContain(`${firstHeading.numbering}${firstHeading.text}`);
    const links = fragmentElements(draft.content).filter((e) => e.tagName === 'a');
    expect(links.length).toBeGreaterThanOrEqual(2);
    for (const link of links) expect(attr(link, 'href')).toBe(portalUrl(revision));
  });

  it('keeps markup-like words typed in the text as text, in the summary too', () => {
    const typed = '说明： data-tongyuan-text 与 class="p" 以及 <p class="h1"> 都是文字';
    const first = revision.body.findIndex((block) => block.type === 'paragraph');
    const withTyped = released({
      ...revision,
      body: revision.body.map((block, i) => (i === first && block.type === 'paragraph' ? { ...block, text: typed } : block)),
    });
    const summary = render(withTyped, new Map());
    expect(summary.form).toBe('summary');
    expect(textOf(pageRoot(summary.content))).toContain(typed);
    expect(fragmentElements(summary.content).flatMap((e) => e.attrs.map((a) => a.name))).not.toContain('data-tongyuan-text');
    const short = released({ ...richRevision(), body: [{ type: 'paragraph', text: typed }] });
    expect(textOf(pageRoot(render(short).content))).toContain(typed);
  });

  it('says 目录 only when there are headings to list', () => {
    const flat = released({ ...revision, body: revision.body.filter((block) => block.type !== 'heading') });
    const summary = render(flat, new Map());
    expect(summary.form).toBe('summary');
    expect(textOf(pageRoot(summary.content)).includes('以下为正文前部。')).toBe(true);
    expect(fragmentElements(summary.content).filter((e) => textOf(e) === '目录')).toEqual([]);
    expect(fragmentElements(render(revision, new Map()).content).filter((e) => textOf(e) === '目录')).toHaveLength(1);
  });

  it('is cut at a block boundary, and marks nothing for the audit since it is not the full text', () => {
    // The body section holds whole blocks: the first k visible lines of the revision, nothing cut inside one.
    const root = fragmentElements(draft.content)[0]!;
    const body = root.childNodes.filter((node): node is Element => 'tagName' in node)[2]!;
    const shown = body.childNodes.filter((node): node is Element => 'tagName' in node).map((e) => withoutSpace(textOf(e)));
    const lines = revisionText(revision).split('\n').slice(1).map(withoutSpace);
    expect(shown.length).toBeGreaterThan(3);
    expect(shown.length).toBeLessThan(lines.length);
    expect(shown).toEqual(lines.slice(0, shown.length));
    expect(draft.content).not.toContain('data-tongyuan-text');
  });
});

describe('renderCorrectionNotice', () => {
  const revision = correctedRichRevision();
  const originalUrl = 'https://mp.weixin.qq.com/s/Ab3dEfGh';
  const draft = renderCorrectionNotice({
    revision,
    fingerprint: sourceFingerprint(revision),
    account,
    portalUrl: portalUrl(revision),
    original: { title: '自贡市2022年政务公开重点工作任务分工方案', url: originalUrl, revision: 1 },
  });
  const text = textOf(pageRoot(draft.content));

  it('is titled 【更正】 and stays within every limit, with only WeChat tags', () => {
    expect(draft.form).toBe('correction-notice');
    expect(draft.title.startsWith('【更正】')).toBe(true);
    expect(limitViolations(draft)).toEqual([]);
    expect(forbiddenIn(draft.content, new Map(), [portalUrl(revision), originalUrl])).toEqual([]);
    expect(draft.digest).toBe('更正说明：第一段文字有误');
  });

  it('names and links the original article, says when, why and what changed, then gives the corrected text', () => {
    expect(text).toContain(
      '本号此前发布的《自贡市2022年政务公开重点工作任务分工方案》（第 1 版）已于 2022-05-06 10:00 更正，现为第 2 版',
    );
    expect(text).toContain('原因：第一段文字有误');
    expect(text).toContain(`删除多余字符 ${HOSTILE.script}`);
    const hrefs = fragmentElements(draft.content).flatMap((e) => (e.tagName === 'a' ? [attr(e, 'href')] : []));
    expect(hrefs).toContain(originalUrl);
    expect(hrefs).toContain(portalUrl(revision));
    expect(text).toContain('现将更正后的事项通知如下');
    expect(text.indexOf('更正后的文本如下')).toBeLessThan(text.indexOf('现将更正后的事项通知如下'));
    // Images were not uploaded for the notice: their captions still show, no image goes out.
    expect(text).toContain('图为2022年政务公开工作推进会现场');
    expect(fragmentElements(draft.content).filter((e) => e.tagName === 'img')).toEqual([]);
  });

  it('escapes a hostile original title and links nothing but WeChat articles and the portal', () => {
    const hostile = renderCorrectionNotice({
      revision,
      fingerprint: sourceFingerprint(revision),
      account,
      portalUrl: portalUrl(revision),
      original: { title: HOSTILE.breakout, url: HOSTILE.link, revision: 1 },
    });
    const elements = fragmentElements(hostile.content);
    expect(elements.filter((e) => e.tagName === 'img')).toEqual([]);
    expect(elements.flatMap((e) => (e.tagName === 'a' ? [attr(e, 'href')] : []))).toEqual([portalUrl(revision)]);
    expect(textOf(pageRoot(hostile.content))).toContain(`《${HOSTILE.breakout}》`);
  });

  it('corrects a long document with a summary of the corrected text, within every limit', () => {
    const long = longRevision();
    const corrected = released({
      ...long,
      revision: 2,
      correction: {
        kind: 'correction',
        reason: '附表数据有误',
        changes: ['更正附表'],
        previousRevision: 1,
        previousFingerprint: sourceFingerprint(long),
        changedAt: '2019-02-01T09:00:00+00:00',
      },
    });
    const notice = renderCorrectionNotice({
      revision: corrected,
      fingerprint: sourceFingerprint(corrected),
      account,
      portalUrl: portalUrl(corrected),
      original: { title: titleOf(long), url: null, revision: 1 },
    });
    expect(notice.form).toBe('correction-notice');
    expect(limitViolations(notice)).toEqual([]);
    expect(notice.content.length).toBeLessThanOrEqual(SUMMARY_BUDGET);
    const text = textOf(pageRoot(notice.content));
    expect(text).toContain('原因：附表数据有误');
    expect(text).toContain('以下为正文前部和目录');
  });

  it('refuses a revision that corrects nothing', () => {
    const first = richRevision();
    expect(() =>
      renderCorrectionNotice({
        revision: first,
        fingerprint: sourceFingerprint(first),
        account,
        portalUrl: portalUrl(first),
        original: { title: 'x', url: null, revision: 1 },
      }),
    ).toThrow(/corrects nothing/);
  });
});
