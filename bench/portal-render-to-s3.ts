// One run of the portal renderer to the S3 server (npm run infra:up first), 16 writes in flight, only changed objects
// written (putIfChanged: a HEAD per object, a PUT when its sha256 differs). Prints counts as one JSON line on stdout.
// Usage: node --import tsx bench/portal-render-to-s3.ts <events.ndjson> <bucket>
import { S3ObjectStore } from '@tongyuan/object-store';
import { readEvents, renderSite } from './render-site.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const [eventsFile = '.local/bench/events-10000.ndjson', bucket = 'tongyuan-bench'] = process.argv.slice(2);
const store = new S3ObjectStore({
  bucket,
  endpoint: process.env.S3_ENDPOINT ?? 'http://127.0.0.1:9000',
  region: process.env.S3_REGION ?? 'us-east-1',
  accessKeyId: process.env.S3_ACCESS_KEY_ID ?? 'local-access-key',
  secretAccessKey: process.env.S3_SECRET_ACCESS_KEY ?? 'local-secret-key',
  forcePathStyle: true,
});
await store.ensureBucket();

let written = 0;
let unchanged = 0;
let failure: unknown = null;
const inFlight = new Set<Promise<void>>();
const counts = await renderSite(readEvents(eventsFile), async (path, body, contentType) => {
  if (failure !== null) throw failure;
  const write: Promise<void> = store
    .putIfChanged(`site/${path}`, body, { contentType })
    .then(
      (result) => {
        if (result.written) written += 1;
        else unchanged += 1;
      },
      (error: unknown) => {
        failure ??= error;
      },
    )
    .finally(() => inFlight.delete(write));
  inFlight.add(write);
  if (inFlight.size >= 16) await Promise.race(inFlight);
});
await Promise.all(inFlight);
if (failure !== null) throw failure;
console.log(JSON.stringify({ ...counts, written, unchanged }));
