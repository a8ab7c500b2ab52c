import { createHash } from 'node:crypto';
import { type ContentPublished, type DocumentRevision, verifyFingerprint } from '@tongyuan/contracts';
import { type Pool, type PoolClient, withTransaction } from '@tongyuan/database';
import { InvalidInputError } from '@tongyuan/errors';
import type { ObjectStore } from '@tongyuan/object-store';
import {
  type DocumentPageInput,
  documentPath,
  listingIndexKey,
  listingPageKey,
  pageCountOf,
  renderAtomFeed,
  renderDocumentJson,
  renderDocumentPage,
  renderHomePage,
  renderListingPage,
  renderSitemap,
  renderSitemapIndex,
  renderWithdrawnPage,
  type SiteConfig,
  type SiteNav,
  siteAssets,
  summaryOf,
} from '@tongyuan/portal-site';
import { indexForSearch, removeFromSearch, searchTextOf } from '../search/bigram-search.js';
import { chinaYear, type Listing, listingsOf, navOrder } from './listings.js';
import { publishMedia } from './media-publisher.js';
import { type SiteDocument, siteStore } from './site-store.js';

export interface SitePublisherOptions {
  pool: Pool;
  store: ObjectStore;
  /** The assets bucket editors upload images and attachments to. */
  assets: ObjectStore;
  /** Key prefix of the site in the bucket, e.g. 'site/'. */
  prefix: string;
  config: SiteConfig;
}

export type ApplyOutcome =
  /** already: this very revision was applied before (a redelivery): what it left, to be reported again. */
  | { kind: 'skipped'; reason: string; already?: { state: 'live' | 'withdrawn'; documentKeys: string[] } }
  | { kind: 'applied'; state: 'live' | 'withdrawn'; documentKeys: string[]; written: string[]; deleted: string[] };

interface Artifact {
  key: string;
  body: string;
  contentType: string;
  provenance?: { documentId: string; revision: number; fingerprint: string };
}

const html = 'text/html; charset=utf-8';

/** What a listing must show after a batch: its count before, where items moved from, and corrected items' places. */
interface ListingTouch {
  listing: Listing;
  countBefore: number;
  /** Its count as the batch goes (kept by the batch, which is the only writer of the site in its transaction). */
  count: number;
  /** The lowest position (oldest first) from which items moved: every chunk from there to the newest changes. */
  from: number;
  /** Positions of items that stayed in place (corrections): only their chunks change. */
  positions: Set<number>;
}

/** Everything a batch of revisions changed, rendered once after the last of them. */
interface Touched {
  documents: Set<string>;
  /** Documents linking to or linked from one whose liveness changed. */
  linked: Set<string>;
  listings: Map<string, ListingTouch>;
  years: Set<string>;
}
const homeSize = 10;
const feedSize = 50;

/** Whether this site carries the revision: released for everyone (主动公开), and targeted at the portal and this site. */
const carriedBy = (revision: DocumentRevision, siteId: string): boolean =>
  revision.status === 'published' &&
  revision.openness === '主动公开' &&
  (revision.targeting.channels.length === 0 || revision.targeting.channels.includes('portal')) &&
  (revision.targeting.sites.length === 0 || revision.targeting.sites.includes(siteId));

const WRITES_IN_FLIGHT = 16;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** What makes an object the same object: its bytes, its type and its provenance. */
const digestOf = (artifact: Artifact): string =>
  createHash('sha256')
    .update(artifact.contentType)
    .update('\0')
    .update(JSON.stringify(artifact.provenance ?? null))
    .update('\0')
    .update(artifact.body)
    .digest('hex');

/** Every page carries the navigation; this is how the site knows whether its pages carry the current one. */
export const navigationFingerprint = (nav: SiteNav): string => sha256(JSON.stringify(nav));

/**
 * Applies one revision to the site: its own objects, the listing pages it sits on, the feed, its sitemap part and its search
 * postings — and nothing else. An older or repeated revision changes nothing. Rendering is pure; only changed bytes are written.
 */
export class SitePublisher {
  constructor(private readonly options: SitePublisherOptions) {}

  async apply(event: ContentPublished): Promise<ApplyOutcome> {
    const [outcome] = await this.applyAll([event]);
    if (outcome === undefined) throw new Error('applyAll returned no outcome');
    return outcome;
  }

