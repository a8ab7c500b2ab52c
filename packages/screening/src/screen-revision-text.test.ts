import { describe, expect, it } from 'vitest';
import { screenRevisionText } from './screen-revision-text.js';
import { defaultLexicon } from './wording-lexicon.js';

const segments = [
  { path: 'title', text: '关于布署中华人名共和国成立75周年活动的通知' },
  { path: 'body[0].text', text: '联系人：李四，电话13800138000，邮箱gkb@sz.gov.cn。' },
  { path: 'body[1].rows[0][1]', text: '11010519491231002X' },
];

describe('screenRevisionText', () => {
  it('refuses personal data and refuse-terms, and warns on warn-terms, in document order', () => {
    const { refusals, warnings } = screenRevisionText(segments, { lexicon: defaultLexicon });
    expect(refusals.map((f) => [f.rule, f.path, f.offset])).toEqual([
      ['lexicon', 'title', 4],
      ['mobile', 'body[0].text', 9],
      ['email', 'body[0].text', 23],
      ['resident-id', 'body[1].rows[0][1]', 0],
    ]);
    expect(warnings).toMatchObject([{ rule: 'lexicon', term: '布署', path: 'title', offset: 2 }]);
  });

  it('lets through what the reviewers allowed', () => {
    const { refusals, warnings } = screenRevisionText(segments, {
      lexicon: defaultLexicon,
      allow: { values: ['138-0013-8000'], emailDomains: ['gov.cn'], terms: ['布署'] },
    });
    expect(refusals.map((f) => f.rule)).toEqual(['lexicon', 'resident-id']);
    expect(warnings).toEqual([]);
  });

  it('passes clean text', () => {
    const clean = [{ path: 'title', text: '关于部署2024年政务公开工作的通知' }];
    expect(screenRevisionText(clean, { lexicon: defaultLexicon })).toEqual({ refusals: [], warnings: [] });
  });
});
