import { describe, expect, it } from 'vitest';
import { screenPrivacy } from './privacy-screen.js';
import { isResidentIdNumber, residentIdCheckChar } from './resident-id.detector.js';

const screen = (text: string) => screenPrivacy([{ path: 'body[0].text', text }], { currentYear: 2025 });

describe('resident ID check character (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('gives X for the standard example 11010519491231002X', () => {
    // By hand: 1·7+1·9+0·10+1·5+0·8+5·4+1·2+9·1+4·6+9·3+1·7+2·9+3·10+1·5+0·8+0·4+2·2 = 167; 167 mod 11 = 2 → X.
    expect(residentIdCheckChar('11010519491231002')).toBe('X');
  });

  it('gives 4 for the standard example 440524188001010014', () => {
    // By hand: 4·7+4·9+0·10+5·5+2·8+4·4+1·2+8·1+8·6+0·3+0·7+1·9+0·10+1·5+0·8+0·4+1·2 = 195; 195 mod 11 = 8 → 4.
    expect(residentIdCheckChar('44052418800101001')).toBe('4');
  });

  it('gives 1 when the sequence of the first example is 001', () => {
    // Only the 17th digit changes (2 → 1, weight 2): 167 − 2 = 165; 165 mod 11 = 0 → 1.
    expect(residentIdCheckChar('11010519491231001')).toBe('1');
  });
});

describe('isResidentIdNumber', () => {
  it('accepts valid 18-character numbers, x in either case', () => {
    expect(isResidentIdNumber('11010519491231002X', 2025)).toBe(true);
    expect(isResidentIdNumber('11010519491231002x', 2025)).toBe(true);
    expect(isResidentIdNumber('110105194912310011', 2025)).toBe(true);
  });

  it('rejects an 18-digit number whose check digit is wrong', () => {
    expect(isResidentIdNumber('110105194912310029', 2025)).toBe(false);
    expect(isResidentIdNumber('110105194912310012', 2025)).toBe(false);
  });

  it('rejects the 1880 example of the standard: right check digit, birth year before 1900', () => {
    expect(isResidentIdNumber('440524188001010014', 2025)).toBe(false);
  });

  it('rejects impossible dates and regions even with a right check character', () => {
    // 2001-02-29 does not exist; region 9 is not a mainland region.
    expect(residentIdCheckChar('51010720010229002')).toBe('6');
    expect(isResidentIdNumber('510107200102290026', 2025)).toBe(false);
    expect(isResidentIdNumber('510107200002290029', 2025)).toBe(true);
    expect(residentIdCheckChar('91010519491231001')).toBe('0');
    expect(isResidentIdNumber('910105194912310010', 2025)).toBe(false);
  });

  it('rejects a birth year after the current year', () => {
    expect(residentIdCheckChar('11010520300101001')).toBe('X');
    expect(isResidentIdNumber('11010520300101001X', 2025)).toBe(false);
    expect(isResidentIdNumber('11010520300101001X', 2030)).toBe(true);
  });

  it('accepts the 15-digit old form with a real date, no check digit', () => {
    expect(isResidentIdNumber('110105491231002', 2025)).toBe(true);
    expect(isResidentIdNumber('110105491331002', 2025)).toBe(false);
    expect(isResidentIdNumber('110105490230002', 2025)).toBe(false);
  });
});

describe('resident ID detection', () => {
  it('finds an ID between Chinese characters and masks the birth date', () => {
    const text = '身份证号11010519491231002X，男。';
    const [finding, ...rest] = screen(text);
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ rule: 'resident-id', offset: 4, length: 18, masked: '110105********002X' });
    expect(finding?.excerpt).toBe('110105********002X');
  });

  it('does not report an 18-digit number with an invalid check digit', () => {
    expect(screen('身份证号110105194912310029，男。')).toEqual([]);
  });

  it('does not report an ID-shaped run inside a longer digit run', () => {
    const ids = (text: string) => screen(text).filter((f) => f.rule === 'resident-id');
    expect(ids('编号911010519491231002X')).toEqual([]);
    expect(ids('编号1101051949123100115')).toEqual([]);
    expect(screen('编号11010519491231001100')).toEqual([]);
  });

  it('finds the 15-digit form and masks its date', () => {
    expect(screen('旧证号110105491231002。')).toMatchObject([
      { rule: 'resident-id', offset: 3, length: 15, masked: '110105******002' },
    ]);
  });

  it('finds an ID written in full-width digits and keeps them full-width in the mask', () => {
    const text = '证件：１１０１０５１９４９１２３１００２Ｘ';
    expect(screen(text)).toMatchObject([
      { rule: 'resident-id', offset: 3, length: 18, masked: '１１０１０５＊＊＊＊＊＊＊＊００２Ｘ' },
    ]);
  });
});
