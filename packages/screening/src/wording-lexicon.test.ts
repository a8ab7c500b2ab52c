import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultLexicon, screenWording, WordingLexicon } from './wording-lexicon.js';

const lexiconOf = (terms: readonly string[]): WordingLexicon =>
  WordingLexicon.parse({
    version: 'v1',
    entries: terms.map((term) => ({ term, kind: 'sensitive', action: 'warn' })),
  });

describe('default lexicon', () => {
  it('parses, and carries the common errors but not accepted variants', () => {
    const terms = defaultLexicon.entries.map((e) => e.term);
    expect(terms.length).toBeGreaterThanOrEqual(30);
    expect(terms).toEqual(expect.arrayContaining(['布署', '既使', '帐户', '截止目前', '中华人名共和国', '国务院办公庭']));
    expect(terms).not.toContain('其它');
  });

  it('refuses a misspelt country name and warns on 帐户', () => {
    const findings = screenWording([{ path: 'title', text: '中华人名共和国帐户管理办法' }], defaultLexicon);
    expect(findings).toEqual([
      {
        rule: 'lexicon',
        term: '中华人名共和国',
        kind: 'typo',
        action: 'refuse',
        suggestion: '中华人民共和国',
        note: '国名错误属严重表述错误',
        path: 'title',
        offset: 0,
        length: 7,
        message:
          '标题第1字起“中华人名共和国”疑为错误用词，建议改为“中华人民共和国” / likely wrong wording "中华人名共和国" at title offset 0, suggest "中华人民共和国"',
      },
      expect.objectContaining({ term: '帐户', action: 'warn', suggestion: '账户', offset: 7, length: 2 }),
    ]);
  });

  it('says what a sensitive term is and where', () => {
    const [finding] = screenWording([{ path: 'body[2].text', text: '会见台湾总统参选人' }], defaultLexicon);
    expect(finding?.message).toBe(
      '第3段第3字起含敏感用语“台湾总统”，建议改为“台湾地区领导人” / sensitive wording "台湾总统" at body[2].text offset 2, suggest "台湾地区领导人"',
    );
  });
});

describe('screenWording', () => {
  it('finds every occurrence with its offset, in every segment', () => {
    const segments = [
      { path: 'title', text: '关于布署2024年工作的通知' },
      { path: 'body[0].text', text: '（一）统筹布署。各地要认真布署，截止目前已布署到位。' },
    ];
    const found = screenWording(segments, defaultLexicon).map((f) => [f.path, f.term, f.offset]);
    expect(found).toEqual([
      ['title', '布署', 2],
      ['body[0].text', '布署', 5],
      ['body[0].text', '布署', 13],
      ['body[0].text', '截止目前', 16],
      ['body[0].text', '布署', 21],
    ]);
    const body = segments[1]?.text ?? '';
    expect(body.slice(16, 20)).toBe('截止目前');
  });

  it('reports overlapping and nested terms', () => {
    const found = screenWording([{ path: 'title', text: '坚持已人民为中心' }], lexiconOf(['已人民为中心', '人民', '民为中心']));
    expect(found.map((f) => [f.term, f.offset])).toEqual([
      ['人民', 3],
      ['已人民为中心', 2],
      ['民为中心', 4],
    ]);
  });

  it('leaves out terms the reviewers accepted', () => {
    const text = '既使群众满意，又使企业便利。';
    expect(screenWording([{ path: 'title', text }], defaultLexicon, { allowTerms: ['既使'] })).toEqual([]);
  });

  it('matches a naive scan on arbitrary terms and text', () => {
    const unit = fc.constantFrom('人', '民', '为', '中', '心', 'a', 'b', '𠀀');
    const word = fc.array(unit, { minLength: 1, maxLength: 4 }).map((u) => u.join(''));
    fc.assert(
      fc.property(fc.uniqueArray(word, { maxLength: 8 }), fc.array(unit, { maxLength: 60 }), (terms, chars) => {
        const text = chars.join('');
        const expected: string[] = [];
        for (const term of terms) {
          for (let i = text.indexOf(term); i !== -1; i = text.indexOf(term, i + 1)) expected.push(`${term}@${i}`);
        }
        const found = screenWording([{ path: 'p', text }], lexiconOf(terms)).map((f) => `${f.term}@${f.offset}`);
        expect(found.sort()).toEqual(expected.sort());
      }),
      { numRuns: 500 },
    );
  });

  it('scans 100 KB against 1000 entries quickly', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => `词${i.toString(36)}错`);
    const lexicon = lexiconOf(entries);
    const text = '各地区各部门要结合实际认真贯彻落实，词rr错。'.repeat(4_500);
    const started = performance.now();
    const findings = screenWording([{ path: 'body[0].text', text }], lexicon);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(findings).toHaveLength(4_500);
  });
});

describe('WordingLexicon', () => {
  const entry = { term: '布署', kind: 'typo', suggestion: '部署', action: 'warn' };

  it('rejects a term listed twice', () => {
    expect(WordingLexicon.safeParse({ version: 'v1', entries: [entry, entry] }).success).toBe(false);
  });

  it('rejects a typo without a suggestion, an empty term, and an unknown version', () => {
    const parse = (entries: unknown[], version = 'v1') => WordingLexicon.safeParse({ version, entries }).success;
    expect(parse([{ term: '布署', kind: 'typo', action: 'warn' }])).toBe(false);
    expect(parse([{ ...entry, term: ' ' }])).toBe(false);
    expect(parse([{ ...entry, action: 'block' }])).toBe(false);
    expect(parse([entry], 'v2')).toBe(false);
    expect(parse([entry])).toBe(true);
  });
});
