import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { articleImagesOf, INLINE_IMAGE_MAX_WIDTH, leadImageOf, prepareInlineImage } from './article-images.js';
import { wechatLimits } from './limits.js';
import { corpusRevisions, photoBlock, richRevision } from './newmedia-article.fixture.js';

const noise = (width: number, height: number, channels: 3 | 4) =>
  sharp({ create: { width, height, channels, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 60 } } });

describe('articleImagesOf / leadImageOf', () => {
  it('lists the in-article images in order, each once; the lead image is the first', () => {
    const revision = richRevision();
    const images = articleImagesOf(revision);
    expect(images.map((image) => image.key)).toEqual(['images/2022/zigong-forum.jpg', 'images/2022/zigong-chart.png']);
    expect(articleImagesOf({ ...revision, body: [...revision.body, photoBlock] })).toHaveLength(2);
    expect(leadImageOf(revision)).toEqual(photoBlock);
  });

  it('gives none for a document without images', () => {
    const [revision] = corpusRevisions();
    expect(articleImagesOf(revision!)).toEqual([]);
    expect(leadImageOf(revision!)).toBeNull();
  });
});

describe('prepareInlineImage: what media/uploadimg accepts', () => {
  it('brings a 6 MB photo PNG under 1 MB as a JPEG, at most 1080 px wide', async () => {
    const original = await noise(1800, 1300, 3).png().toBuffer();
    expect(original.length).toBeGreaterThan(6_000_000);
    const prepared = await prepareInlineImage(original);
    const metadata = await sharp(prepared.bytes).metadata();
    expect(prepared.mediaType).toBe('image/jpeg');
    expect(metadata.format).toBe('jpeg');
    expect(prepared.bytes.length).toBeLessThan(wechatLimits.inlineImageBytes);
    expect(metadata.width).toBe(INLINE_IMAGE_MAX_WIDTH);
    expect(metadata.height).toBe(Math.round((1300 * INLINE_IMAGE_MAX_WIDTH) / 1800));
  });

  it('keeps transparency as a PNG under 1 MB, even for a 4 MB original of pure noise', async () => {
    const original = await noise(1200, 900, 4).png().toBuffer();
    expect(original.length).toBeGreaterThan(4_000_000);
    const prepared = await prepareInlineImage(original);
    const metadata = await sharp(prepared.bytes).metadata();
    expect(prepared.mediaType).toBe('image/png');
    expect(metadata.format).toBe('png');
    expect(metadata.hasAlpha).toBe(true);
    expect(prepared.bytes.length).toBeLessThan(wechatLimits.inlineImageBytes);
    expect(metadata.width).toBeLessThanOrEqual(INLINE_IMAGE_MAX_WIDTH);
  });

  it('turns GIF and WebP into JPEG, keeps a small image at its size, and applies EXIF orientation', async () => {
    const gif = await prepareInlineImage(await noise(200, 100, 3).gif().toBuffer());
    expect(gif.mediaType).toBe('image/jpeg');
    expect((await sharp(gif.bytes).metadata()).width).toBe(200);
    const webp = await prepareInlineImage(await noise(640, 480, 3).webp().toBuffer());
    expect(webp.mediaType).toBe('image/jpeg');
    expect((await sharp(webp.bytes).metadata()).width).toBe(640);
    // Orientation 6: stored landscape, shown portrait.
    const rotated = await prepareInlineImage(await noise(400, 200, 3).jpeg().withMetadata({ orientation: 6 }).toBuffer());
    const metadata = await sharp(rotated.bytes).metadata();
    expect([metadata.width, metadata.height]).toEqual([200, 400]);
    expect(metadata.orientation).toBeUndefined();
  });

  it('treats a PNG whose alpha is fully opaque as a photo (JPEG)', async () => {
    const opaque = await sharp({
      create: { width: 300, height: 200, channels: 4, background: { r: 10, g: 80, b: 160, alpha: 1 } },
    })
      .png()
      .toBuffer();
    expect((await prepareInlineImage(opaque)).mediaType).toBe('image/jpeg');
  });

  it('refuses bytes that are not an image', async () => {
    await expect(prepareInlineImage(Buffer.from('<svg onload=alert(1)>'))).rejects.toThrow();
  });
});
