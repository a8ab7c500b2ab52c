// New-media rendering throughput: N generated documents through @tongyuan/newmedia-article — the WeChat article HTML
// (inlined + sanitized), text covers (900×383 + 300×300 thumbnail), the feed item, the H5 page — and the account's feed.
// Usage: node --import tsx bench/newmedia-render.ts   (BENCH_DOCUMENTS, default 2000; BENCH_IN_FLIGHT, default 4)
import { type DocumentRevision, sourceFingerprint } from '@tongyuan/contracts';
import {
  type AccountProfile,
  type FeedItem,
  feedItemOf,
  prepareInlineImage,
  renderArticle,
  renderCovers,
  renderH5Page,
  renderJsonFeed,
  titleOf,
} from '@tongyuan/newmedia-article';
import sharp from 'sharp';
import { generatedRevision } from '../packages/testing/src/generated-revisions.js';

const documents = Number(process.env.BENCH_DOCUMENTS ?? 2000);
// Covers are rendered by libvips off the main thread: a few in flight keep both cores busy.
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 4);
// The portal's figure for reference: bench/README.md, portal → disk, cold, 10,000 documents (2026-11-22).
const PORTAL_PAGES_PER_SECOND = 4098;

const account: AccountProfile = { id: 'bench', name: '自贡发布', author: '自贡市人民政府办公室' };
const base = 'https://newmedia.example.gov.cn/accounts/bench';
const portalUrl = (id: string) => `https://www.example.gov.cn/site/documents/${id}/index.html`;
const h5Url = (id: string) => `${base}/articles/${id}/index.html`;

const inputs: Array<{ revision: DocumentRevision; fingerprint: string }> = [];
for (let n = 0; n < documents; n++) {
  const revision = generatedRevision(n);
  inputs.push({ revision, fingerprint: sourceFingerprint(revision) });
}
const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
const inputsRss = peakRssMiB();

const article = ({ revision, fingerprint }: (typeof inputs)[number]) =>
  renderArticle({ revision, fingerprint, account, portalUrl: portalUrl(revision.documentId), imageUrls: new Map() });
const covers = ({ revision }: (typeof inputs)[number]) =>
  renderCovers({ title: titleOf(revision), accountName: account.name, leadImage: null });

/** Runs `work` over every input with `inFlight` at a time, in order of start. */
const eachInFlight = async (work: (input: (typeof inputs)[number]) => Promise<void>, items = inputs): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
};

/** Wall and CPU (user + system, every thread of the process) seconds: on a shared machine CPU is the steadier figure. */
const timed = async (run: () => Promise<void> | void): Promise<{ wall: number; cpu: number }> => {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await run();
  const used = process.cpuUsage(cpu);
  return { wall: Number(process.hrtime.bigint() - start) / 1e9, cpu: (used.user + used.system) / 1e6 };
};

// Warm-up (not timed): JIT, juice's and the sanitizer's first calls, fontconfig's font cache.
await eachInFlight(
  async (input) => {
    article(input);
    await covers(input);
  },
  inputs.slice(0, 50),
);
const warmRss = peakRssMiB();

const forms = { full: 0, summary: 0 };
let contentChars = 0;
const htmlSeconds = await timed(() => {
  for (const input of inputs) {
    const draft = article(input);
    forms[draft.form === 'summary' ? 'summary' : 'full'] += 1;
    contentChars += draft.content.length;
  }
});
const htmlRss = peakRssMiB();

let coverBytes = 0;
let thumbBytesMax = 0;
const coverSeconds = await timed(() =>
  eachInFlight(async (input) => {
    const { cover, thumb } = await covers(input);
    coverBytes += cover.length;
    thumbBytesMax = Math.max(thumbBytesMax, thumb.length);
  }),
);
const coverRss = peakRssMiB();

// A revision routed to several accounts: each gets its own cover (its name in the band), the title drawn once.
const matrixAccounts = [account.name, '宁波发布', '海曙发布', '莱阳发布'];
let matrixCoverBytes = 0;
const matrixSeconds = await timed(() =>
  eachInFlight(async ({ revision }) => {
    const all = await Promise.all(
      matrixAccounts.map((accountName) => renderCovers({ title: titleOf(revision), accountName, leadImage: null })),
    );
    for (const { cover } of all) matrixCoverBytes += cover.length;
  }),
);
const matrixRss = peakRssMiB();

