import { describe, expect, it } from 'vitest';
import { maskFindings, screenPrivacy } from './privacy-screen.js';

const screen = (text: string) => screenPrivacy([{ path: 'title', text }]);

describe('e-mail detection', () => {
  it('finds an address between Chinese characters and stops before the full stop', () => {
    const text = '请发送至zhang.san@example.com。';
    expect(screen(text)).toMatchObject([
      { rule: 'email', offset: 4, length: 21, masked: 'z***@example.com', excerpt: 'z***@example.com' },
    ]);
  });

  it('stops before an ASCII full stop and handles multi-label domains', () => {
    expect(screen('Mail li-si+gk@xxzx.sz.gov.cn.')).toMatchObject([{ offset: 5, length: 23, masked: 'l***@xxzx.sz.gov.cn' }]);
  });

  it('finds an address written with a full-width at sign', () => {
    expect(screen('邮箱：wang＠qq.com')).toMatchObject([{ offset: 3, length: 11, masked: 'w***＠qq.com' }]);
  });

  it('reports a mobile used as the local part once, as the address', () => {
    expect(screen('13800138000@163.com')).toMatchObject([{ rule: 'email', offset: 0, masked: '1***@163.com' }]);
  });

  it('hides digits of a domain that could carry a mobile', () => {
    expect(screen('a@13800138000.cn')).toMatchObject([{ rule: 'email', masked: 'a***@***********.cn' }]);
  });

  it('finds an address run into digits, and the next address apart from it (the property test counterexample of 20:38)', () => {
    // Once, the first address went unseen (digits after ".com") and became the local part of the second: masked, the
    // first stood bare in the text.
    const id = '11010519491231002X';
    const text = `zhang.san@example.com${id}${id}${id}zhang.san@example.com`;
    const found = screen(text);
    expect(found.map((f) => [f.offset, f.masked])).toEqual([
      [0, 'z***@example.com'],
      [21, '1***@example.com'],
    ]);
    const masked = maskFindings([{ path: 'title', text }], found);
    expect(screenPrivacy(masked)).toEqual([]);
    expect(screen('电话zhang@example.com13800138000')).toMatchObject([
      { rule: 'email', offset: 2, length: 17 },
      { rule: 'mobile', offset: 19, length: 11 },
    ]);
  });

  it('does not take text without a domain for an address', () => {
    expect(screen('@某某 发布于 user@localhost')).toEqual([]);
  });
});
