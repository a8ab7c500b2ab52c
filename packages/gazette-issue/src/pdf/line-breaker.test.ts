// Chinese line breaking: between ideographs, never inside a Latin word or number, and by the 禁则 of GB/T 15834.
import { describe, expect, it } from 'vitest';
import { breakLines, type Measure } from './line-breaker.js';

// A monospaced measure: ideographs and full-width marks 1 em, everything else half an em.
const measure: Measure = (_font, text) => [...text].reduce((sum, c) => sum + (/[\u0000-\u00ff]/.test(c) ? 0.5 : 1), 0);
const lineTexts = (text: string, chars: number, firstIndent = 0) =>
  breakLines([{ font: 'song', text }], { size: 10, width: chars * 10, firstIndent: firstIndent * 10, indent: 0, measure }).map(
    (line) => line.pieces.map((p) => p.text).join(''),
  );

describe('breakLines', () => {
  it('fills lines with ideographs and indents the first', () => {
    expect(lineTexts('一二三四五六七八九十', 4)).toEqual(['一二三四', '五六七八', '九十']);
    expect(lineTexts('一二三四五六七八九十', 4, 2)).toEqual(['一二', '三四五六', '七八九十']);
  });

  it('never starts a line with a closing mark nor ends one with an opening mark', () => {
    // "，" would start line 2: it is pulled back with 四 to line 2 instead.
    expect(lineTexts('一二三四，五六七', 4)).toEqual(['一二三', '四，五六', '七']);
    expect(lineTexts('一二三《四五》', 4)).toEqual(['一二三', '《四五》']);
    expect(lineTexts('一二三“四”。', 4)).toEqual(['一二三', '“四”。']);
    for (const text of ['工作要点（2019年）。', '推进“放管服”改革，《条例》第3条。', '甲、乙；丙：丁？戊！己）']) {
      for (let width = 3; width < 10; width++) {
        const lines = lineTexts(text, width);
        expect(lines.join('')).toBe(text);
        for (const line of lines.slice(1)) expect('，。、；：？！）》”').not.toContain(line.charAt(0));
        for (const line of lines.slice(0, -1)) expect('（《“').not.toContain(line.charAt(line.length - 1));
      }
    }
  });

  it('keeps Latin words and numbers whole, breaking at spaces and dropping them at line ends', () => {
    expect(lineTexts('共1.5亿元', 3)).toEqual(['共1.5', '亿元']);
    expect(lineTexts('open government data', 5)).toEqual(['open', 'government', 'data']);
    expect(lineTexts('open government data', 8)).toEqual(['open government', 'data']);
    // A word longer than a line is cut where it overflows rather than overflowing.
    expect(lineTexts('https://www.zg.gov.cn/x', 4)).toEqual(['https://', 'www.zg.g', 'ov.cn/x']);
  });

  it('keeps runs in their fonts on one line, and marks the last line', () => {
    const lines = breakLines(
      [
        { font: 'hei', text: '（一）总则。' },
        { font: 'song', text: '本办法适用于全市。' },
      ],
      { size: 10, width: 100, firstIndent: 20, indent: 0, measure },
    );
    expect(lines[0]!.pieces.map((p) => [p.font, p.text])).toEqual([
      ['hei', '（一）总则。'],
      ['song', '本办'],
    ]);
    expect(lines.map((l) => l.last)).toEqual([false, true]);
    expect(lines[0]!.indent).toBe(20);
    expect(lines[1]!.width).toBe(70);
  });
});