  /**
   * Applies several revisions in one transaction, in order, as if one after the other, but renders and writes what they
   * share (listing pages, home, feed, sitemaps) once, from the state after the last. One outcome per revision.
   */
  async applyAll(events: readonly ContentPublished[]): Promise<ApplyOutcome[]> {
    for (const event of events) {
      const check = verifyFingerprint(event);
      if (!check.ok) throw new InvalidInputError(`fingerprint ${check.actual} does not match the revision (${check.expected})`);
    }
    return withTransaction(this.options.pool, async (client) => {
      const touched: Touched = { documents: new Set(), linked: new Set(), listings: new Map(), years: new Set() };
      const staged: Array<Extract<ApplyOutcome, { kind: 'skipped' }> | { kind: 'applied'; next: SiteDocument; media: string[] }> =
        [];
      for (const event of events) staged.push(await this.stage(client, event, touched));
      if (touched.documents.size === 0) return staged as ApplyOutcome[];

      const nav = await this.navigationWith(client);
      const navChanged = (await siteStore.fact(client, 'nav')) !== navigationFingerprint(nav);
      const artifacts: Artifact[] = [];
      const deleted: string[] = [];
      const written: string[] = [];
      if (navChanged) {
        // A column appeared or emptied: every page carries the navigation, so the whole site is rendered again (rare),
        // and written as it is rendered, a few hundred documents at a time.
        await siteStore.setFact(client, 'nav', navigationFingerprint(nav));
        written.push(...(await this.everything(client, nav, (chunk) => this.write(client, chunk))));
        for (const touch of touched.listings.values()) deleted.push(...this.staleListingPages(touch));
      } else {
        const documents = await siteStore.documents(client, [...new Set([...touched.documents, ...touched.linked])]);
        for (const document of documents) {
          // Pages that link to a document show whether it is live: only the live ones are rendered again.
          if (touched.documents.has(document.documentId) || document.state === 'live') {
            artifacts.push(...(await this.documentArtifacts(client, document, nav)));
          }
        }
        for (const touch of touched.listings.values()) {
          artifacts.push(...(await this.listingArtifacts(client, touch, nav)));
          deleted.push(...this.staleListingPages(touch));
        }
        artifacts.push(...(await this.feedArtifacts(client, nav)));
        artifacts.push(...(await this.sitemapArtifacts(client, [...touched.years])));
      }
      written.push(...(await this.write(client, artifacts)));
      await this.remove(client, deleted);
      return staged.map((stage): ApplyOutcome => {
        if (stage.kind === 'skipped') return stage;
        return {
          kind: 'applied',
          state: stage.next.state,
          documentKeys: this.documentKeys(stage.next.documentId),
          written: [...stage.media, ...written],
          deleted: deleted.map((key) => this.key(key)),
        };
      });
    });
  }

