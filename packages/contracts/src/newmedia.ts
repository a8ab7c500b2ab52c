import { z } from 'zod';
import { DocumentKind, type DocumentRevision } from './document-revision.js';
import { LineText, RegionCode, TargetId, uniqueArray } from './identifiers.js';

/** 政务新媒体账号 one WeChat official account of the matrix; its AppSecret is never here (env or a secret file). */
export const NewmediaAccount = z
  .strictObject({
    id: TargetId.describe('account id: the delivery target on delivery.status and the S3 folder accounts/<id>/'),
    name: LineText.describe('公众号名称, e.g. 自贡发布'),
    agency: LineText.describe('主办单位 the agency that runs the account'),
    author: LineText.max(16).describe('作者 line of its articles (WeChat: ≤ 16 characters)'),
    appId: z
      .string()
      .regex(/^wx[0-9a-zA-Z]{16}$/, 'appId must be "wx" followed by 16 letters or digits')
      .describe('AppID of the official account'),
    topics: uniqueArray(LineText).describe('主题分类 the account carries; empty = every topic'),
    regions: uniqueArray(RegionCode).describe('行政区划 the account serves; empty = everywhere'),
    kinds: uniqueArray(DocumentKind).optional().describe('kinds of document it carries; absent or empty = every kind'),
    enabled: z.boolean().describe('false: the account receives nothing (e.g. suspended, being handed over)'),
  })
  .describe('政务新媒体账号 one account of the new-media matrix');
export type NewmediaAccount = z.infer<typeof NewmediaAccount>;

/** 新媒体矩阵 the accounts a city runs, with the rules that route documents to them. */
export const AccountMatrix = z
  .strictObject({
    version: z.literal('v1'),
    accounts: z.array(NewmediaAccount).min(1),
  })
  .superRefine((matrix, ctx) => {
    for (const field of ['id', 'appId'] as const) {
      const seen = new Set<string>();
      matrix.accounts.forEach((account, i) => {
        if (seen.has(account[field]))
          ctx.addIssue({ code: 'custom', path: ['accounts', i, field], message: `${field} is used twice` });
        seen.add(account[field]);
      });
    }
  })
  .describe('新媒体矩阵 the account matrix (ACCOUNTS_FILE)');
export type AccountMatrix = z.infer<typeof AccountMatrix>;

// 行政区划代码 are hierarchical: 51 province, 5103 city, 510302 district; trailing 00 pairs mean "the whole of it".
const regionStem = (code: string): string => code.slice(0, 6).replace(/(00)+$/, '') + code.slice(6).replace(/0+$/, '');

/** Whether an account serving `served` reaches people of `concerned`: one contains the other (a city account serves its districts). */
export const regionOverlaps = (served: string, concerned: string): boolean => {
  const [a, b] = [regionStem(served), regionStem(concerned)];
  return a.startsWith(b) || b.startsWith(a);
};

const intersects = (wanted: readonly string[], offered: readonly string[]): boolean =>
  wanted.length === 0 || offered.some((item) => wanted.includes(item));

/**
 * The accounts a revision goes to. Only 主动公开 is carried. Targeting: channels empty or naming newmedia, accounts
 * empty or naming the account. Account profile: its topics, regions and kinds (empty = all) must meet the document's.
 * 定向公开: with targeting.regions set, only accounts serving one of those regions (hierarchically) receive it; an
 * account with no regions serves everywhere, so it receives targeted releases too.
 */
export const routeToAccounts = (
  revision: Pick<DocumentRevision, 'openness' | 'targeting' | 'topics' | 'kind'>,
  accounts: readonly NewmediaAccount[],
): NewmediaAccount[] => {
  if (revision.openness !== '主动公开') return [];
  const { channels, accounts: named, regions } = revision.targeting;
  if (channels.length > 0 && !channels.includes('newmedia')) return [];
  return accounts.filter(
    (account) =>
      account.enabled &&
      (named.length === 0 || named.includes(account.id)) &&
      intersects(account.topics, revision.topics) &&
      (account.kinds === undefined || intersects(account.kinds, [revision.kind])) &&
      (regions.length === 0 ||
        account.regions.length === 0 ||
        account.regions.some((served) => regions.some((concerned) => regionOverlaps(served, concerned)))),
  );
};
