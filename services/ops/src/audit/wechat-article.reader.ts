import { readFileSync } from 'node:fs';
import { type ServiceMetrics, watchBreaker } from '@tongyuan/observability';
import { WechatApiClient } from '@tongyuan/wechat-api';
import { z } from 'zod';

/** What WeChat shows for a published article (freepublish/getarticle): the articles of the publication, in order. */
export type ReadArticle = (
  account: { accountId: string; appId: string },
  articleId: string,
) => Promise<Array<{ title: string; content: string; deleted: boolean }> | undefined>;

const Secrets = z.record(z.string(), z.string().min(1));

/**
 * Reads articles back as each account (its AppSecret from the secrets file); undefined when ops holds no secret for
 * the account. Errors are WechatApiError: `retryable` says whether WeChat was unreachable or said no.
 */
export const wechatArticleReader = (baseUrl: string, secretsFile: string, metrics?: ServiceMetrics): ReadArticle => {
  const secrets = Secrets.parse(JSON.parse(readFileSync(secretsFile, 'utf8')));
  const client = new WechatApiClient({
    baseUrl,
    timeoutMs: 5_000,
    retry: { attempts: 2 },
    // One breaker per account; its state is tongyuan_breaker_state{breaker="wechat:<appId>"}.
    onBreaker: (appId, breaker) => metrics && watchBreaker(metrics, `wechat:${appId}`, breaker),
  });
  return async ({ accountId, appId }, articleId) => {
    const secret = secrets[accountId];
    if (secret === undefined) return undefined;
    const items = await client.forAccount({ appId, secret }).getArticle(articleId);
    return items.map((item) => ({ title: item.title, content: item.content, deleted: item.is_deleted === true }));
  };
};
