import type { DocumentRevision, ImageBlock } from '@tongyuan/contracts';
import sharp from 'sharp';
import { wechatLimits } from './limits.js';

export type ArticleImage = ImageBlock;

/** The in-article images the content needs, in order, each once (each must go up through media/uploadimg first). */
export const articleImagesOf = (revision: DocumentRevision): ImageBlock[] => {
  const seen = new Set<string>();
  return revision.body.filter((block): block is ImageBlock => {
    if (block.type !== 'image' || seen.has(block.key)) return false;
    seen.add(block.key);
    return true;
  });
};

/** The lead image of a revision (its first image block), or null: the cover is cropped from it. */
export const leadImageOf = (revision: DocumentRevision): ImageBlock | null =>
  revision.body.find((block): block is ImageBlock => block.type === 'image') ?? null;

export interface InlineImage {
  bytes: Buffer;
  mediaType: 'image/jpeg' | 'image/png';
}

/** Phones show articles at most this wide (in device pixels); wider originals only cost upload bytes. */
export const INLINE_IMAGE_MAX_WIDTH = 1080;

// Tried in order until the image is under the limit: quality first, then size.
const JPEG_QUALITIES = [82, 72, 62, 52] as const;
const SCALE_STEPS = [1, 0.8, 0.64, 0.5, 0.4, 0.3, 0.2] as const;

/**
 * An original (JPEG, PNG, GIF or WebP) re-encoded to what media/uploadimg accepts: JPEG for photos, PNG when the image
 * has transparency (palette-quantized if needed), at most 1080 px wide, EXIF orientation applied and metadata stripped,
 * and under 1 MB — quality is lowered first, then the image is scaled down. An animated GIF keeps its first frame.
 * The original is decoded once, straight to its target size (libvips shrinks JPEGs while decoding them).
 */
export async function prepareInlineImage(original: Buffer): Promise<InlineImage> {
  const metadata = await sharp(original, { animated: false }).metadata();
  if (metadata.width === undefined || metadata.height === undefined) throw new Error('prepareInlineImage: not an image');
  const pixels = await sharp(original, { animated: false, limitInputPixels: 100_000_000 })
    .rotate()
    .resize({ width: INLINE_IMAGE_MAX_WIDTH, withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height, channels } = pixels.info;
  const alpha = channels === 4 && !(await sharp(pixels.data, { raw: { width, height, channels } }).stats()).isOpaque;
  for (const scale of SCALE_STEPS) {
    const scaled = sharp(pixels.data, { raw: { width, height, channels } });
    const resized = scale === 1 ? scaled : scaled.resize({ width: Math.max(1, Math.round(width * scale)) });
    const attempts = alpha
      ? [
          () => resized.clone().png({ compressionLevel: 6 }),
          () => resized.clone().png({ compressionLevel: 6, palette: true, quality: 90, effort: 4 }),
        ]
      : JPEG_QUALITIES.map((quality) => () => resized.clone().flatten({ background: '#ffffff' }).jpeg({ quality }));
    for (const attempt of attempts) {
      const bytes = await attempt().toBuffer();
      if (bytes.length < wechatLimits.inlineImageBytes) return { bytes, mediaType: alpha ? 'image/png' : 'image/jpeg' };
    }
  }
  throw new Error('prepareInlineImage: cannot bring the image under 1 MB');
}
