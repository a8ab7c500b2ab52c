import { createHash } from 'node:crypto';
import type { Attachment, DocumentRevision, ImageBlock } from '@tongyuan/contracts';
import { InvalidInputError } from '@tongyuan/errors';
import type { ObjectStore, Provenance } from '@tongyuan/object-store';
import { attachmentPath, type ImageVariant, imageVariantKeys } from '@tongyuan/portal-site';
import sharp, { type Metadata } from 'sharp';

/** Variant keys carry the original's SHA-256: their bytes never change, so browsers and CDNs keep them for a year. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** Attachments keep the key the editors gave them, which a correction may refill with other bytes. */
export const ATTACHMENT_CACHE = 'public, max-age=300';

export interface ImageWork {
  kind: 'image';
  /** Where the block sits in the revision, for error messages: body[3]. */
  path: string;
  block: ImageBlock;
  /** Keys relative to the site prefix. */
  variants: ImageVariant[];
}

export interface AttachmentWork {
  kind: 'attachment';
  path: string;
  attachment: Attachment;
  /** Key relative to the site prefix: the path the page links. */
  siteKey: string;
}

export type MediaWork = ImageWork | AttachmentWork;

/** The media a revision's page links, and where each file comes from. Pure: the same revision gives the same plan. */
export const planMedia = (revision: DocumentRevision): MediaWork[] => {
  const work: MediaWork[] = [];
  const seen = new Set<string>();
  revision.body.forEach((block, i) => {
    // The same image twice (or in two blocks) has the same variants: resize it once.
    if (block.type !== 'image' || seen.has(`image ${block.sha256}`)) return;
    seen.add(`image ${block.sha256}`);
    work.push({ kind: 'image', path: `body[${i}]`, block, variants: imageVariantKeys(block) });
  });
  revision.attachments.forEach((attachment, i) => {
    const siteKey = attachmentPath(attachment);
    // Same key and same bytes: one copy. Same key, other bytes: kept, so the wrong one fails its check.
    if (seen.has(`attachment ${siteKey} ${attachment.sha256}`)) return;
    seen.add(`attachment ${siteKey} ${attachment.sha256}`);
    work.push({ kind: 'attachment', path: `attachments[${i}]`, attachment, siteKey });
  });
  return work;
};

export interface PublishMediaOptions {
  /** The assets bucket editors upload originals to; keys are those of the revision. */
  sourceStore: ObjectStore;
  /** The site bucket. */
  siteStore: ObjectStore;
  /** Key prefix of the site in its bucket, e.g. 'site/'. */
  prefix: string;
  revision: DocumentRevision;
  fingerprint: string;
}

/**
 * Writes what the revision's page links: every image variant (resized from the original) and every attachment, each
 * checked against the SHA-256 the revision states. Files already in the site are not read or encoded again.
 * Throws InvalidInputError (not retryable: the event is dead-lettered with the reason) for a missing, altered or
 * unreadable original.
 */
export const publishMedia = async (options: PublishMediaOptions): Promise<{ written: string[] }> => {
  const { revision, fingerprint } = options;
  const provenance: Provenance = { documentId: revision.documentId, revision: revision.revision, fingerprint };
  const written: string[] = [];
  for (const work of planMedia(revision)) {
    const keys =
      work.kind === 'image' ? await publishImage(options, work, provenance) : await copyAttachment(options, work, provenance);
    written.push(...keys);
  }
  return { written };
};

const publishImage = async (options: PublishMediaOptions, work: ImageWork, provenance: Provenance): Promise<string[]> => {
  const { siteStore, prefix } = options;
  const present = await Promise.all(work.variants.map((variant) => siteStore.head(`${prefix}${variant.key}`)));
  const missing = work.variants.filter((_, i) => present[i] === null);
  if (missing.length === 0) return [];

  const { block, path } = work;
  const original = await readOriginal(options.sourceStore, block, path, 'image');
  await checkImage(original, block, path);
  const written: string[] = [];
  for (const variant of missing) {
    const key = `${prefix}${variant.key}`;
    await siteStore.put(key, await encodeVariant(original, variant), {
      contentType: variant.mediaType,
      cacheControl: IMMUTABLE_CACHE,
      provenance,
    });
    written.push(key);
  }
  return written;
};

