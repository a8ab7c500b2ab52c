// Test helpers that read PDFs the way a reader's tools do: poppler's pdftotext and pdffonts.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const onDisk = async (pdf: Buffer): Promise<string> => {
  const file = join(await mkdtemp(join(tmpdir(), 'gazette-test-')), 'issue.pdf');
  await writeFile(file, pdf);
  return file;
};

/** The text of each page, as pdftotext extracts it. */
export const pdfPages = async (pdf: Buffer): Promise<string[]> => {
  const { stdout } = await run('pdftotext', ['-enc', 'UTF-8', await onDisk(pdf), '-'], { maxBuffer: 64 * 1024 * 1024 });
  const pages = stdout.split('\f');
  if (pages.at(-1)?.trim() === '') pages.pop();
  return pages;
};

/** pdffonts' table rows: name, type, encoding, embedded, subset. */
export const pdfFonts = async (pdf: Buffer): Promise<Array<{ name: string; embedded: boolean; subset: boolean }>> => {
  const { stdout } = await run('pdffonts', [await onDisk(pdf)]);
  return stdout
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const columns = line.trim().split(/\s+/);
      const [emb, sub] = columns.slice(-5, -3);
      return { name: columns[0] ?? '', embedded: emb === 'yes', subset: sub === 'yes' };
    });
};

/** Text without any white space: PDF lines break anywhere, so comparisons ignore it. */
export const squeezed = (text: string): string => text.normalize('NFC').replace(/\s+/g, '');
