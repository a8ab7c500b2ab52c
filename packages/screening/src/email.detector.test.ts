import { describe, expect, it } from 'vitest';
import { screenPrivacy } from './privacy-screen.js';

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

  it('does not take text without a domain for an address', () => {
    expect(screen('@某某 发布于 user@localhost')).toEqual([]);
  });
});