const items: FeedItem[] = [];
let feedBytes = 0;
const fullSeconds = await timed(async () => {
  await eachInFlight(async (input) => {
    const { revision, fingerprint } = input;
    article(input);
    await covers(input);
    const portal = portalUrl(revision.documentId);
    items.push(feedItemOf({ revision, fingerprint, h5Url: h5Url(revision.documentId), portalUrl: portal }));
    renderH5Page({
      revision,
      fingerprint,
      account,
      portalUrl: portal,
      feedUrl: `${base}/feed.json`,
      imageUrl: (image) => `${base}/media/${image.sha256}.jpg`,
    });
  });
  feedBytes = Buffer.byteLength(renderJsonFeed({ account, feedUrl: `${base}/feed.json`, homePageUrl: base, items }));
});
const fullRss = peakRssMiB();

// Documents with a photo: a 12-megapixel camera JPEG (soft gradients and grain, ~3 MB) as the lead image, re-encoded
// for media/uploadimg and cropped into both covers. Fewer of them: the photo, not the text, is the cost.
const photoDocuments = Math.min(documents, Number(process.env.BENCH_PHOTO_DOCUMENTS ?? 200));
const photo = await sharp({
  create: { width: 4000, height: 3000, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 18 } },
})
  .composite([
    {
      input: await sharp({ create: { width: 4000, height: 3000, channels: 4, background: { r: 30, g: 90, b: 160, alpha: 0.5 } } })
        .png()
        .toBuffer(),
    },
  ])
  .blur(1.2)
  .jpeg({ quality: 90 })
  .toBuffer();
let inlineBytes = 0;
const photoSeconds = await timed(() =>
  eachInFlight(
    async (input) => {
      const inline = await prepareInlineImage(photo);
      inlineBytes = Math.max(inlineBytes, inline.bytes.length);
      await renderCovers({ title: titleOf(input.revision), accountName: account.name, leadImage: photo });
    },
    inputs.slice(0, photoDocuments),
  ),
);
const photoRss = peakRssMiB();

const rate = (seconds: number) => Math.round(documents / seconds);
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const timing = (t: { wall: number; cpu: number }) => [t.wall.toFixed(2), rate(t.wall), t.cpu.toFixed(2), rate(t.cpu)];
console.log(`\n${documents} generated documents (2–5 KB bodies), ${inFlight} in flight, Node ${process.version}`);
console.log(`peak RSS: ${inputsRss} MiB with the documents in memory, ${warmRss} MiB after the warm-up\n`);
console.log(row(['render', 'wall (s)', 'articles/s', 'CPU (s)', 'articles per CPU-s', 'peak RSS (MiB)', 'output']));
console.log(row(['---', '---:', '---:', '---:', '---:', '---:', '---']));
console.log(
  row([
    'article HTML only (inline styles + sanitize)',
    ...timing(htmlSeconds),
    htmlRss,
    `${forms.full} full, ${forms.summary} summary; ${Math.round(contentChars / documents)} chars of content on average`,
  ]),
);
console.log(
  row([
    'text covers only (900×383 + 300×300)',
    ...timing(coverSeconds),
    coverRss,
    `${Math.round(coverBytes / documents / 1024)} KiB per cover on average, largest thumbnail ${(thumbBytesMax / 1024).toFixed(1)} KiB`,
  ]),
);
console.log(
  row([
    `text covers for ${matrixAccounts.length} accounts of each document`,
    ...timing(matrixSeconds),
    matrixRss,
    `${Math.round(matrixCoverBytes / documents / matrixAccounts.length / 1024)} KiB per cover on average`,
  ]),
);
console.log(
  row([
    'full: HTML + covers + feed item + H5 page, then the feed',
    ...timing(fullSeconds),
    fullRss,
    `${items.length} feed items, feed.json ${(feedBytes / 1024 / 1024).toFixed(1)} MiB`,
  ]),
);
console.log(
  row([
    `with a ${(photo.length / 1024 / 1024).toFixed(1)} MB 4000×3000 photo: re-encoded + both covers cropped from it (${photoDocuments} documents)`,
    photoSeconds.wall.toFixed(2),
    Math.round(photoDocuments / photoSeconds.wall),
    photoSeconds.cpu.toFixed(2),
    Math.round(photoDocuments / photoSeconds.cpu),
    photoRss,
    `in-article JPEG ${(inlineBytes / 1024).toFixed(0)} KiB at 1080 px`,
  ]),
);
console.log(
  row([
    'portal → disk, cold (bench/README.md, for reference)',
    '2.44',
    PORTAL_PAGES_PER_SECOND,
    '3.65',
    2740,
    206,
    '10,000 document pages',
  ]),
);
