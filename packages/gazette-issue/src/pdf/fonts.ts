// The gazette's typefaces: Noto CJK from Debian's fonts-noto-cjk, opened from their TTC collections by PostScript name.
// 宋体-like serif for the body and titles, 黑体-like sans for headings and the running heads, as 公文 are set.
import { existsSync } from 'node:fs';

const FONT_DIR = process.env.GAZETTE_FONT_DIR ?? '/usr/share/fonts/opentype/noto';

export const fontFaces = {
  song: { file: 'NotoSerifCJK-Regular.ttc', postscriptName: 'NotoSerifCJKsc-Regular' },
  songBold: { file: 'NotoSerifCJK-Bold.ttc', postscriptName: 'NotoSerifCJKsc-Bold' },
  hei: { file: 'NotoSansCJK-Regular.ttc', postscriptName: 'NotoSansCJKsc-Regular' },
  heiBold: { file: 'NotoSansCJK-Bold.ttc', postscriptName: 'NotoSansCJKsc-Bold' },
} as const;

export type FontName = keyof typeof fontFaces;

export const fontPath = (name: FontName): string => {
  const path = `${FONT_DIR}/${fontFaces[name].file}`;
  if (!existsSync(path)) {
    throw new Error(`the gazette PDF needs ${path} (Debian package fonts-noto-cjk; or set GAZETTE_FONT_DIR)`);
  }
  return path;
};
