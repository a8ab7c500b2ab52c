import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type PdfReading = { ok: true; pages: string[] } | { ok: false; reason: string };

const run = (command: string, args: string[], timeoutMs: number) =>
  new Promise<{ stdout: string; stderr: string; failed: string | null }>((resolve) => {
    execFile(command, args, { timeout: timeoutMs, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' }, (error, stdout, stderr) => {
      const failed =
        error === null
          ? null
          : error.killed
            ? `${command} took longer than ${timeoutMs} ms`
            : (stderr.trim().split('\n')[0] ?? '') || error.message;
      resolve({ stdout, stderr, failed });
    });
  });

/** The text of each page (poppler's pdfinfo + pdftotext, each under a timeout); refuses what an archive must not hold. */
export const readPdfText = async (bytes: Buffer, timeoutMs: number): Promise<PdfReading> => {
  if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0) return { ok: false, reason: 'not a PDF (no %PDF- header)' };
  const folder = await mkdtemp(join(tmpdir(), 'gazette-import-'));
  try {
    const file = join(folder, 'issue.pdf');
    await writeFile(file, bytes);
    const info = await run('pdfinfo', [file], timeoutMs);
    if (/^Encrypted:\s+yes/m.test(info.stdout) || /password/i.test(info.stderr)) {
      return { ok: false, reason: 'encrypted: an archived issue must open without a password' };
    }
    if (info.failed !== null) return { ok: false, reason: `unreadable PDF: ${info.failed}` };
    const text = await run('pdftotext', ['-enc', 'UTF-8', file, '-'], timeoutMs);
    if (text.failed !== null) return { ok: false, reason: `unreadable PDF: ${text.failed}` };
    // pdftotext ends every page with a form feed.
    const pages = text.stdout.split('\f');
    if (pages.at(-1)?.trim() === '') pages.pop();
    if (pages.every((page) => page.trim() === '')) {
      return { ok: false, reason: 'no text layer (a scanned issue needs OCR before import)' };
    }
    return { ok: true, pages };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
};
