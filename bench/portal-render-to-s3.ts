// One run of the portal renderer to the S3 server (npm run infra:up first), 16 writes in flight, only changed objects written.
// Usage: node --import tsx bench/portal-render-to-s3.ts <events.ndjson> <bucket>
import { S3ObjectStore } from '@tongyuan/object-store';
import { readEvents, renderSite } from './render-site.js';

const [eventsFile = '.local/bench/events-10000.ndjson', bucket = 'tongyuan-bench'] = process.argv.slice(2);
const store = new S3ObjectStore({
  bucket,
  endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000',
  region: 'us-east-1',
  accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'local-access-key',
  secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'local-secret-key',
  forcePathStyle: true,
});
await store.ensureBucket();
const inFlight = new Set<Promise<unknown>>();
await renderSite(readEvents(eventsFile), async (path, body, contentType) => {
  const write = store.putIfChanged(`site/${path}`, body, { contentType }).finally(() => inFlight.delete(write));
  inFlight.add(write);
  if (inFlight.size >= 16) await Promise.race(inFlight);
});
await Promise.all(inFlight);
