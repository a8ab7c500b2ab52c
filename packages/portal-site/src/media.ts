import type { Attachment, ImageBlock } from '@tongyuan/contracts';
import { byteSize, mediaTypeLabel } from './display-format.js';
import type { SiteConfig } from './site.js';

/** Widths the portal offers each image at: one for phones, one for wide screens. */
export const IMAGE_WIDTHS = [480, 960] as const;

export interface ImageVariant {
  /** S3 key under the site prefix, e.g. media/<sha256>-960.webp */
  key: string;
  width: number;
  height: number;
  mediaType: 'image/webp' | 'image/jpeg' | 'image/png';
}

/**
 * The resized copies the service must write for an image block: WebP plus a JPEG (PNG for PNG sources, to keep
 * transparency) at each width, never wider than the original. Keys come from the image's SHA-256, so the same bytes
 * always give the same keys and are resized once however many documents use them.
 */
export const imageVariantKeys = (block: ImageBlock): ImageVariant[] => {
  const widths = [...new Set(IMAGE_WIDTHS.map((width) => Math.min(width, block.width)))];
  const fallback =
    block.mediaType === 'image/png'
      ? { ext: 'png', mediaType: 'image/png' as const }
      : { ext: 'jpg', mediaType: 'image/jpeg' as const };
  return [{ ext: 'webp', mediaType: 'image/webp' as const }, fallback].flatMap(({ ext, mediaType }) =>
    widths.map((width) => ({
      key: `media/${block.sha256}-${width}.${ext}`,
      width,
      height: Math.max(1, Math.round((block.height * width) / block.width)),
      mediaType,
    })),
  );
};

/** Attachments are served from the site at their object key; the service copies them there. */
export const attachmentPath = (attachment: Attachment): string => attachment.key;

export interface ImageView {
  partial: 'block-image';
  anchor: string | null;
  alt: string;
  caption: string | null;
  width: number;
  height: number;
  webpSrcset: string;
  fallbackSrc: string;
  fallbackSrcset: string;
  fallbackType: string;
  sizes: string;
}

const srcset = (config: SiteConfig, variants: ImageVariant[]): string =>
  variants.map((variant) => `${config.baseUrl}/${variant.key} ${variant.width}w`).join(', ');

export const imageView = (block: ImageBlock, anchor: string | null, config: SiteConfig): ImageView => {
  const variants = imageVariantKeys(block);
  const webp = variants.filter((variant) => variant.mediaType === 'image/webp');
  const fallback = variants.filter((variant) => variant.mediaType !== 'image/webp');
  const largest = fallback[fallback.length - 1]!;
  return {
    partial: 'block-image',
    anchor,
    alt: block.alt,
    caption: block.caption ?? null,
    width: block.width,
    height: block.height,
    webpSrcset: srcset(config, webp),
    fallbackSrc: `${config.baseUrl}/${largest.key}`,
    fallbackSrcset: srcset(config, fallback),
    fallbackType: largest.mediaType,
    // The text column is at most 60rem wide; below that the image fills the screen.
    sizes: `(min-width: 64em) ${Math.min(960, block.width)}px, 100vw`,
  };
};

export interface AttachmentView {
  href: string;
  title: string;
  fileName: string | null;
  typeLabel: string;
  sizeLabel: string;
}

export const attachmentView = (attachment: Attachment, config: SiteConfig): AttachmentView => ({
  href: `${config.baseUrl}/${attachmentPath(attachment)}`,
  title: attachment.title,
  fileName: attachment.fileName ?? null,
  typeLabel: mediaTypeLabel(attachment.mediaType),
  sizeLabel: byteSize(attachment.size),
});