  /** One revision into the site's state, noting what its pages and the shared pages must show afterwards. */
  private async stage(
    client: PoolClient,
    event: ContentPublished,
    touched: Touched,
  ): Promise<Extract<ApplyOutcome, { kind: 'skipped' }> | { kind: 'applied'; next: SiteDocument; media: string[] }> {
    const { revision, fingerprint } = event;
    const current = await siteStore.document(client, revision.documentId, { lock: true });
    if (current && current.revision >= revision.revision) {
      const reason = `revision ${current.revision} is already applied`;
      if (current.revision !== revision.revision || current.fingerprint !== fingerprint) return { kind: 'skipped', reason };
      // Applied, and perhaps never reported (the process died in between): the consumer reports it again.
      return { kind: 'skipped', reason, already: { state: current.state, documentKeys: this.documentKeys(current.documentId) } };
    }
    const carried = carriedBy(revision, this.options.config.siteId);
    if (!carried && current?.state !== 'live') return { kind: 'skipped', reason: 'not carried by this site' };
    // Media before the page, inside the transaction: a refused or missing file leaves the site as it was.
    const media = carried
      ? await publishMedia({
          sourceStore: this.options.assets,
          siteStore: this.options.store,
          prefix: this.options.prefix,
          revision,
          fingerprint,
        })
      : { written: [] };
    const next: SiteDocument = {
      documentId: revision.documentId,
      revision: revision.revision,
      fingerprint,
      state: carried ? 'live' : 'withdrawn',
      summary: summaryOf(revision, fingerprint),
      record: revision,
      history: [
        ...(current?.history ?? []),
        { revision: revision.revision, fingerprint, status: revision.status, correction: revision.correction },
      ],
    };
    const before = current?.state === 'live' ? current : undefined;
    const listedBefore = before ? listingsOf(before.summary) : [];
    const listedAfter = carried ? listingsOf(next.summary) : [];
    const listed = new Map([...listedBefore, ...listedAfter].map((listing) => [listing.id, listing]));
    for (const listing of listed.values()) {
      if (!touched.listings.has(listing.id)) {
        const countBefore = await siteStore.count(client, listing);
        touched.listings.set(listing.id, {
          listing,
          countBefore,
          count: countBefore,
          from: Number.POSITIVE_INFINITY,
          positions: new Set(),
        });
      }
    }
    // A document's place, oldest first, is the listing's count less the items newer than it: newer items are few and
    // found by index, where counting the older ones would read the whole listing.
    const positionOf = async (touch: ListingTouch, publishedAt: string) =>
      touch.count - (await siteStore.newerCount(touch.listing, client, publishedAt, next.documentId)) - 1;
    const positionsBefore = new Map<string, number>();
    for (const listing of listedBefore) {
      const touch = touched.listings.get(listing.id);
      if (touch && before) positionsBefore.set(listing.id, await positionOf(touch, before.summary.publishedAt));
    }

    await siteStore.save(client, next);
    if (carried) await indexForSearch(client, next.documentId, searchTextOf(revision));
    else await removeFromSearch(client, next.documentId);

    const beforeIds = new Set(listedBefore.map((listing) => listing.id));
    const afterIds = new Set(listedAfter.map((listing) => listing.id));
    for (const listing of listed.values()) {
      const touch = touched.listings.get(listing.id);
      if (touch === undefined) continue;
      touch.count += (afterIds.has(listing.id) ? 1 : 0) - (beforeIds.has(listing.id) ? 1 : 0);
      const positionBefore = positionsBefore.get(listing.id);
      const positionAfter = afterIds.has(listing.id) ? await positionOf(touch, next.summary.publishedAt) : undefined;
      if (positionBefore !== undefined && positionBefore === positionAfter) {
        touch.positions.add(positionAfter); // same place, same count (a correction): only the page holding it changes
      } else {
        // Items from its place on move by one.
        touch.from = Math.min(touch.from, positionBefore ?? Number.POSITIVE_INFINITY, positionAfter ?? Number.POSITIVE_INFINITY);
      }
    }
    touched.documents.add(next.documentId);
    if ((before === undefined) !== (next.state === 'withdrawn')) {
      for (const related of revision.related) touched.linked.add(related.documentId);
      for (const linking of await siteStore.linkingTo(client, next.documentId)) touched.linked.add(linking);
    }
    if (before) touched.years.add(chinaYear(before.summary.publishedAt));
    touched.years.add(chinaYear(next.summary.publishedAt));
    return { kind: 'applied', next, media: media.written };
  }

  /** Renders the whole site from the database: after a navigation change, and to rebuild a lost bucket. */
  async rebuild(): Promise<string[]> {
    return withTransaction(this.options.pool, async (client) => {
      const nav = await this.navigationWith(client);
      await siteStore.setFact(client, 'nav', navigationFingerprint(nav));
      return this.everything(client, nav, (chunk) => this.write(client, chunk, { trustLedger: false }));
    });
  }

  /** The navigation as it stands: every non-empty column. */
  async navigation(): Promise<SiteNav> {
    const client = await this.options.pool.connect();
    try {
      return await this.navigationWith(client);
    } finally {
      client.release();
    }
  }

  /** The document's own objects, as delivery.status names them. */
  private documentKeys(documentId: string): string[] {
    const base = documentPath(documentId);
    return [this.key(`${base}index.html`), this.key(`${base}index.json`)];
  }

  private key(path: string): string {
    return `${this.options.prefix}${path}`;
  }

