// The bodies the WeChat Official Account API exchanges, as zod schemas (field names as WeChat spells them).
import { z } from 'zod';

export const StableTokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.number().int().positive() });

export const UploadImgResponse = z.object({ url: z.string().min(1) });

export const AddMaterialResponse = z.object({ media_id: z.string().min(1), url: z.string().optional() });

/** One article of draft/add: https://developers.weixin.qq.com/doc/subscription/api/draftbox/draftmanage/api_draft_add */
export const DraftArticle = z.object({
  article_type: z.literal('news').optional(),
  title: z.string(),
  author: z.string().optional(),
  digest: z.string().optional(),
  content: z.string(),
  content_source_url: z.string().optional(),
  thumb_media_id: z.string(),
  need_open_comment: z.union([z.literal(0), z.literal(1)]).optional(),
  only_fans_can_comment: z.union([z.literal(0), z.literal(1)]).optional(),
  pic_crop_235_1: z.string().optional(),
  pic_crop_1_1: z.string().optional(),
});
export type DraftArticle = z.infer<typeof DraftArticle>;

export const DraftAddRequest = z.object({ articles: z.array(DraftArticle).min(1).max(8) });
export const DraftAddResponse = z.object({ media_id: z.string().min(1) });

export const SubmitResponse = z.object({
  publish_id: z.union([z.string(), z.number()]).transform(String),
  msg_data_id: z.union([z.string(), z.number()]).transform(String).optional(),
});

export const ArticleDetail = z.object({
  count: z.number().int(),
  item: z.array(z.object({ idx: z.number().int(), article_url: z.string() })),
});

/** freepublish/get: publish_status 0 success, 1 publishing, 2 original-check failed, 3 routine failure, 4 audit refused, 5 deleted, 6 banned. */
export const PublishStatusResponse = z.object({
  publish_id: z.union([z.string(), z.number()]).transform(String),
  publish_status: z.number().int().min(0).max(6),
  article_id: z.string().optional(),
  article_detail: ArticleDetail.optional(),
  fail_idx: z.array(z.number().int()).optional(),
});

export const NewsItem = z.object({
  title: z.string(),
  author: z.string().optional(),
  digest: z.string().optional(),
  content: z.string(),
  content_source_url: z.string().optional(),
  thumb_media_id: z.string().optional(),
  url: z.string(),
  is_deleted: z.boolean().optional(),
});
export type NewsItem = z.infer<typeof NewsItem>;

export const GetArticleResponse = z.object({ news_item: z.array(NewsItem) });

/** A page of a batchget answer (freepublish/batchget by article_id, draft/batchget by media_id): the same shape otherwise. */
const BatchGetPage = <Id extends 'article_id' | 'media_id'>(id: Id) =>
  z.object({
    total_count: z.number().int(),
    item_count: z.number().int(),
    item: z.array(
      z
        .object({ content: z.object({ news_item: z.array(NewsItem.partial()) }), update_time: z.number().int() })
        .extend({ [id]: z.string() } as Record<Id, z.ZodString>),
    ),
  });

export const BatchGetResponse = BatchGetPage('article_id');
export const DraftBatchGetResponse = BatchGetPage('media_id');

export const ErrorResponse = z.object({ errcode: z.number().int(), errmsg: z.string().default('') });
