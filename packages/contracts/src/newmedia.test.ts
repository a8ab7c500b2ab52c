import { describe, expect, it } from 'vitest';
import { revisionFromCorpus } from './corpus-revision.fixture.js';
import { AccountMatrix, type NewmediaAccount, regionOverlaps, routeToAccounts } from './newmedia.js';

const account = (id: string, overrides: Partial<NewmediaAccount> = {}): NewmediaAccount => ({
  id,
  name: id,
  agency: '自贡市人民政府办公室',
  author: '自贡市政府办',
  appId: `wx${id.padEnd(16, '0').slice(0, 16)}`,
  topics: [],
  regions: [],
  enabled: true,
  ...overrides,
});

const matrix = [
  account('province', { regions: ['510000'] }),
  account('city', { regions: ['510300'] }),
  account('ziliujing', { regions: ['510302'] }),
  account('gongjing', { regions: ['510303'] }),
  account('town', { regions: ['510302001'] }),
  account('everywhere'),
  account('zwgk', { topics: ['政务公开'], regions: ['510300'] }),
  account('rules', { kinds: ['规章', '规范性文件'] }),
  account('paused', { enabled: false }),
];

const ids = (accounts: NewmediaAccount[]) => accounts.map((a) => a.id);
const revision = revisionFromCorpus('zigong-2022-task-division');
const targeted = (targeting: Partial<typeof revision.targeting>, extra: Partial<typeof revision> = {}) => ({
  ...revision,
  ...extra,
  targeting: { ...revision.targeting, ...targeting },
});

describe('routeToAccounts', () => {
  it('sends an untargeted 主动公开 document to every enabled account whose topics and kinds it meets', () => {
    const topics = targeted({}, { topics: ['营商环境'], kind: '通知' });
    expect(ids(routeToAccounts(topics, matrix))).toEqual(['province', 'city', 'ziliujing', 'gongjing', 'town', 'everywhere']);
    const normative = targeted({}, { topics: ['政务公开'], kind: '规范性文件' });
    expect(ids(routeToAccounts(normative, matrix))).toContain('zwgk');
    expect(ids(routeToAccounts(normative, matrix))).toContain('rules');
  });

  it('carries only 主动公开', () => {
    expect(routeToAccounts(targeted({}, { openness: '依申请公开' }), matrix)).toEqual([]);
  });

  it('honours the channels and accounts a release names', () => {
    expect(routeToAccounts(targeted({ channels: ['portal', 'gazette'] }), matrix)).toEqual([]);
    expect(ids(routeToAccounts(targeted({ channels: ['newmedia'], accounts: ['gongjing', 'paused'] }), matrix))).toEqual([
      'gongjing',
    ]);
  });

  it('定向公开: only accounts serving a targeted region, up or down the hierarchy, and accounts serving everywhere', () => {
    const toZiliujing = targeted({ regions: ['510302'] }, { topics: ['政务公开'], kind: '规范性文件' });
    expect(ids(routeToAccounts(toZiliujing, matrix))).toEqual([
      'province',
      'city',
      'ziliujing',
      'town',
      'everywhere',
      'zwgk',
      'rules',
    ]);
    expect(ids(routeToAccounts(toZiliujing, matrix))).not.toContain('gongjing');
  });

  it('compares 行政区划代码 by their significant digits', () => {
    expect(regionOverlaps('510300', '510302')).toBe(true);
    expect(regionOverlaps('510302', '510300')).toBe(true);
    expect(regionOverlaps('510302', '510303')).toBe(false);
    expect(regionOverlaps('510302', '510302001')).toBe(true);
    expect(regionOverlaps('510100', '510103')).toBe(true);
    expect(regionOverlaps('510100', '511000')).toBe(false);
  });
});

describe('AccountMatrix', () => {
  it('refuses an id or appId used twice, and a secret-looking field', () => {
    const twice = AccountMatrix.safeParse({ version: 'v1', accounts: [account('a'), account('a')] });
    expect(twice.success).toBe(false);
    const withSecret = AccountMatrix.safeParse({ version: 'v1', accounts: [{ ...account('b'), secret: 'x' }] });
    expect(withSecret.success).toBe(false);
  });

  it('accepts the sample matrix npm start uses', async () => {
    const { readFileSync } = await import('node:fs');
    const sample = JSON.parse(readFileSync(new URL('../../../services/newmedia/accounts.sample.json', import.meta.url), 'utf8'));
    expect(AccountMatrix.parse(sample).accounts.length).toBeGreaterThanOrEqual(3);
  });
});
