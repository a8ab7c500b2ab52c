import { describe, expect, it } from 'vitest';
import { authorOf, characterCount, digestOf, limitViolations, titleOf, wechatLimits } from './limits.js';
import { corpusRevisions } from './newmedia-article.fixture.js';

const organs = ['宁波市海曙区人民政府办公室'];

describe('titleOf: WeChat titles ≤ 32 characters', () => {
  it('uses the editor’s short title when there is one', () => {
    expect(titleOf({ title: '很长的正式标题'.repeat(8), shortTitle: '海曙区2019年政务公开要点', issuingOrgans: organs })).toBe(
      '海曙区2019年政务公开要点',
    );
  });

  it('keeps a title that fits as it is', () => {
    expect(titleOf({ title: '2024年政务公开工作要点', issuingOrgans: ['莱阳市人民政府办公室'] })).toBe('2024年政务公开工作要点');
  });

  it('turns a transmittal notice 「…关于印发X的通知」 into X', () => {
    const title = '宁波市海曙区人民政府办公室关于印发2019年宁波市海曙区政务公开工作要点的通知';
    expect(characterCount(title)).toBeGreaterThan(32);
    expect(titleOf({ title, issuingOrgans: organs })).toBe('2019年宁波市海曙区政务公开工作要点');
    expect(
      titleOf({ title: '自贡市人民政府关于印发《自贡市政务公开规定（试行）和配套实施细则汇编》的通知', issuingOrgans: [] }),
    ).toBe('自贡市政务公开规定（试行）和配套实施细则汇编');
  });

  it('drops the issuing organ at the start, then 《》, then cuts with an ellipsis at a character boundary', () => {
    expect(
      titleOf({
        title: '宁波市海曙区人民政府办公室关于进一步做好全区政府信息公开申请办理工作有关事项的意见',
        issuingOrgans: organs,
      }),
    ).toBe('关于进一步做好全区政府信息公开申请办理工作有关事项的意见');
    const subject = `${'政务公开'.repeat(6)}工作规`;
    expect(titleOf({ title: `关于《${subject}》的意见`, issuingOrgans: organs })).toBe(`关于${subject}的意见`);
    const cut = titleOf({ title: `关于${'😀政务公开'.repeat(10)}的通知`, issuingOrgans: organs });
    expect(characterCount(cut)).toBe(32);
    expect(cut.endsWith('…')).toBe(true);
    // A surrogate pair is one character and is never split.
    expect(cut).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
  });

  it('gives every corpus document a title within the limit', () => {
    for (const revision of corpusRevisions()) expect(characterCount(titleOf(revision))).toBeLessThanOrEqual(wechatLimits.title);
  });
});

describe('authorOf', () => {
  it('is the account’s author, cut to 16 characters without an ellipsis; the account name when blank', () => {
    expect(authorOf({ name: '自贡发布', author: '自贡市人民政府办公室' })).toBe('自贡市人民政府办公室');
    expect(authorOf({ name: '自贡发布', author: '四川省自贡市人民政府办公室政务公开科信息发布组' })).toBe(
      '四川省自贡市人民政府办公室政务公',
    );
    expect(authorOf({ name: '自贡发布', author: '  ' })).toBe('自贡发布');
  });
});

describe('digestOf: ≤ 128 characters from the body', () => {
  const paragraph = (text: string, align?: 'end') => ({ type: 'paragraph' as const, text, ...(align ? { align } : {}) });

  it('skips the 主送机关 line and the 落款, and cuts after the last sentence that fits', () => {
    const sentence = '现将有关事项通知如下，请认真贯彻落实。';
    const digest = digestOf({
      title: '标题',
      body: [
        paragraph('各区县人民政府，市政府各部门：'),
        paragraph(sentence.repeat(10)),
        paragraph('自贡市人民政府办公室', 'end'),
      ],
    });
    expect(digest.startsWith('现将有关事项')).toBe(true);
    expect(characterCount(digest)).toBeLessThanOrEqual(128);
    expect(digest.endsWith('。')).toBe(true);
    expect(digest).toBe(sentence.repeat(Math.floor(128 / characterCount(sentence))));
  });

  it('joins short paragraphs, collapses white space, and cuts with an ellipsis when no sentence ends in time', () => {
    expect(digestOf({ title: 't', body: [paragraph('第一段。'), paragraph('第二段  文字。')] })).toBe('第一段。第二段 文字。');
    const run = digestOf({ title: 't', body: [paragraph('无句号的长文字'.repeat(30))] });
    expect(characterCount(run)).toBe(128);
    expect(run.endsWith('…')).toBe(true);
  });

  it('falls back to the title when the body has no paragraph', () => {
    expect(
      digestOf({ title: '2024年政务公开工作要点', body: [{ type: 'heading', level: 1, numbering: '一、', text: '总体要求' }] }),
    ).toBe('2024年政务公开工作要点');
  });
});

describe('limitViolations', () => {
  it('names each field over its limit; content limits are exclusive, as WeChat states them', () => {
    const ok = { title: '标题', author: '作者', digest: '摘要', content: '<p>x</p>' };
    expect(limitViolations(ok)).toEqual([]);
    expect(limitViolations({ ...ok, title: '字'.repeat(33), content: 'x'.repeat(20_000) }).map((v) => v.field)).toEqual([
      'title',
      'content',
    ]);
    expect(limitViolations({ ...ok, content: 'x'.repeat(19_999) })).toEqual([]);
  });
});
