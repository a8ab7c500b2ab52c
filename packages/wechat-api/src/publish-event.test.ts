import { describe, expect, it } from 'vitest';
import { parsePublishJobFinished, publishJobFinishedXml, pushSignature, verifyPushSignature } from './publish-event.js';

// The push as the freepublish_submit page documents it (发布结果的事件推送), line breaks and all.
const documented = `<xml>
  <ToUserName><![CDATA[gh_4d00ed8d6399]]></ToUserName>
  <FromUserName><![CDATA[oV5CrjpxgaGXNHIQigzNlgLTnwic]]></FromUserName>
  <CreateTime>1481013459</CreateTime>
  <MsgType><![CDATA[event]]></MsgType>
  <Event><![CDATA[PUBLISHJOBFINISH]]></Event>
  <PublishEventInfo>
    <publish_id>2247503051</publish_id>
    <publish_status>0</publish_status>
    <article_id><![CDATA[b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvyWP4Hq4]]></article_id>
    <article_detail>
      <count>1</count>
      <item>
        <idx>1</idx>
        <article_url><![CDATA[ARTICLE_URL]]></article_url>
      </item>
    </article_detail>
  </PublishEventInfo>
</xml>`;

describe('PUBLISHJOBFINISH', () => {
  it('reads the documented push', () => {
    expect(parsePublishJobFinished(documented)).toEqual({
      toUserName: 'gh_4d00ed8d6399',
      createTime: 1481013459,
      publishId: '2247503051',
      publishStatus: 0,
      articleId: 'b5O2OUs25HBxRceL7hfReg-U9QGeq9zQjiDvyWP4Hq4',
      articleUrls: ['ARTICLE_URL'],
      failIdx: [],
    });
  });

  it('reads a failed job with its fail_idx, and round-trips what the fake pushes', () => {
    const event = {
      toUserName: 'gh_1',
      createTime: 1,
      publishId: '7',
      publishStatus: 4,
      articleId: null,
      articleUrls: [],
      failIdx: [1, 2],
    };
    expect(parsePublishJobFinished(publishJobFinishedXml(event))).toEqual(event);
  });

  it('ignores other events pushed to the same URL', () => {
    expect(parsePublishJobFinished(documented.replace('PUBLISHJOBFINISH', 'MASSSENDJOBFINISH'))).toBeNull();
    expect(parsePublishJobFinished('<xml><MsgType><![CDATA[text]]></MsgType></xml>')).toBeNull();
    expect(parsePublishJobFinished('not xml')).toBeNull();
  });

  it('checks the signature as WeChat computes it (sha1 of the sorted token, timestamp and nonce)', () => {
    // sorted: "1409304348" "token" "xxxxxx" → sha1("1409304348tokenxxxxxx")
    expect(pushSignature('token', '1409304348', 'xxxxxx')).toBe('f43b4a6571a6552356f482636e5a77e7fa33dcc9');
    const signature = pushSignature('token', '1409304348', 'xxxxxx');
    expect(verifyPushSignature('token', { signature, timestamp: '1409304348', nonce: 'xxxxxx' })).toBe(true);
    expect(verifyPushSignature('token', { signature, timestamp: '1409304349', nonce: 'xxxxxx' })).toBe(false);
    expect(verifyPushSignature('token', { signature: 'zz', timestamp: '1', nonce: '2' })).toBe(false);
    expect(verifyPushSignature('token', {})).toBe(false);
  });
});
