import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { COVER_SIZE, renderCovers, THUMB_SIZE } from './covers.renderer.js';
import { wechatLimits } from './limits.js';

const expectJpeg = async (bytes: Buffer, size: { width: number; height: number }) => {
  const metadata = await sharp(bytes).metadata();
  expect(metadata.format).toBe('jpeg');
  expect([metadata.width, metadata.height]).toEqual([size.width, size.height]);
};

/** Share of near-white pixels: the title's strokes on the red ground. */
const whiteShare = async (bytes: Buffer): Promise<number> => {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  let white = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 220 && data[i + 1]! > 220 && data[i + 2]! > 220) white += 1;
  return white / (info.width * info.height);
};

const redShare = async (bytes: Buffer): Promise<number> => {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  let red = 0;
  for (let i = 0; i < data.length; i += info.channels) if (data[i]! > 180 && data[i + 1]! < 80 && data[i + 2]! < 80) red += 1;
  return red / (info.width * info.height);
};

describe('renderCovers', () => {
  it('generates a text cover of exactly 900×383 and a 300×300 thumbnail ≤ 64 KB when there is no lead image', async () => {
    const { cover, thumb } = await renderCovers({
      title: '2019年宁波市海曙区政务公开工作要点',
      accountName: '海曙发布',
      leadImage: null,
    });
    await expectJpeg(cover, COVER_SIZE);
    await expectJpeg(thumb, THUMB_SIZE);
    expect(thumb.length).toBeLessThanOrEqual(wechatLimits.thumbBytes);
    expect(COVER_SIZE.width / COVER_SIZE.height).toBeCloseTo(2.35, 2);
    // The title is drawn: white strokes cover a visible part of the red ground, on both images.
    expect(await whiteShare(cover)).toBeGreaterThan(0.02);
    expect(await whiteShare(thumb)).toBeGreaterThan(0.02);
  });

  it('fits a long title (shrinking, then shortening it) and escapes pango markup in it', async () => {
    const title = `<b>关于进一步加强和规范政务公开工作推进基层政务公开标准化规范化建设的实施意见</b>&amp;${'（试行）'.repeat(8)}`;
    const { cover, thumb } = await renderCovers({ title, accountName: '自贡市人民政府办公室', leadImage: null });
    await expectJpeg(cover, COVER_SIZE);
    await expectJpeg(thumb, THUMB_SIZE);
    expect(thumb.length).toBeLessThanOrEqual(wechatLimits.thumbBytes);
  });

  it('is the same bytes for the same title, and differs for another', async () => {
    const input = { title: '2024年政务公开工作要点', accountName: '莱阳发布', leadImage: null };
    const first = await renderCovers(input);
    expect((await renderCovers(input)).cover.equals(first.cover)).toBe(true);
    expect((await renderCovers({ ...input, title: '2023年政务公开工作要点' })).cover.equals(first.cover)).toBe(false);
  });

  it('gives each account of a revision the same title and its own name in the band, whatever the order they come in', async () => {
    const title = '关于进一步优化营商环境更好服务市场经营主体的实施意见';
    const [first, second] = await Promise.all(
      ['海曙发布', '宁波发布'].map((accountName) => renderCovers({ title, accountName, leadImage: null })),
    );
    const firstAgain = await renderCovers({ title, accountName: '海曙发布', leadImage: null });
    // The title drawn once per revision is not changed by an account's name drawn over it.
    expect(firstAgain.cover.equals(first!.cover)).toBe(true);
    const pixels = async (bytes: Buffer) => (await sharp(bytes).raw().toBuffer({ resolveWithObject: true })).data;
    const [a, b] = await Promise.all([pixels(first!.cover), pixels(second!.cover)]);
    // JPEG blocks are 16 px tall: the rows above the block holding the band's top (y = 319) are encoded from the same
    // pixels for both accounts; the band holds the names, which differ.
    const rowBytes = COVER_SIZE.width * 3;
    const aboveBand = Math.floor((COVER_SIZE.height - 64) / 16) * 16 * rowBytes;
    expect(a.subarray(0, aboveBand).equals(b.subarray(0, aboveBand))).toBe(true);
    expect(a.subarray((COVER_SIZE.height - 64) * rowBytes).equals(b.subarray((COVER_SIZE.height - 64) * rowBytes))).toBe(false);
    expect(first!.thumb.equals(second!.thumb)).toBe(true);
  });

  it('enlarges a small lead image to the exact sizes rather than leaving it short', async () => {
    const small = await sharp({ create: { width: 320, height: 240, channels: 3, background: '#2a6fb0' } })
      .jpeg()
      .toBuffer();
    const { cover, thumb } = await renderCovers({ title: '标题', accountName: '自贡发布', leadImage: small });
    await expectJpeg(cover, COVER_SIZE);
    await expectJpeg(thumb, THUMB_SIZE);
  });

  it('crops the lead image to 900×383 and 1:1, keeping its salient part, the thumbnail ≤ 64 KB even for a noisy photo', async () => {
    // A grey noisy photo with one red subject on the right, outside a centred square: the attention crop keeps it.
    const subject = await sharp({ create: { width: 200, height: 200, channels: 3, background: '#e01010' } })
      .png()
      .toBuffer();
    const photo = await sharp({
      create: { width: 1600, height: 800, channels: 3, background: '#787878', noise: { type: 'gaussian', mean: 120, sigma: 40 } },
    })
      .composite([{ input: subject, left: 1250, top: 300 }])
      .png()
      .toBuffer();
    const { cover, thumb } = await renderCovers({ title: '不用的标题', accountName: '自贡发布', leadImage: photo });
    await expectJpeg(cover, COVER_SIZE);
    await expectJpeg(thumb, THUMB_SIZE);
    expect(thumb.length).toBeLessThanOrEqual(wechatLimits.thumbBytes);
    expect(await redShare(thumb)).toBeGreaterThan(0.04);
    expect(await redShare(cover)).toBeGreaterThan(0.025);
  });
});
