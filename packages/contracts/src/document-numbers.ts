import { z } from 'zod';

// 机关代字 + 〔year〕 + serial 号, as GB/T 9704 prints it: hexagonal brackets, no 第, no leading zero.
const BRACKET_FORM = '([\\u3400-\\u9fffA-Za-z]+)〔((?:19|20)\\d{2})〕([1-9]\\d{0,5})号';
// 规章 are numbered as decrees: 自贡市人民政府令第3号, or 某部令2022年第1号.
const DECREE_FORM = '([\\u3400-\\u9fff]+令)(?:((?:19|20)\\d{2})年)?第([1-9]\\d{0,5})号';
const DOC_NUMBER = new RegExp(`^(?:${BRACKET_FORM}|${DECREE_FORM})$`);

export const DocNumber = z
  .string()
  .regex(
    DOC_NUMBER,
    '发文字号 must look like 自府办函〔2022〕21号 (year in hexagonal brackets 〔〕, serial without leading zero, no 第) or, for 规章, 自贡市人民政府令第3号',
  )
  .describe('发文字号 document number: 机关代字〔年份〕序号号, e.g. 自府办函〔2022〕21号; 规章 use 政府令第N号')
  .meta({ id: 'DocNumber' });
export type DocNumber = z.infer<typeof DocNumber>;

export type ParsedDocNumber =
  | { form: 'bracket'; prefix: string; year: number; serial: number }
  | { form: 'decree'; prefix: string; year: number | null; serial: number };

/** The parts of a 发文字号, or null when it is not one. */
export const parseDocNumber = (value: string): ParsedDocNumber | null => {
  const m = DOC_NUMBER.exec(value);
  if (!m) return null;
  if (m[1] !== undefined) return { form: 'bracket', prefix: m[1], year: Number(m[2]), serial: Number(m[3]) };
  return { form: 'decree', prefix: m[4] ?? '', year: m[5] === undefined ? null : Number(m[5]), serial: Number(m[6]) };
};

// Organisation part: an 18-character 统一社会信用代码 or a 9-character 组织机构代码 written XXXXXXXX-X.
const INDEX_NUMBER = /^([0-9A-Z]{18}|[0-9A-Z]{8}-[0-9A-Z])\/((?:19|20)\d{2})-((?!00000)\d{5})$/;

export const IndexNumber = z
  .string()
  .regex(
    INDEX_NUMBER,
    '索引号 must be an organisation code, "/", the year, "-" and a five-digit serial, e.g. 11510300008589567Q/2022-00021 or 00815908-5/2019-00001',
  )
  .describe('索引号 index number: 机构代码/年份-五位流水号, assigned once by the service and never changed')
  .meta({ id: 'IndexNumber' });
export type IndexNumber = z.infer<typeof IndexNumber>;

export interface IndexNumberParts {
  /** 统一社会信用代码 (18) or 组织机构代码 (XXXXXXXX-X). */
  organisationCode: string;
  year: number;
  /** 1–99999. */
  serial: number;
}

export const parseIndexNumber = (value: string): IndexNumberParts | null => {
  const m = INDEX_NUMBER.exec(value);
  return m ? { organisationCode: m[1] ?? '', year: Number(m[2]), serial: Number(m[3]) } : null;
};

/** The one way to write a 索引号; throws on parts that would not parse back. */
export const formatIndexNumber = ({ organisationCode, year, serial }: IndexNumberParts): IndexNumber => {
  const value = `${organisationCode}/${year}-${String(serial).padStart(5, '0')}`;
  if (!INDEX_NUMBER.test(value)) throw new RangeError(`not a valid 索引号: ${value}`);
  return value;
};
