import { z } from 'zod';

/** The three carriers of one source (数据同源): 政府网站, 政务新媒体, 政府公报. */
export const Channel = z
  .enum(['portal', 'newmedia', 'gazette'])
  .describe('发布渠道 channel: portal = 政府网站, newmedia = 政务新媒体 (WeChat accounts), gazette = 政府公报')
  .meta({ id: 'Channel' });
export type Channel = z.infer<typeof Channel>;

export const allChannels: readonly Channel[] = Channel.options;
