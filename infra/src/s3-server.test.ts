import { randomUUID } from 'node:crypto';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListBucketsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { localCredentials, s3Server } from './s3-server.js';

describe('s3Server', () => {
  it('answers ListBuckets and round-trips an object with the SDK settings services use', async () => {
    const server = s3Server();
    await server.start();
    const client = new S3Client({
      endpoint: server.url,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: localCredentials.s3AccessKeyId, secretAccessKey: localCredentials.s3SecretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
    const bucket = `infra-probe-${randomUUID().slice(0, 8)}`;
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
      const listed = await client.send(new ListBucketsCommand({}));
      expect(listed.Buckets?.map((b) => b.Name)).toContain(bucket);

      await client.send(
        new PutObjectCommand({
          Bucket: bucket,
          Key: 'notice/一号公告.txt',
          Body: '同源发布',
          ContentType: 'text/plain; charset=utf-8',
        }),
      );
      const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: 'notice/一号公告.txt' }));
      expect(await got.Body?.transformToString()).toBe('同源发布');
    } finally {
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'notice/一号公告.txt' })).catch(() => {});
      await client.send(new DeleteBucketCommand({ Bucket: bucket })).catch(() => {});
      client.destroy();
    }
  }, 600_000);
});
