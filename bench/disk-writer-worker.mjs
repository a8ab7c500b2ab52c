// The disk side of portal-render-to-disk.ts, on its own thread: batches of [path, body] in, written in place and only
// when changed. Plain JavaScript, so the thread needs no TypeScript loader.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

const { outDir } = workerData;
// Folders this run made: one mkdir per new folder, none for files that are already there.
const folders = new Set();
let written = 0;
let unchanged = 0;

const writeInPlace = (path, body) => {
  const file = join(outDir, path);
  // stat, not a read that fails: no exception per new file, and a file of another size is rewritten unread.
  const current = statSync(file, { throwIfNoEntry: false });
  if (current === undefined) {
    const folder = dirname(file);
    if (!folders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      folders.add(folder);
    }
  } else if (current.size === Buffer.byteLength(body, 'utf8') && readFileSync(file).equals(Buffer.from(body, 'utf8'))) {
    unchanged += 1;
    return;
  }
  // A string straight to the file (Node's UTF-8 fast path): no Buffer per page.
  writeFileSync(file, body);
  written += 1;
};

parentPort.on('message', (batch) => {
  if (batch === null) {
    parentPort.postMessage({ done: true, written, unchanged });
    return;
  }
  try {
    for (let i = 0; i < batch.length; i += 2) writeInPlace(batch[i], batch[i + 1]);
    parentPort.postMessage({ done: false });
  } catch (error) {
    parentPort.postMessage({ error });
  }
});
