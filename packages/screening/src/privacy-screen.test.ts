import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maskFindings, screenPrivacy } from './privacy-screen.js';
import type { TextSegment } from './segment.js';

const ID = '11010519491231002X';
const MOBILE = '13800138000';
const CARD = '6216261000000000018';
const EMAIL = 'zhang.san@example.com';

describe('screenPrivacy', () => {
  it('reports offsets in the original text among Chinese characters and full-width punctuation', () => {
    const text = `经核查，申请人（身份证号：${ID}）联系电话：＋８６ ${MOBILE}；退款至${CARD}，回复${EMAIL}。`;
    const findings = screenPrivacy([{ path: 'body[3].text', text }]);
    expect(findings.map((f) => [f.rule, text.slice(f.offset, f.offset + f.length)])).toEqual([
      ['resident-id', ID],
      ['mobile', `＋８６ ${MOBILE}`],
      ['bank-card', CARD],
      ['email', EMAIL],
    ]);
    expect(findings[0]?.offset).toBe(13);
  });

  it('says where, in Chinese counted from 1 and in English as stored', () => {
    const [finding] = screenPrivacy([{ path: 'body[3].text', text: `经核查，申请人（身份证号：${ID}）` }]);
    expect(finding?.message).toBe('第4段第14字起疑似居民身份证号 / resident ID number at body[3].text offset 13');
    const [cell] = screenPrivacy([{ path: 'body[5].rows[1][2]', text: MOBILE }]);
    expect(cell?.message).toBe('第6段表格第2行第3列第1字起疑似手机号码 / mobile phone number at body[5].rows[1][2] offset 0');
  });

  it('counts characters, not UTF-16 units, in the Chinese position', () => {
    const text = `𠀀${MOBILE}`;
    const [finding] = screenPrivacy([{ path: 'title', text }]);
    expect(finding).toMatchObject({
      offset: 2,
      message: '标题第2字起疑似手机号码 / mobile phone number at title offset 2',
    });
  });

  it('never puts the raw value in a finding', () => {
    const text = `身份证${ID}，手机${MOBILE}，卡${CARD}，邮箱${EMAIL}`;
    const serialized = JSON.stringify(screenPrivacy([{ path: 'title', text }]));
    for (const raw of [ID, MOBILE, CARD, EMAIL, 'zhang.san']) expect(serialized).not.toContain(raw);
  });

  it('lets through the values and mail domains the office publishes on purpose', () => {
    const text = `监督电话${MOBILE}，信箱gkb@sz.gov.cn，申请人邮箱${EMAIL}`;
    const findings = screenPrivacy([{ path: 'title', text }], {
      allow: { values: ['+86 138-0013-8000'], emailDomains: ['gov.cn'] },
    });
    expect(findings.map((f) => f.rule)).toEqual(['email']);
    expect(findings[0]?.masked).toBe('z***@example.com');
  });
});

describe('maskFindings', () => {
  it('replaces each match with its masked form, and the result passes the screen', () => {
    const segments: TextSegment[] = [
      { path: 'title', text: '关于张三信息公开申请的答复' },
      { path: 'body[0].text', text: `身份证号${ID}，电话+86 138 0013 8000，卡号6250 9460 0000 0016，邮箱${EMAIL}。` },
      { path: 'body[1].rows[0][1]', text: '１１０１０５４９１２３１００２' },
    ];
    const masked = maskFindings(segments, screenPrivacy(segments));
    expect(masked).toEqual([
      segments[0],
      {
        path: 'body[0].text',
        text: '身份证号110105********002X，电话+86 138 **** 8000，卡号6250 **** **** 0016，邮箱z***@example.com。',
      },
      { path: 'body[1].rows[0][1]', text: '１１０１０５＊＊＊＊＊＊００２' },
    ]);
    expect(screenPrivacy(masked)).toEqual([]);
  });

  it('masks what a shorter match overlapping a longer one has beyond it (the property test counterexample of 20:50)', () => {
    // A card, then what reads as an address from its last group on: the card wins, "@0.zhang" is starred. Left bare
    // (as before), the masked text read "0016@0.zhang" as an address.
    const segments: TextSegment[] = [{ path: 'title', text: '6250 9460 0000 0016@0.zhang.san@example.com' }];
    const findings = screenPrivacy(segments);
    expect(findings.map((f) => [f.rule, f.offset, f.length])).toEqual([
      ['bank-card', 0, 19],
      ['email', 19, 8],
      ['email', 27, 16],
    ]);
    const masked = maskFindings(segments, findings);
    expect(masked[0]?.text).toBe('6250 **** **** 0016********.***@example.com');
    expect(screenPrivacy(masked)).toEqual([]);
  });

  it('refuses findings that do not belong to the text', () => {
    const findings = screenPrivacy([{ path: 'title', text: `电话${MOBILE}` }]);
    expect(() => maskFindings([{ path: 'title', text: '电话' }], findings)).toThrow(RangeError);
  });
});

describe('screenPrivacy on arbitrary text', () => {
  const alphabet = fc.constantFrom(
    ...'0123456789０１２３４５６７８９'.split(''),
    ...'0123456789'.split(''),
    ' ',
    '-',
    '+',
    'X',
    'x',
    '@',
    '.',
    'a',
    'c',
    'n',
    '，',
    '号',
    '　',
    '𠀀',
  );
  const text = fc.array(alphabet, { maxLength: 120 }).map((chars) => chars.join(''));
  const digitRun = fc.string({ unit: fc.constantFrom(...'0123456789'.split('')), maxLength: 60 });
  const embeddings = [
    fc.constant(ID),
    fc.constant(MOBILE),
    fc.constant(CARD),
    fc.constant(EMAIL),
    fc.constant('+86 138 0013 8000'),
    fc.constant('6250 9460 0000 0016'),
  ];
  const segmentText = fc.array(fc.oneof(text, digitRun, ...embeddings), { maxLength: 6 }).map((parts) => parts.join(''));

  it('never throws, and every finding lies inside its segment and hides its match', () => {
    fc.assert(
      fc.property(segmentText, (t) => {
        const findings = screenPrivacy([{ path: 'body[0].text', text: t }], { currentYear: 2025 });
        for (const f of findings) {
          expect(f.offset).toBeGreaterThanOrEqual(0);
          expect(f.length).toBeGreaterThan(0);
          expect(f.offset + f.length).toBeLessThanOrEqual(t.length);
          expect(f.excerpt).not.toBe(t.slice(f.offset, f.offset + f.length));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('finds nothing left once the findings are masked', () => {
    fc.assert(
      fc.property(segmentText, (t) => {
        const segments = [{ path: 'body[0].text', text: t }];
        const masked = maskFindings(segments, screenPrivacy(segments, { currentYear: 2025 }));
        expect(screenPrivacy(masked, { currentYear: 2025 })).toEqual([]);
      }),
      { numRuns: 3000 },
    );
  });

  it('screens a 100 KB segment of digits and separators quickly', () => {
    const chunk = '1380013800 0 4111 1111 1111 1111 11010519491231002X-';
    const big = chunk.repeat(Math.ceil(100_000 / chunk.length));
    const started = performance.now();
    const findings = screenPrivacy([{ path: 'body[0].text', text: big }]);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(findings.length).toBeGreaterThan(0);
  });
});
