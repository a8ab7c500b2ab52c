// Reading a PDF as a reader's tools do: poppler's pdfinfo / pdffonts / pdftotext, and a small object reader for the
// bookmarks (poppler has no outline dump and neither qpdf nor mutool is installed). Test support, not public API.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const withFile = <T>(pdf: Buffer, read: (path: string) => T): T => {
  const dir = mkdtempSync(join(tmpdir(), 'gazette-pdf-'));
  try {
    const path = join(dir, 'issue.pdf');
    writeFileSync(path, pdf);
    return read(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export const pdfInfo = (pdf: Buffer): Record<string, string> =>
  withFile(pdf, (path) => {
    const out = execFileSync('pdfinfo', ['-isodates', path], { encoding: 'utf8' });
    return Object.fromEntries(
      out
        .split('\n')
        .map((line) => /^([^:]+):\s*(.*)$/.exec(line))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => [m[1]!.trim(), m[2]!.trim()]),
    );
  });

export interface PdfFont {
  name: string;
  type: string;
  embedded: boolean;
  subset: boolean;
  unicode: boolean;
}

export const pdfFonts = (pdf: Buffer): PdfFont[] =>
  withFile(pdf, (path) =>
    execFileSync('pdffonts', [path], { encoding: 'utf8' })
      .split('\n')
      .slice(2)
      .filter((line) => line.trim() !== '')
      .map((line) => {
        // name, type (may hold spaces), encoding, emb, sub, uni, object, generation
        const m = /^(\S+)\s+(.+?)\s+(\S+)\s+(yes|no)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.exec(line);
        if (m === null) throw new Error(`pdffonts line not understood: ${line}`);
        return { name: m[1]!, type: m[2]!, embedded: m[4] === 'yes', subset: m[5] === 'yes', unicode: m[6] === 'yes' };
      }),
  );

/** pdftotext of pages first..last (1-based), plain reading order or -layout. */
export const pdfText = (pdf: Buffer, pages?: { first: number; last: number }, layout = false): string =>
  withFile(pdf, (path) =>
    execFileSync(
      'pdftotext',
      [
        ...(layout ? ['-layout'] : []),
        ...(pages ? ['-f', String(pages.first), '-l', String(pages.last)] : []),
        '-enc',
        'UTF-8',
        path,
        '-',
      ],
      { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    ),
  );

/** Text as the checks compare it: NFC, every white space removed, so CJK lines that wrapped join as printed. */
export const squeezed = (text: string): string => text.normalize('NFC').replace(/\s+/g, '');

const unescapeLiteral = (raw: string): Buffer => {
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\') {
      bytes.push(c.charCodeAt(0));
      continue;
    }
    const next = raw[++i]!;
    const simple: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
    if (next in simple) bytes.push(simple[next]!);
    else if (/[0-7]/.test(next)) {
      let octal = next;
      while (octal.length < 3 && /[0-7]/.test(raw[i + 1] ?? '')) octal += raw[++i];
      bytes.push(Number.parseInt(octal, 8));
    }
  }
  return Buffer.from(bytes);
};

const decodeTextString = (bytes: Buffer): string => {
  if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(2));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return bytes.toString('latin1');
};

export interface OutlineItem {
  title: string;
  page: number;
  children: OutlineItem[];
}

/** The bookmarks: the catalog's /Outlines tree, each item's title and the page its /Dest points at. */
export const pdfOutline = (pdf: Buffer): OutlineItem[] => {
  const text = pdf.toString('latin1');
  const objects = new Map<number, string>();
  for (const m of text.matchAll(/(\d+) 0 obj\s*(<<[\s\S]*?>>)\s*(?:endobj|stream)/g)) objects.set(Number(m[1]), m[2]!);
  const ref = (dict: string, key: string): number | null => {
    const m = new RegExp(`/${key} (\\d+) 0 R`).exec(dict);
    return m === null ? null : Number(m[1]);
  };
  const catalog = [...objects.values()].find((dict) => /\/Type \/Catalog/.test(dict));
  if (catalog === undefined) throw new Error('no catalog');
  const pagesDict = objects.get(ref(catalog, 'Pages') ?? -1) ?? '';
  const kids = [.../\/Kids \[([^\]]*)\]/.exec(pagesDict)![1]!.matchAll(/(\d+) 0 R/g)].map((m) => Number(m[1]));
  const children = (parent: number): OutlineItem[] => {
    const items: OutlineItem[] = [];
    let at = ref(objects.get(parent) ?? '', 'First');
    while (at !== null) {
      const dict = objects.get(at) ?? '';
      const title = /\/Title \(((?:\\[\s\S]|[^\\)])*)\)/.exec(dict);
      const dest = /\/Dest \[(\d+) 0 R/.exec(dict);
      items.push({
        title: title === null ? '' : decodeTextString(unescapeLiteral(title[1]!)),
        page: dest === null ? 0 : kids.indexOf(Number(dest[1])) + 1,
        children: children(at),
      });
      at = ref(dict, 'Next');
    }
    return items;
  };
  const outlines = ref(catalog, 'Outlines');
  return outlines === null ? [] : children(outlines);
};

export interface PdfWord {
  page: number;
  xMin: number;
  yMin: number;
  xMax: number;
  yMax: number;
  text: string;
}

/** Every word pdftotext finds, with its box in points from the page's top left. */
export const pdfWords = (pdf: Buffer): PdfWord[] => {
  const html = withFile(pdf, (path) =>
    execFileSync('pdftotext', ['-bbox', '-enc', 'UTF-8', path, '-'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }),
  );
  const words: PdfWord[] = [];
  const decodeEntities = (s: string) =>
    s
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
  html.split('<page ').forEach((chunk, i) => {
    if (i === 0) return;
    for (const m of chunk.matchAll(/<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)<\/word>/g)) {
      words.push({
        page: i,
        xMin: Number(m[1]),
        yMin: Number(m[2]),
        xMax: Number(m[3]),
        yMax: Number(m[4]),
        text: decodeEntities(m[5]!),
      });
    }
  });
  return words;
};

/** The tagged PDF's structure tree with the text of each element, as poppler reads it (pdfinfo -struct-text). */
export const pdfStructure = (pdf: Buffer): string =>
  withFile(pdf, (path) =>
    execFileSync('pdfinfo', ['-enc', 'UTF-8', '-struct-text', path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  );
