import { createHash } from 'node:crypto';
import { type Attachment, DocumentRevision, type ImageBlock, sourceFingerprint } from '@tongyuan/contracts';
import { InvalidInputError } from '@tongyuan/errors';
import type { ObjectStore } from '@tongyuan/object-store';
import { attachmentPath, imageVariantKeys } from '@tongyuan/portal-site';
import { integrationTest, storeFor, uniqueName } from '@tongyuan/testing';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { revisionFromCorpus } from '../../../../packages/contracts/src/corpus-revision.fixture.js';
import { ATTACHMENT_CACHE, IMMUTABLE_CACHE, planMedia, publishMedia } from './media-publisher.js';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A chart as an editor would upload it: shapes and text on a transparent background. */
const chartPng = (): Promise<Buffer> =>
  sharp({ create: { width: 1600, height: 900, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
    .composite([
      {
        input: Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="1600" height="900">
            <rect x="100" y="500" width="200" height="300" fill="#c00"/>
            <rect x="400" y="300" width="200" height="500" fill="#06c"/>
            <circle cx="1200" cy="400" r="250" fill="#fc0" stroke="#333" stroke-width="12"/>
            <text x="100" y="150" font-size="96" fill="#222">2022 task division</text>
          </svg>`,
        ),
      },
    ])
    .png()
    .toBuffer();

/** A phone photo: stored sideways (900×1600) with EXIF orientation 6, so it is shown 1600×900; carries a camera model. */
const phonePhotoJpeg = (): Promise<Buffer> =>
  sharp({ create: { width: 900, height: 1600, channels: 3, background: '#3a7' } })
    .composite([
      {
        input: Buffer.from(
          `<svg xmlns="http://www.w3.org/2000/svg" width="900" height="1600">
            <rect x="0" y="0" width="900" height="400" fill="#123"/>
            <circle cx="450" cy="900" r="300" fill="#eee"/>
          </svg>`,
        ),
      },
    ])
    .jpeg({ quality: 95 })
    .withExif({ IFD0: { Make: 'TestCam', Model: 'Field Camera 1', Copyright: 'office' } })
    .withMetadata({ orientation: 6 })
    .toBuffer();

const smallWebp = (): Promise<Buffer> =>
  sharp({ create: { width: 320, height: 240, channels: 4, background: { r: 200, g: 30, b: 30, alpha: 0.5 } } })
    .webp({ lossless: true })
    .toBuffer();

const imageBlock = (id: string, key: string, bytes: Buffer, mediaType: ImageBlock['mediaType'], width: number, height: number) =>
  ({
    id,
    type: 'image',
    key,
    alt: `示意图 ${id}`,
    width,
    height,
    mediaType,
    size: bytes.length,
    sha256: sha256(bytes),
  }) satisfies ImageBlock;

interface Originals {
  png: Buffer;
  jpeg: Buffer;
  webp: Buffer;
  xlsx: Buffer;
}

/** A real document with a chart, a photo, a small icon and a spreadsheet attachment, uploaded to the assets bucket. */
const documentWithMedia = async (assets: ObjectStore) => {
  const originals: Originals = {
    png: await chartPng(),
    jpeg: await phonePhotoJpeg(),
    webp: await smallWebp(),
    xlsx: Buffer.from(`PK\u0003\u0004 任务分解表 ${uniqueName('sheet')}`, 'utf8'),
  };
  const keys = {
    png: 'uploads/2022/chart.png',
    jpeg: 'uploads/2022/site-visit.jpg',
    webp: 'uploads/2022/icon.webp',
    xlsx: 'attachments/2022/task-division.xlsx',
  };
  for (const [name, key] of Object.entries(keys)) {
    await assets.put(key, originals[name as keyof Originals], { contentType: 'application/octet-stream' });
  }
  const attachment: Attachment = {
    id: 'att1',
    title: '2022年政务公开重点工作任务分解表',
    fileName: '任务分解表.xlsx',
    key: keys.xlsx,
    sha256: sha256(originals.xlsx),
    mediaType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    size: originals.xlsx.length,
  };
  const base = revisionFromCorpus('zigong-2022-task-division');
  const chart = imageBlock('img1', keys.png, originals.png, 'image/png', 1600, 900);
  const photo = imageBlock('img2', keys.jpeg, originals.jpeg, 'image/jpeg', 1600, 900);
  const icon = imageBlock('img3', keys.webp, originals.webp, 'image/webp', 320, 240);
  const revision = DocumentRevision.parse({
    ...base,
    body: [...base.body, chart, photo, icon, { id: 'att-link', type: 'attachment', ref: 'att1' }],
    attachments: [attachment],
  });
  const imageAt = (block: ImageBlock) => revision.body.findIndex((b) => b.type === 'image' && b.key === block.key);
  return { revision, fingerprint: sourceFingerprint(revision), originals, chart, photo, icon, attachment, imageAt };
};

const mediaTest = integrationTest.extend<{ assets: ObjectStore; site: ObjectStore }>({
  assets: async ({ servers }, use) => {
    const store = storeFor(servers, uniqueName('assets'));
    await store.ensureBucket();
    await use(store);
  },
  site: async ({ servers }, use) => {
    const store = storeFor(servers, uniqueName('portal'));
    await store.ensureBucket();
    await use(store);
  },
});

const prefix = 'site/';

describe('publishMedia against the real S3 server', () => {
  mediaTest(
    'writes every variant the page references, as a browser would fetch it, and copies attachments',
    async ({ assets, site }) => {
      const doc = await documentWithMedia(assets);
      const { written } = await publishMedia({ sourceStore: assets, siteStore: site, prefix, ...doc });

      const variants = [doc.chart, doc.photo, doc.icon].flatMap((block) => imageVariantKeys(block).map((v) => ({ block, v })));
      expect(written.sort()).toEqual(
        [...variants.map(({ v }) => `${prefix}${v.key}`), `${prefix}${attachmentPath(doc.attachment)}`].sort(),
      );
      // Chart: PNG fallback keeps its transparency; photo: JPEG; both at 480 and 960. Icon: at its own 320 only.
      expect(variants.map(({ v }) => v.key.replace(/^media\/[0-9a-f]{64}/, ''))).toEqual([
        '-480.webp',
        '-960.webp',
        '-480.png',
        '-960.png',
        '-480.webp',
        '-960.webp',
        '-480.jpg',
        '-960.jpg',
        '-320.webp',
        '-320.jpg',
      ]);

      const provenance = { documentId: doc.revision.documentId, revision: 1, fingerprint: doc.fingerprint };
      for (const { block, v } of variants) {
        const object = await site.get(`${prefix}${v.key}`);
        expect(object, v.key).not.toBeNull();
        expect(object).toMatchObject({ contentType: v.mediaType, cacheControl: IMMUTABLE_CACHE, provenance });
        const decoded = await sharp(object!.body).metadata();
        expect(`image/${decoded.format}`, v.key).toBe(v.mediaType);
        expect({ width: decoded.width, height: decoded.height }, v.key).toEqual({ width: v.width, height: v.height });
        expect(decoded.width).toBeLessThanOrEqual(block.width);
        // Upright, so no orientation to apply; no camera EXIF or profile left for visitors to download.
        expect(decoded.orientation, v.key).toBeUndefined();
        expect(decoded.exif, v.key).toBeUndefined();
        expect(decoded.icc, v.key).toBeUndefined();
        if (v.mediaType === 'image/png') expect(decoded.hasAlpha, v.key).toBe(true);
      }

      // The photo was stored sideways: its variants are landscape, with the dark band (the stored top) on the right.
      const photo960 = imageVariantKeys(doc.photo).find((v) => v.mediaType === 'image/jpeg' && v.width === 960)!;
      const { data, info } = await sharp((await site.get(`${prefix}${photo960.key}`))!.body)
        .raw()
        .toBuffer({ resolveWithObject: true });
      const green = (x: number, y: number) => data[(y * info.width + x) * info.channels + 1]!;
      expect(green(info.width - 20, 270)).toBeLessThan(70);
      expect(green(20, 270)).toBeGreaterThan(130);

      const copy = await site.get(`${prefix}${attachmentPath(doc.attachment)}`);
      expect(copy?.body.equals(doc.originals.xlsx)).toBe(true);
      expect(copy).toMatchObject({ contentType: doc.attachment.mediaType, cacheControl: ATTACHMENT_CACHE, provenance });
    },
  );

  mediaTest('a second run writes nothing, and the same original always gives the same bytes', async ({ assets, site }) => {
    const doc = await documentWithMedia(assets);
    const first = await publishMedia({ sourceStore: assets, siteStore: site, prefix, ...doc });
    expect(first.written.length).toBe(11);
    expect(await publishMedia({ sourceStore: assets, siteStore: site, prefix, ...doc })).toEqual({ written: [] });

    // Variant keys are named by content: encoding again (another site prefix) must give the bytes already cached.
    const again = await publishMedia({ sourceStore: assets, siteStore: site, prefix: 'mirror/', ...doc });
    expect(again.written.length).toBe(11);
    for (const key of first.written) {
      const a = await site.get(key);
      const b = await site.get(`mirror/${key.slice(prefix.length)}`);
      expect(b?.body.equals(a!.body), key).toBe(true);
    }
  });

  mediaTest(
    'an image already in the site is not read again: a later document reusing it writes nothing for it',
    async ({ assets, site }) => {
      const doc = await documentWithMedia(assets);
      await publishMedia({ sourceStore: assets, siteStore: site, prefix, ...doc });
      // Gone from the assets bucket: only work already done could still succeed.
      await assets.deleteMany([doc.chart.key, doc.photo.key, doc.icon.key, doc.attachment.key]);
      const later = DocumentRevision.parse({ ...doc.revision, documentId: 'doc_01M80000000000000000000042' });
      expect(
        await publishMedia({
          sourceStore: assets,
          siteStore: site,
          prefix,
          revision: later,
          fingerprint: sourceFingerprint(later),
        }),
      ).toEqual({ written: [] });
    },
  );

  mediaTest('a tampered original is refused, naming the block, and nothing is written for it', async ({ assets, site }) => {
    const doc = await documentWithMedia(assets);
    await assets.put(doc.photo.key, await sharp(doc.originals.jpeg).greyscale().jpeg().toBuffer(), {
      contentType: 'image/jpeg',
    });
    const error = await publishMedia({ sourceStore: assets, siteStore: site, prefix, ...doc }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ code: 'media_sha256_mismatch', retryable: false });
    const path = `body[${doc.imageAt(doc.photo)}]`;
    expect((error as Error).message).toContain(path);
    expect((error as Error).message).toContain(doc.photo.key);
    expect((error as InvalidInputError).details).toEqual([
      { field: `${path}.sha256`, reason: expect.stringContaining(doc.photo.sha256) },
    ]);
    for (const variant of imageVariantKeys(doc.photo)) expect(await site.head(`${prefix}${variant.key}`)).toBeNull();
  });

  mediaTest(
    'a missing original, an altered attachment or a block that misstates the image are refused',
    async ({ assets, site }) => {
      const doc = await documentWithMedia(assets);
      const run = (revision: DocumentRevision) =>
        publishMedia({ sourceStore: assets, siteStore: site, prefix, revision, fingerprint: sourceFingerprint(revision) }).then(
          () => expect.unreachable('publishMedia should have refused the revision'),
          (e: unknown) => e as InvalidInputError,
        );
      const withBlock = (block: ImageBlock) =>
        DocumentRevision.parse({
          ...doc.revision,
          body: doc.revision.body.map((b) => (b.type === 'image' && b.key === doc.chart.key ? block : b)),
        });
      const chartPath = `body[${doc.imageAt(doc.chart)}]`;

      const missing = await run(withBlock({ ...doc.chart, key: 'uploads/2022/never-uploaded.png' }));
      expect(missing).toMatchObject({ code: 'media_missing', retryable: false });
      expect(missing.message).toContain(chartPath);

      const misstated = await run(withBlock({ ...doc.chart, width: 1200, height: 675 }));
      expect(misstated).toMatchObject({ code: 'media_dimensions_mismatch' });
      expect(misstated.message).toContain('1600×900');

      const mislabelled = await run(withBlock({ ...doc.chart, mediaType: 'image/jpeg' }));
      expect(mislabelled).toMatchObject({ code: 'media_type_mismatch' });

      await assets.put(doc.attachment.key, Buffer.from('another spreadsheet'), { contentType: 'application/octet-stream' });
      const altered = await run(doc.revision);
      // The images are fine and written; the attachment is refused by its place in the revision.
      expect(altered).toMatchObject({ code: 'media_sha256_mismatch' });
      expect(altered.message).toContain('attachments[0]');
      expect(await site.head(`${prefix}${attachmentPath(doc.attachment)}`)).toBeNull();
    },
  );
});

describe('planMedia', () => {
  it('lists each image once however many blocks show it, and each attachment at the path the page links', () => {
    const revision = revisionFromCorpus('zigong-2022-task-division');
    const block = {
      type: 'image',
      key: 'uploads/a.png',
      alt: '图',
      width: 2000,
      height: 1000,
      mediaType: 'image/png',
      size: 10,
      sha256: 'a'.repeat(64),
    } satisfies ImageBlock;
    const plan = planMedia({
      ...revision,
      body: [...revision.body, block, { ...block, alt: '同一张图' }],
      attachments: [
        {
          id: 'x',
          title: '附件',
          key: 'attachments/x.pdf',
          sha256: 'b'.repeat(64),
          mediaType: 'application/pdf',
          size: 1,
        },
      ],
    });
    expect(plan.map((work) => (work.kind === 'image' ? work.variants.map((v) => v.key) : [work.siteKey]))).toEqual([
      [
        `media/${'a'.repeat(64)}-480.webp`,
        `media/${'a'.repeat(64)}-960.webp`,
        `media/${'a'.repeat(64)}-480.png`,
        `media/${'a'.repeat(64)}-960.png`,
      ],
      ['attachments/x.pdf'],
    ]);
    expect(plan[0]?.path).toBe(`body[${revision.body.length}]`);
  });
});
