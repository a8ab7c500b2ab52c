// The PUBLISHJOBFINISH event WeChat pushes to the account's server URL when a freepublish job ends
// (developers.weixin.qq.com/doc/subscription/api/public/api_freepublish_submit, 发布结果的事件推送), and the
// signature check of every push (sha1 of the sorted token, timestamp and nonce: 验证消息的确来自微信服务器).
import { createHash, timingSafeEqual } from 'node:crypto';

export interface PublishJobFinished {
  /** The account's original id (gh_…). */
  toUserName: string;
  createTime: number;
  publishId: string;
  publishStatus: number;
  articleId: string | null;
  articleUrls: string[];
  failIdx: number[];
}

const cdata = (text: string) => `<![CDATA[${text.replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;

/** The XML body WeChat sends; the fake server uses it to push. */
export const publishJobFinishedXml = (event: PublishJobFinished): string =>
  [
    '<xml>',
    `<ToUserName>${cdata(event.toUserName)}</ToUserName>`,
    `<FromUserName>${cdata('mphelper')}</FromUserName>`,
    `<CreateTime>${event.createTime}</CreateTime>`,
    `<MsgType>${cdata('event')}</MsgType>`,
    `<Event>${cdata('PUBLISHJOBFINISH')}</Event>`,
    '<PublishEventInfo>',
    `<publish_id>${event.publishId}</publish_id>`,
    `<publish_status>${event.publishStatus}</publish_status>`,
    ...(event.articleId === null ? [] : [`<article_id>${cdata(event.articleId)}</article_id>`]),
    ...(event.articleUrls.length === 0
      ? []
      : [
          `<article_detail><count>${event.articleUrls.length}</count>`,
          ...event.articleUrls.map((url, i) => `<item><idx>${i + 1}</idx><article_url>${cdata(url)}</article_url></item>`),
          '</article_detail>',
        ]),
    ...(event.failIdx.length === 0 ? [] : [`<fail_idx>${event.failIdx.map((idx) => `<idx>${idx}</idx>`).join('')}</fail_idx>`]),
    '</PublishEventInfo>',
    '</xml>',
  ].join('');

const textOf = (xml: string, tag: string): string | null => {
  const match = new RegExp(`<${tag}>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([^<]*))\\s*</${tag}>`).exec(xml);
  if (!match) return null;
  return (match[1] ?? match[2] ?? '').trim();
};

/** Reads a pushed event; null when the XML is not a PUBLISHJOBFINISH event (WeChat pushes many kinds to one URL). */
export const parsePublishJobFinished = (xml: string): PublishJobFinished | null => {
  if (textOf(xml, 'MsgType') !== 'event' || textOf(xml, 'Event') !== 'PUBLISHJOBFINISH') return null;
  const info = /<PublishEventInfo>([\s\S]*)<\/PublishEventInfo>/.exec(xml)?.[1];
  const publishId = info === undefined ? null : textOf(info, 'publish_id');
  const status = info === undefined ? null : textOf(info, 'publish_status');
  if (info === undefined || publishId === null || status === null || !/^\d+$/.test(status)) return null;
  const detail = /<article_detail>([\s\S]*?)<\/article_detail>/.exec(info)?.[1] ?? '';
  const failIdx = /<fail_idx>([\s\S]*?)<\/fail_idx>/.exec(info)?.[1] ?? '';
  return {
    toUserName: textOf(xml, 'ToUserName') ?? '',
    createTime: Number(textOf(xml, 'CreateTime') ?? 0),
    publishId,
    publishStatus: Number(status),
    articleId: textOf(info, 'article_id'),
    articleUrls: [...detail.matchAll(/<article_url>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))\s*<\/article_url>/g)].map((m) =>
      (m[1] ?? m[2] ?? '').trim(),
    ),
    failIdx: [...failIdx.matchAll(/<idx>\s*(\d+)\s*<\/idx>/g)].map((m) => Number(m[1])),
  };
};

/** signature = sha1 of token, timestamp and nonce sorted and joined, as WeChat signs every push to the server URL. */
export const pushSignature = (token: string, timestamp: string, nonce: string): string =>
  createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');

export const verifyPushSignature = (
  token: string,
  query: { signature?: string | null; timestamp?: string | null; nonce?: string | null },
): boolean => {
  const { signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce || !/^[0-9a-f]{40}$/.test(signature)) return false;
  return timingSafeEqual(Buffer.from(pushSignature(token, timestamp, nonce), 'hex'), Buffer.from(signature, 'hex'));
};
