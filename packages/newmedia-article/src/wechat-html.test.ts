import { describe, expect, it } from 'vitest';
import { blockPieces, headHtml } from './article-blocks.js';
import { attr, corpusRevisions, fragmentElements, richRevision, textOf } from './newmedia-article.fixture.js';
import { inlineArticleStyles, juiceArticle, sanitizeForWechat, wechatHtml, wechatStyle } from './wechat-html.js';

const policy = {
  imageSources: new Set(['https://mmbiz.qpic.cn/mmbiz_png/ok/0']),
  linkOrigins: new Set(['https://www.zg.gov.cn', 'https://mp.weixin.qq.com']),
};

describe('wechatHtml: the gate before WeChat', () => {
  it('keeps WeChat’s tags, styled from article.css alone; drops script, style, link, id, event handlers and any style attribute', () => {
    const html = wechatHtml(
      '<style>p{color:red}</style><link rel="stylesheet" href="https://evil.example/x.css"><script>alert(1)</script>' +
        '<section id="b"><p class="p" id="c" onclick="alert(1)" style="position:fixed;background:url(https://evil.example/t.gif)">正文</p></section>',
      policy,
    );
    expect(html).toBe('<section><p style="margin:0 0 16px 0;text-indent:2em;text-align:justify">正文</p></section>');
  });

  it('keeps only uploaded images and links to the portal or WeChat articles; other links become text', () => {
    const html = sanitizeForWechat(
      '<img src="https://mmbiz.qpic.cn/mmbiz_png/ok/0" alt="图"><img src="https://evil.example/x.png" alt="外链">' +
        '<img src="x" onerror="alert(1)"><a href="https://www.zg.gov.cn/site/a.html">原文</a>' +
        '<a href="https://mp.weixin.qq.com/s/abc">前文</a><a href="https://evil.example/">别处</a><a href="javascript:alert(1)">脚本</a>',
      policy,
    );
    expect(html).toBe(
      '<img src="https://mmbiz.qpic.cn/mmbiz_png/ok/0" alt="图" />' +
        '<a href="https://www.zg.gov.cn/site/a.html">原文</a><a href="https://mp.weixin.qq.com/s/abc">前文</a><span>别处</span><span>脚本</span>',
    );
  });

  it('refuses a class article.css does not define, so no class can reach WeChat', () => {
    expect(() => wechatHtml('<p class="p evil">x</p>', policy)).toThrow(/no class "p evil"/);
    expect(() => wechatHtml('<p class="unknown">x</p>', policy)).toThrow(/no class "unknown"/);
  });
});

describe('wechatStyle: what article.css may put in a style attribute', () => {
  it('compacts listed properties with plain values', () => {
    expect(wechatStyle('font-size: 16px; line-height: 1.8; border-left: 4px solid #b0281a;')).toBe(
      'font-size:16px;line-height:1.8;border-left:4px solid #b0281a',
    );
  });

  it('refuses unknown properties and any value that could load or run something', () => {
    expect(() => wechatStyle('position: fixed')).toThrow(/position: fixed/);
    expect(() => wechatStyle('background-color: url(https://evil.example/t.gif)')).toThrow();
    expect(() => wechatStyle('width: expression(alert(1))')).toThrow();
    expect(() => wechatStyle('color: "red"')).toThrow();
    expect(() => wechatStyle('color: \\72 ed')).toThrow();
  });
});

/** Each element as tag, style and text: the same whatever order or quoting the attributes were written in. */
const elementsWithStyles = (html: string, style: (value: string) => string = (value) => value) =>
  fragmentElements(html).map(
    (element) => `${element.tagName} ${style(attr(element, 'style') ?? '')} ${textOf(element).slice(0, 20)}`,
  );

describe('inlineArticleStyles', () => {
  it('writes the package’s author CSS onto each element by class, and leaves no class or <style> behind', () => {
    const html = inlineArticleStyles('<p class="p">段落</p><p class="h1">一、标题</p>');
    expect(html).toContain('<p style="margin:0 0 16px 0;text-indent:2em;text-align:justify">段落</p>');
    expect(html).toContain('font-size:18px');
    expect(html).not.toMatch(/class=|<style/);
  });

  it('gives exactly what juice gives for whole articles (juice runs once per class, not per article)', () => {
    for (const revision of [...corpusRevisions(), richRevision()]) {
      const html = `<section class="article">${headHtml(revision, true)}<section class="body">${blockPieces(
        revision,
        () => 'https://mmbiz.qpic.cn/x/0',
      )
        .map((piece) => piece.html)
        .join('')}</section></section>`;
      // juice writes "a: b; c: d;", the table the same declarations compacted.
      expect(elementsWithStyles(inlineArticleStyles(html))).toEqual(elementsWithStyles(juiceArticle(html), wechatStyle));
    }
  });

  it('refuses a class article.css does not define', () => {
    expect(() => inlineArticleStyles('<p class="unknown">x</p>')).toThrow(/no class "unknown"/);
  });
});