const copyAttachment = async (options: PublishMediaOptions, work: AttachmentWork, provenance: Provenance): Promise<string[]> => {
  const { siteStore, prefix } = options;
  const key = `${prefix}${work.siteKey}`;
  // The store records each object's SHA-256: the same bytes are already served there.
  if ((await siteStore.head(key))?.sha256 === work.attachment.sha256) return [];
  const bytes = await readOriginal(options.sourceStore, work.attachment, work.path, 'attachment');
  await siteStore.put(key, bytes, { contentType: work.attachment.mediaType, cacheControl: ATTACHMENT_CACHE, provenance });
  return [key];
};

const refuse = (path: string, field: string, reason: string, code: string, message: string): InvalidInputError =>
  new InvalidInputError(`${path}: ${message}`, [{ field: `${path}.${field}`, reason }], code);

/** The original from the assets bucket, refused unless its bytes are the ones the revision was reviewed with. */
const readOriginal = async (
  store: ObjectStore,
  file: { key: string; sha256: string; size: number },
  path: string,
  what: 'image' | 'attachment',
): Promise<Buffer> => {
  const stored = await store.get(file.key);
  if (stored === null) {
    const reason = `not found in bucket ${store.bucket}`;
    throw refuse(path, 'key', reason, 'media_missing', `${what} ${file.key} is ${reason}`);
  }
  const actual = createHash('sha256').update(stored.body).digest('hex');
  if (actual !== file.sha256) {
    const reason = `the stored file has SHA-256 ${actual}, the revision states ${file.sha256}`;
    throw refuse(path, 'sha256', reason, 'media_sha256_mismatch', `${what} ${file.key}: ${reason}`);
  }
  // The page shows the size; the same bytes with another stated size means the revision is wrong about them.
  if (stored.body.length !== file.size) {
    const reason = `the file is ${stored.body.length} bytes, the revision states ${file.size}`;
    throw refuse(path, 'size', reason, 'media_size_mismatch', `${what} ${file.key}: ${reason}`);
  }
  return stored.body;
};

const formatMediaType: Record<string, ImageBlock['mediaType']> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
};

/** The page states the image's type and size (width/height attributes, variant heights): the file must match them. */
const checkImage = async (original: Buffer, block: ImageBlock, path: string): Promise<void> => {
  let metadata: Metadata;
  try {
    metadata = await sharp(original).metadata();
  } catch (error) {
    throw refuse(
      path,
      'key',
      'not a readable image',
      'media_unreadable',
      `image ${block.key} is not a readable image: ${(error as Error).message}`,
    );
  }
  const mediaType = formatMediaType[metadata.format];
  if (mediaType !== block.mediaType) {
    const reason = `the file is ${mediaType ?? metadata.format}, the block states ${block.mediaType}`;
    throw refuse(path, 'mediaType', reason, 'media_type_mismatch', `image ${block.key}: ${reason}`);
  }
  // As displayed: a camera JPEG stored sideways with an EXIF orientation is shown (and resized) upright.
  const { width, height } = metadata.autoOrient;
  if (width !== block.width || height !== block.height) {
    const reason = `the image is ${width}×${height}, the block states ${block.width}×${block.height}`;
    throw refuse(path, 'width', reason, 'media_dimensions_mismatch', `image ${block.key}: ${reason}`);
  }
};

/**
 * One variant's bytes: upright, at exactly the planned size (never wider than the original: the plan caps it), without
 * EXIF or other metadata (sharp writes none unless asked), in sRGB. libvips encodes the same input to the same bytes.
 */
export const encodeVariant = async (original: Buffer, variant: ImageVariant): Promise<Buffer> => {
  const image = sharp(original, { failOn: 'error' })
    .autoOrient()
    .resize(variant.width, variant.height, { fit: 'fill', withoutEnlargement: true });
  switch (variant.mediaType) {
    case 'image/webp':
      return image.webp({ quality: 80, effort: 4 }).toBuffer();
    case 'image/jpeg':
      // JPEG has no transparency: a transparent GIF or WebP shows on white, as on the page, not on black.
      return image.flatten({ background: '#ffffff' }).jpeg({ quality: 82, mozjpeg: true }).toBuffer();
    case 'image/png':
      return image.png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
  }
};
