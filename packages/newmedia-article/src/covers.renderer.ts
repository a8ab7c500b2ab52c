import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { wechatLimits } from './limits.js';
import { recentResults } from './recent-results.js';

export interface CoversInput {
  title: string;
  accountName: string;
  /** the lead image's original bytes, or null for a generated text cover */
  leadImage: Buffer | null;
}

export interface Covers {
  /** 900×383 JPEG (2.35:1), the article's cover */
  cover: Buffer;
  /** 1:1 JPEG ≤ 64 KB, the thumbnail of shares and lists */
  thumb: Buffer;
}

export const COVER_SIZE = { width: 900, height: 383 } as const;
export const THUMB_SIZE = { width: 300, height: 300 } as const;

// 政务红 on a deep band; white text on it has a contrast above 7:1.
const COVER_BACKGROUND = '#9e1b16';
const COVER_BAND = '#7a120e';
const COVER_BAND_HEIGHT = 64;
const THUMB_BAND_HEIGHT = 24;
// Installed by scripts/install-system-packages.sh (fonts-noto-cjk); fontconfig finds it by family name.
const CJK_FONT = 'Noto Sans CJK SC';

interface RawImage {
  data: Buffer;
  info: { width: number; height: number; channels: 1 | 2 | 3 | 4 };
}

const escapePango = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);

/** The text as raw RGBA pixels, wrapped within `width` by pango at the given size (points at 72 dpi = pixels). */
const textImage = async (
  text: string,
  options: { size: number; width: number; bold: boolean; color: string; align: 'left' | 'centre' },
): Promise<RawImage> =>
  sharp({
    text: {
      text: `<span foreground="${options.color}">${escapePango(text)}</span>`,
      font: `${CJK_FONT}${options.bold ? ' Bold' : ''} ${options.size}`,
      width: options.width,
      dpi: 72,
      rgba: true,
      wrap: 'char',
      align: options.align,
      spacing: Math.round(options.size * 0.35),
    },
  })
    .raw()
    .toBuffer({ resolveWithObject: true }) as Promise<RawImage>;

// Advance widths of Noto Sans CJK in ems: CJK and full-width forms 1, the rest (digits, Latin, ASCII) about 0.55.
const emWidth = (text: string): number =>
  Array.from(text).reduce(
    (sum, char) =>
      sum +
      (/[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(char) ||
      char.codePointAt(0)! > 0xffff
        ? 1
        : 0.55),
    0,
  );

/**
 * The largest size (down to `min`) at which the text fits the box, wrapped into lines of even length (a title never
 * ends in an orphaned character): the estimated one-line width decides the line count, the width is that over the
 * count plus one character of slack; pango's result is then checked against the box.
 */
const fittedText = async (
  text: string,
  box: { width: number; height: number; maxSize: number; min: number },
  color: string,
): Promise<RawImage> => {
  const ems = emWidth(text);
  for (let size = box.maxSize; size >= box.min; size -= 4) {
    const lineWidth = ems * size;
    let lines = Math.max(1, Math.ceil(lineWidth / box.width));
    while (Math.ceil(lineWidth / lines) + size > box.width) lines += 1;
    if (lines * size * 1.3 > box.height) continue;
    const image = await textImage(text, { size, width: Math.ceil(lineWidth / lines) + size, bold: true, color, align: 'centre' });
    if (image.info.height <= box.height && image.info.width <= box.width) return image;
  }
  // Still too tall at the smallest size: the title is shortened, never overflowing the cover.
  const chars = Array.from(text.replace(/…$/, ''));
  return fittedText(`${chars.slice(0, Math.max(8, Math.floor(chars.length * 0.8))).join('')}…`, box, color);
};

// The grounds never change: drawn once per process, as raw pixels.
const grounds = new Map<string, Promise<RawImage>>();
const ground = (width: number, height: number, band: number): Promise<RawImage> => {
  const key = `${width}x${height}/${band}`;
  let image = grounds.get(key);
  if (image === undefined) {
    image = sharp({ create: { width, height, channels: 3, background: COVER_BACKGROUND } })
      .composite([
        { input: { create: { width, height: band, channels: 3, background: COVER_BAND } }, top: height - band, left: 0 },
      ])
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true }) as Promise<RawImage>;
    grounds.set(key, image);
  }
  return image;
};

/**
 * Text (RGBA) drawn over a ground (RGB), in place of sharp's composite: libvips composites in linear float, which
 * took 17 ms of a cover's 20; a straight alpha blend of the text's pixels is under 1 ms and gives the same picture.
 */
const drawOver = (ground: RawImage, layers: Array<{ image: RawImage; left: number; top: number }>): RawImage => {
  const data = Buffer.from(ground.data);
  const { width, height, channels } = ground.info;
  if (channels !== 3) throw new Error(`drawOver: the ground has ${channels} channels, not RGB`);
  for (const { image, left, top } of layers) {
    const { data: pixels, info } = image;
    if (info.channels !== 4) throw new Error(`drawOver: text has ${info.channels} channels, not RGBA`);
    for (let y = 0; y < info.height && top + y < height; y++) {
      for (let x = 0; x < info.width && left + x < width; x++) {
        const from = (y * info.width + x) * 4;
        const alpha = pixels[from + 3]!;
        if (alpha === 0) continue;
        const to = ((top + y) * width + left + x) * 3;
        for (let c = 0; c < 3; c++) data[to + c] = Math.round((pixels[from + c]! * alpha + data[to + c]! * (255 - alpha)) / 255);
      }
    }
  }
  return { data, info: ground.info };
};

