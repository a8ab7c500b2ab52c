// The SHA-256 of everything the render loop produces (each key, content type and body, in order), and the object count:
// run it before and after a change to the renderer to show the output bytes did not change.
// Usage: node --import tsx bench/site-digest.ts [events.ndjson]
import { createHash } from 'node:crypto';
import { readEvents, renderSite } from './render-site.js';

const [eventsFile = '.local/bench/events-10000.ndjson'] = process.argv.slice(2);
const hash = createHash('sha256');
const counts = await renderSite(readEvents(eventsFile), (path, body, contentType) => {
  hash.update(`${path}\0${contentType}\0${Buffer.byteLength(body)}\0`);
  hash.update(body, 'utf8');
});
console.log(JSON.stringify({ sha256: hash.digest('hex'), ...counts }));