  /**
   * Writes the artifacts whose bytes, type or provenance differ from what the portal last wrote at their key (site_objects,
   * in the caller's transaction). A rebuild does not trust that record: it compares with what S3 holds.
   */
  private async write(client: PoolClient, artifacts: Artifact[], { trustLedger = true } = {}): Promise<string[]> {
    const firstOfKey = new Map<string, Artifact>();
    for (const artifact of artifacts) if (!firstOfKey.has(artifact.key)) firstOfKey.set(artifact.key, artifact);
    const unique = [...firstOfKey.values()];
    const digests = new Map(unique.map((artifact) => [artifact.key, digestOf(artifact)]));
    const known = trustLedger ? await siteStore.objectDigests(client, [...digests.keys()]) : new Map<string, string>();
    const changed = unique.filter((artifact) => known.get(artifact.key) !== digests.get(artifact.key));
    const written = new Set<string>();
    // A revision touches a few dozen objects; one at a time, their round trips would be most of its latency.
    let next = 0;
    const worker = async () => {
      for (let artifact = changed[next++]; artifact !== undefined; artifact = changed[next++]) {
        const key = this.key(artifact.key);
        const options = {
          contentType: artifact.contentType,
          cacheControl: 'public, max-age=60',
          ...(artifact.provenance ? { provenance: artifact.provenance } : {}),
        };
        if (trustLedger) {
          await this.options.store.put(key, artifact.body, options);
          written.add(key);
        } else if ((await this.options.store.putIfChanged(key, artifact.body, options)).written) written.add(key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, changed.length) }, worker));
    await siteStore.recordObjects(
      client,
      changed.map((artifact) => ({ key: artifact.key, digest: digests.get(artifact.key) ?? '' })),
    );
    // In the order the artifacts came, whatever order the writes finished in.
    return unique.map((artifact) => this.key(artifact.key)).filter((key) => written.has(key));
  }

  private async remove(client: PoolClient, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.options.store.deleteMany(keys.map((key) => this.key(key)));
    await siteStore.forgetObjects(client, keys);
  }

  private async navigationWith(client: PoolClient): Promise<SiteNav> {
    const listings = new Map<string, Listing>();
    for (const summary of await siteStore.nonEmptyListingSummaries(client)) {
      for (const listing of listingsOf(summary)) listings.set(listing.id, listing);
    }
    return {
      columns: [...listings.values()].sort(navOrder).map((listing) => ({ title: listing.title, href: `/${listing.path}` })),
    };
  }

  private async documentArtifacts(client: PoolClient, document: SiteDocument, nav: SiteNav): Promise<Artifact[]> {
    const { config } = this.options;
    const base = documentPath(document.documentId);
    const provenance = { documentId: document.documentId, revision: document.revision, fingerprint: document.fingerprint };
    const targets = await siteStore.documents(
      client,
      document.record.related.map((r) => r.documentId),
    );
    const input: DocumentPageInput = {
      revision: document.record,
      fingerprint: document.fingerprint,
      history: document.history,
      related: document.record.related.map((relation) => {
        const target = targets.find((t) => t.documentId === relation.documentId);
        return { ...relation, href: target?.state === 'live' ? `/${documentPath(relation.documentId)}` : null };
      }),
    };
    const page =
      document.state === 'live'
        ? renderDocumentPage(input, nav, config)
        : renderWithdrawnPage(
            document.summary,
            document.record.correction?.reason ?? '',
            document.revision,
            document.fingerprint,
            nav,
            config,
          );
    return [
      { key: `${base}index.html`, body: page, contentType: html, provenance },
      {
        key: `${base}index.json`,
        body: renderDocumentJson(input, config),
        contentType: 'application/json; charset=utf-8',
        provenance,
      },
    ];
  }

  /**
   * The listing's pages that changed: from the chunk holding `from` to the newest (the page before the newest gains or
   * loses its "newer" link when a chunk opens or closes), and the chunks holding corrected items.
   */
  private async listingArtifacts(client: PoolClient, touch: ListingTouch, nav: SiteNav): Promise<Artifact[]> {
    const { pageSize } = this.options.config;
    const { listing, count } = touch;
    if (count === 0) return [];
    const pageCount = pageCountOf(count, pageSize);
    const chunkOf = (position: number) => Math.min(Math.floor(position / pageSize), pageCount - 1);
    const chunks = new Set([...touch.positions].map(chunkOf));
    if (Number.isFinite(touch.from)) {
      for (let chunk = Math.max(0, Math.min(chunkOf(touch.from), pageCount - 2)); chunk < pageCount; chunk += 1)
        chunks.add(chunk);
    }
    const artifacts: Artifact[] = [];
    for (const chunk of [...chunks].sort((a, b) => a - b)) {
      artifacts.push(...(await this.listingChunk(client, listing, nav, chunk, pageCount)));
    }
    return artifacts;
  }

  /** One chunk of a listing as its page (and, for the newest, index.html too). */
  private async listingChunk(
    client: PoolClient,
    listing: Listing,
    nav: SiteNav,
    chunk: number,
    pageCount: number,
  ): Promise<Artifact[]> {
    const { pageSize } = this.options.config;
    const items = await siteStore.slice(client, listing, chunk * pageSize, pageSize);
    const page = pageCount - chunk; // reader-facing: 1 is the newest
    const body = renderListingPage({ listing, page, pageCount, items }, nav, this.options.config);
    const artifacts: Artifact[] = [{ key: listingPageKey(listing, page, pageCount), body, contentType: html }];
    if (page === 1) artifacts.push({ key: listingIndexKey(listing), body, contentType: html });
    return artifacts;
  }

  /** Page files past the listing's newest chunk, once it has fewer chunks than before; an emptied column's pages go. */
  private staleListingPages(touch: ListingTouch): string[] {
    const { pageSize } = this.options.config;
    const { count } = touch;
    const stale: string[] = [];
    for (let chunk = pageCountOf(count, pageSize); chunk < pageCountOf(touch.countBefore, pageSize); chunk += 1) {
      stale.push(`${touch.listing.path}page-${chunk + 1}.html`);
    }
    if (count === 0 && touch.countBefore > 0) stale.push(listingIndexKey(touch.listing), `${touch.listing.path}page-1.html`);
    return stale;
  }

  private async feedArtifacts(client: PoolClient, nav: SiteNav): Promise<Artifact[]> {
    const latest = await siteStore.latest(client, feedSize);
    return [
      { key: 'index.html', body: renderHomePage(latest.slice(0, homeSize), nav, this.options.config), contentType: html },
      { key: 'feed.atom', body: renderAtomFeed(latest, this.options.config), contentType: 'application/atom+xml; charset=utf-8' },
    ];
  }

  private async sitemapArtifacts(client: PoolClient, years: string[]): Promise<Artifact[]> {
    const xml = 'application/xml; charset=utf-8';
    const artifacts: Artifact[] = [];
    for (const year of years) {
      const entries = await siteStore.sitemapEntries(client, year);
      artifacts.push({
        key: `sitemaps/${year}.xml`,
        body: renderSitemap(
          entries.map((entry) => ({ path: documentPath(entry.documentId), lastModified: entry.lastModified })),
          this.options.config,
        ),
        contentType: xml,
      });
    }
    const parts = await siteStore.sitemapYears(client);
    artifacts.push({
      key: 'sitemap.xml',
      body: renderSitemapIndex(
        parts.map((part) => ({ path: `sitemaps/${part.year}.xml`, lastModified: part.lastModified })),
        this.options.config,
      ),
      contentType: xml,
    });
    return artifacts;
  }

  /**
   * Renders the whole site and hands it to `write` in parts as it goes (a part's artifacts are let go once written):
   * the site is never held in memory at once. A key is written once, as its first rendering has it.
   */
  private async everything(
    client: PoolClient,
    nav: SiteNav,
    write: (artifacts: Artifact[]) => Promise<string[]>,
  ): Promise<string[]> {
    const written: string[] = [];
    const seen = new Set<string>();
    // Parts of at least ~1,000 objects, so the writes of small parts (a listing's pages) still go many at a time.
    let part: Artifact[] = [];
    const flush = async () => {
      if (part.length > 0) written.push(...(await write(part)));
      part = [];
    };
    const emit = async (artifacts: Artifact[]) => {
      part.push(...artifacts.filter((artifact) => !seen.has(artifact.key) && seen.add(artifact.key)));
      if (part.length >= 1_000) await flush();
    };
    await emit(siteAssets().map((asset) => ({ key: asset.path, body: asset.body, contentType: asset.contentType })));
    const ids = await siteStore.documentIds(client);
    for (let start = 0; start < ids.length; start += 500) {
      const documents: Artifact[] = [];
      for (const document of await siteStore.documents(client, ids.slice(start, start + 500))) {
        documents.push(...(await this.documentArtifacts(client, document, nav)));
      }
      await emit(documents);
    }
    const listings = new Map<string, Listing>();
    for (const summary of await siteStore.nonEmptyListingSummaries(client)) {
      for (const listing of listingsOf(summary)) listings.set(listing.id, listing);
    }
    for (const listing of listings.values()) {
      const pageCount = pageCountOf(await siteStore.count(client, listing), this.options.config.pageSize);
      for (let chunk = 0; chunk < pageCount; chunk += 1) {
        await emit(await this.listingChunk(client, listing, nav, chunk, pageCount));
      }
    }
    await emit(await this.feedArtifacts(client, nav));
    await emit(
      await this.sitemapArtifacts(
        client,
        (await siteStore.sitemapYears(client)).map((year) => year.year),
      ),
    );
    await flush();
    return written;
  }
}
