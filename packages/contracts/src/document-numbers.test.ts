import { describe, expect, it } from 'vitest';
import { DocNumber, formatIndexNumber, IndexNumber, parseDocNumber, parseIndexNumber } from './document-numbers.js';

describe('发文字号', () => {
  it.each([
    '自府办函〔2022〕21号',
    '国办发〔2019〕5号',
    '川府发〔2023〕102号',
    '自贡市人民政府令第3号',
    '自然资源部令2022年第1号',
  ])('accepts %s', (value) => expect(DocNumber.safeParse(value).success).toBe(true));

  it.each([
    ['自府办函[2022]21号', 'square brackets'],
    ['自府办函(2022)21号', 'round brackets'],
    ['自府办函【2022】21号', 'lenticular brackets'],
    ['自府办函〔2022〕021号', 'leading zero'],
    ['自府办函〔2022〕第21号', '第 in the bracket form'],
    ['自府办函〔22〕21号', 'two-digit year'],
    ['自府办函〔2022〕21', 'no 号'],
    ['〔2022〕21号', 'no 机关代字'],
    ['自府办函 〔2022〕21号', 'a space'],
  ])('rejects %s (%s) and says what the form is', (value) => {
    const result = DocNumber.safeParse(value);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('自府办函〔2022〕21号');
  });

  it('parses into its parts', () => {
    expect(parseDocNumber('自府办函〔2022〕21号')).toEqual({ form: 'bracket', prefix: '自府办函', year: 2022, serial: 21 });
    expect(parseDocNumber('自贡市人民政府令第3号')).toEqual({
      form: 'decree',
      prefix: '自贡市人民政府令',
      year: null,
      serial: 3,
    });
    expect(parseDocNumber('自府办函[2022]21号')).toBeNull();
  });
});

describe('索引号', () => {
  it.each(['11510300008589567Q/2022-00021', '00815908-5/2019-00001'])('accepts %s', (value) => {
    expect(IndexNumber.safeParse(value).success).toBe(true);
  });

  it.each([
    '11510300008589567Q-2022-00021',
    '11510300008589567Q/2022-21',
    '11510300008589567Q/2022-000021',
    '11510300008589567Q/2022-00000',
    '11510300008589567q/2022-00021',
    '1151030000858956/2022-00021',
    '008159085/2019-00001',
    '/2022-00021',
  ])('rejects %s', (value) => {
    expect(IndexNumber.safeParse(value).success).toBe(false);
  });

  it('formats and parses back', () => {
    const value = formatIndexNumber({ organisationCode: '11510300008589567Q', year: 2022, serial: 21 });
    expect(value).toBe('11510300008589567Q/2022-00021');
    expect(parseIndexNumber(value)).toEqual({ organisationCode: '11510300008589567Q', year: 2022, serial: 21 });
    expect(() => formatIndexNumber({ organisationCode: '11510300008589567Q', year: 2022, serial: 100_000 })).toThrow(RangeError);
  });
});
