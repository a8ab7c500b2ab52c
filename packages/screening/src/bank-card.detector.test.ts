import { describe, expect, it } from 'vitest';
import { passesLuhn } from './bank-card.detector.js';
import { screenPrivacy } from './privacy-screen.js';

const screen = (text: string) => screenPrivacy([{ path: 'attachments[0].text', text }], { currentYear: 2025 });

describe('Luhn', () => {
  it('accepts the Visa test number 4111111111111111', () => {
    // By hand, from the right: undoubled eight 1s = 8; doubled seven 1s = 14 and 4 → 8; 8 + 14 + 8 = 30 ≡ 0.
    expect(passesLuhn('4111111111111111')).toBe(true);
  });

  it('accepts the UnionPay test card 6216261000000000018 (19 digits)', () => {
    // By hand, from the right: undoubled 8+1+2+1+6 = 18; doubled 1→2, 6→3, 6→3, 2→4 = 12; 18 + 12 = 30 ≡ 0.
    expect(passesLuhn('6216261000000000018')).toBe(true);
  });

  it('rejects a wrong last digit and non-digits', () => {
    expect(passesLuhn('4111111111111112')).toBe(false);
    expect(passesLuhn('6222021234567890123')).toBe(false);
    expect(passesLuhn('4111 1111 1111 1111')).toBe(false);
  });
});

describe('bank card detection', () => {
  it('finds a 16-digit card and keeps first and last four', () => {
    expect(screen('卡号4111111111111111，')).toMatchObject([
      { rule: 'bank-card', offset: 2, length: 16, masked: '4111********1111' },
    ]);
  });

  it('finds a 19-digit UnionPay card', () => {
    expect(screen('开户账号：6216261000000000018')).toMatchObject([
      { rule: 'bank-card', offset: 5, length: 19, masked: '6216***********0018' },
    ]);
  });

  it('finds a card written in groups of four and keeps the separators', () => {
    expect(screen('卡号 6250 9460 0000 0016。')).toMatchObject([
      { rule: 'bank-card', offset: 3, length: 19, masked: '6250 **** **** 0016' },
    ]);
    expect(screen('卡号6250-9460-0000-0016')).toMatchObject([{ masked: '6250-****-****-0016' }]);
  });

  it('does not report a number that fails Luhn', () => {
    expect(screen('卡号4111111111111112，6222021234567890123')).toEqual([]);
  });

  it('does not report 16 digits inside a 20-digit number, run together or grouped', () => {
    expect(screen('单号41111111111111110000')).toEqual([]);
    expect(screen('单号 4111 1111 1111 1111 0000')).toEqual([]);
  });

  it('reports an 18-digit ID that also passes Luhn once, as an ID', () => {
    // 110105194912310150: 015 in place of 002 adds 1·4 + 5·2 − 2·2 = 10, so 177 mod 11 = 1 → check 0.
    expect(passesLuhn('110105194912310150')).toBe(true);
    expect(screen('证号110105194912310150')).toMatchObject([{ rule: 'resident-id', offset: 2, length: 18 }]);
  });
});
