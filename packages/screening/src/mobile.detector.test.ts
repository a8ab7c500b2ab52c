import { describe, expect, it } from 'vitest';
import { screenPrivacy } from './privacy-screen.js';

const screen = (text: string) => screenPrivacy([{ path: 'body[1].text', text }]);

describe('mobile number detection', () => {
  it('finds an 11-digit mobile between Chinese characters', () => {
    expect(screen('联系电话13800138000。')).toMatchObject([
      { rule: 'mobile', offset: 4, length: 11, masked: '138****8000', excerpt: '138****8000' },
    ]);
  });

  it.each([
    ['+86 138 0013 8000', '+86 138 **** 8000'],
    ['+86-138-0013-8000', '+86-138-****-8000'],
    ['+8613800138000', '+86138****8000'],
    ['0086 13800138000', '0086 138****8000'],
    ['86 138 0013 8000', '86 138 **** 8000'],
    ['138 0013 8000', '138 **** 8000'],
    ['１３８００１３８０００', '１３８＊＊＊＊８０００'],
  ])('finds %s and masks it as %s', (written, masked) => {
    const text = `请联系：${written}（工作日）`;
    expect(screen(text)).toMatchObject([{ rule: 'mobile', offset: 4, length: written.length, masked }]);
  });

  it('leaves landlines, service numbers and numbers that cannot be mobiles alone', () => {
    expect(screen('咨询电话010-12345678，服务热线12345，号码12800138000。')).toEqual([]);
  });

  it('does not report eleven digits inside a longer run or grouped number', () => {
    expect(screen('流水号213800138000')).toEqual([]);
    expect(screen('流水号138001380001')).toEqual([]);
    expect(screen('编码 138 0013 8000 1234')).toEqual([]);
  });

  it('finds two mobiles separated by a space', () => {
    expect(screen('13800138000 13900139000').map((f) => f.offset)).toEqual([0, 12]);
  });
});
