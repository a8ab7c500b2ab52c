// One run of the portal renderer to local disk. Writes in place and only what changed: the kernel, not rendering, is the cost
// of rewriting 10,000 folders. Usage: node --import tsx bench/portal-render-to-disk.ts <events.ndjson> <outDir>
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readEvents, renderSite } from './render-site.js';

const [eventsFile = '.local/bench/events-10000.ndjson', outDir = '.local/bench/portal-out'] = process.argv.slice(2);

await renderSite(readEvents(eventsFile), (path, body) => {
  const file = join(outDir, path);
  try {
    if (readFileSync(file, 'utf8') === body) return;
  } catch {
    mkdirSync(dirname(file), { recursive: true });
  }
  writeFileSync(file, body);
});