const centredIn = (outer: { width: number; height: number }, image: RawImage) => ({
  image,
  top: Math.max(0, Math.round((outer.height - image.info.height) / 2)),
  left: Math.max(0, Math.round((outer.width - image.info.width) / 2)),
});

// Without the optimised Huffman tables (a second pass over the image): 40 % less CPU for a cover about 8 % larger, made
// once per account of every revision. The thumbnail, once per revision and held to 64 KB, keeps them.
const jpegOf = (image: RawImage, quality: number): Promise<Buffer> =>
  sharp(image.data, { raw: image.info }).jpeg({ quality, optimiseCoding: false }).toBuffer();

// An account's name is drawn on every cover it publishes: kept per name (a matrix has hundreds of accounts, not more).
const accountNames = recentResults<RawImage>(1024);
const accountNameImage = (name: string): Promise<RawImage> =>
  accountNames(name, () => textImage(name, { size: 24, width: 780, bold: false, color: '#f6e3df', align: 'left' }));

// The title set on its ground, the thumbnail and a lead image's crops do not depend on the account: made once per
// revision. Each account then draws only its name in the band and encodes the JPEG.
const headedGrounds = recentResults<RawImage>(16);
const textThumbs = recentResults<Buffer>(16);
const photoCovers = recentResults<Covers>(8);

const textCover = async (title: string, accountName: string): Promise<Buffer> => {
  const { width, height } = COVER_SIZE;
  const band = COVER_BAND_HEIGHT;
  const [headed, name] = await Promise.all([
    headedGrounds(title, async () => {
      const [base, heading] = await Promise.all([
        ground(width, height, band),
        fittedText(title, { width: 780, height: height - band - 56, maxSize: 52, min: 28 }, '#ffffff'),
      ]);
      return drawOver(base, [centredIn({ width, height: height - band }, heading)]);
    }),
    accountNameImage(accountName),
  ]);
  const nameTop = height - band + Math.max(0, Math.round((band - name.info.height) / 2));
  return jpegOf(drawOver(headed, [{ image: name, left: 60, top: nameTop }]), 88);
};

const textThumb = async (title: string): Promise<Sharp> => {
  const { width, height } = THUMB_SIZE;
  const [base, heading] = await Promise.all([
    ground(width, height, THUMB_BAND_HEIGHT),
    fittedText(title, { width: 250, height: 230, maxSize: 40, min: 20 }, '#ffffff'),
  ]);
  const drawn = drawOver(base, [centredIn({ width, height: height - THUMB_BAND_HEIGHT }, heading)]);
  return sharp(drawn.data, { raw: drawn.info });
};

/** A 1:1 JPEG at most 64 KB: quality is lowered until it fits (300×300 fits well above quality 40). */
const thumbJpeg = async (square: Sharp): Promise<Buffer> => {
  for (const quality of [85, 75, 65, 55, 45, 35]) {
    const bytes = await square.clone().jpeg({ quality }).toBuffer();
    if (bytes.length <= wechatLimits.thumbBytes) return bytes;
  }
  throw new Error('renderCovers: thumbnail does not fit in 64 KB');
};

/**
 * The cover (900×383, 2.35:1) and the 1:1 thumbnail (300×300, ≤ 64 KB), both JPEG. From the lead image: cropped to
 * the region sharp's attention strategy finds most salient. Without one: a generated text cover, the title in
 * Noto Sans CJK Bold on 政务红, the account name in the band below.
 */
export async function renderCovers(input: CoversInput): Promise<Covers> {
  const { leadImage } = input;
  if (leadImage !== null) {
    return photoCovers(createHash('sha256').update(leadImage).digest('hex'), () => photoCoversOf(leadImage));
  }
  const [cover, thumb] = await Promise.all([
    textCover(input.title, input.accountName),
    textThumbs(input.title, async () => thumbJpeg(await textThumb(input.title))),
  ]);
  return { cover, thumb };
}

/** From the lead image alone (the account is not on a photo cover). */
async function photoCoversOf(leadImage: Buffer): Promise<Covers> {
  // Decoded once, shrunk on load to the least size that still covers 900×383 (and so 300×300): a 12-megapixel
  // photo costs a tenth of a full decode, and both crops start from the same pixels.
  const upright = await sharp(leadImage, { animated: false, limitInputPixels: 100_000_000 })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize({ ...COVER_SIZE, fit: 'outside', withoutEnlargement: true })
    .raw()
    .toBuffer({ resolveWithObject: true });
  const crop = (size: { width: number; height: number }) =>
    sharp(upright.data, { raw: upright.info as RawImage['info'] }).resize({
      ...size,
      fit: 'cover',
      position: sharp.strategy.attention,
    });
  const cover = await crop(COVER_SIZE).jpeg({ quality: 85 }).toBuffer();
  return { cover, thumb: await thumbJpeg(crop(THUMB_SIZE)) };
}
