import { describe, expect, it } from 'vitest';
import { comparable, firstDifference, readPage } from './visible-text.js';

describe('reading a page back', () => {
  it('takes the meta tags and only the text of the marked elements, scripts and styles left out', () => {
    const page = readPage(`<!doctype html><html><head><meta name="tongyuan:fingerprint" content="sha256:ab">
<meta name="description" content="x"><style>h1{}</style></head><body><nav>首页</nav>
<h1 data-tongyuan-text>关于<em>政务</em>公开</h1><div data-tongyuan-text><p>第一段&amp;</p><script>alert(1)</script>
<table><tr><td>甲<br>乙</td></tr></table><p data-tongyuan-text>嵌套只算一次</p></div><footer>版权</footer></body></html>`);
    expect(page.meta).toEqual({ 'tongyuan:fingerprint': 'sha256:ab' });
    expect(comparable(page.text ?? '')).toBe('关于政务公开第一段&甲乙嵌套只算一次');
  });

  it('says when a page marks no text at all', () => {
    expect(readPage('<p>正文</p>').text).toBeNull();
  });

  it('names the first differing character with context from both sides', () => {
    expect(firstDifference('一二三四五', '一二三四五')).toBeNull();
    expect(firstDifference('政务公开工作要点', '政务公示工作要点', 3)).toBe(
      '第 4 个字符起不同：源文 “政务公【开工作】” ，渠道 “政务公【示工作】”',
    );
    expect(firstDifference('一二三四五六', '一二三四五七', 2)).toBe('第 6 个字符起不同：源文 “…四五【六】” ，渠道 “…四五【七】”');
    expect(firstDifference('全文', '全文多出')).toBe('第 3 个字符起不同：源文 “全文【（结束）】” ，渠道 “全文【多出】”');
    // Astral characters count as one: positions match what a reader sees.
    expect(firstDifference('𠀀甲', '𠀀乙')).toContain('第 2 个字符');
  });
});
