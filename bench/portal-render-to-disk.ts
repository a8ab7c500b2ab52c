// One run of the portal renderer to local disk. Writes in place and only what changed: the kernel, not rendering, is the cost
// of rewriting 10,000 folders. Rendering runs on the main thread; the file system calls run on a second thread
// (disk-writer-worker.mjs), fed in batches, so the two overlap on a two-core machine. Prints what it rendered, wrote and
// left unchanged as one JSON line on stdout.
// Usage: node --import tsx bench/portal-render-to-disk.ts <events.ndjson> <outDir>
import { Worker } from 'node:worker_threads';
import { readEvents, renderSite } from './render-site.js';

const [eventsFile = '.local/bench/events-10000.ndjson', outDir = '.local/bench/portal-out'] = process.argv.slice(2);

// 32 documents (64 objects) a message; at most 8 messages queued, so a slow disk holds back rendering (and memory).
const batchObjects = 64;
const maxBatchesInFlight = 8;

interface WriterReply {
  done: boolean;
  error?: unknown;
  written?: number;
  unchanged?: number;
}

// execArgv: [] — the writer is plain JavaScript and needs no --import tsx (nor the memory of a second loader).
const writer = new Worker(new URL('./disk-writer-worker.mjs', import.meta.url), { workerData: { outDir }, execArgv: [] });
let batch: string[] = [];
let inFlight = 0;
let failure: unknown = null;
let wake: (() => void) | null = null;
let finish: (reply: WriterReply) => void = () => {};
const finished = new Promise<WriterReply>((resolve) => {
  finish = resolve;
});
const wakeUp = () => {
  wake?.();
  wake = null;
};
writer.on('message', (reply: WriterReply) => {
  if (reply.error !== undefined) failure ??= reply.error;
  if (reply.done) finish(reply);
  else inFlight -= 1;
  wakeUp();
});
writer.on('error', (error) => {
  failure ??= error;
  finish({ done: true });
  wakeUp();
});

const send = async () => {
  if (batch.length > 0) {
    writer.postMessage(batch);
    batch = [];
    inFlight += 1;
  }
  while (inFlight >= maxBatchesInFlight && failure === null) await new Promise<void>((resolve) => (wake = resolve));
  if (failure !== null) throw failure;
};

try {
  const counts = await renderSite(readEvents(eventsFile), (path, body) => {
    batch.push(path, body);
    return batch.length >= batchObjects ? send() : undefined;
  });
  await send();
  writer.postMessage(null);
  const reply = await finished;
  if (failure !== null) throw failure;
  console.log(JSON.stringify({ ...counts, written: reply.written, unchanged: reply.unchanged }));
} finally {
  await writer.terminate();
}
