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
  | { kind: 'skipped'; reason: string }
  | { kind: 'applied'; state: 'live' | 'withdrawn'; documentKeys: string[]; written: string[]; deleted: string[] };

interface Artifact {
  key: string;
  body: string;
  contentType: string;
  provenance?: { documentId: string; revision: number; fingerprint: string };
}

const html = 'text/html; charset=utf-8';
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

/** Every page carries the navigation; this is how the site knows whether its pages carry the current one. */
export const navigationFingerprint = (nav: SiteNav): string => sha256(JSON.stringify(nav));

/**
 * Applies one revision to the site: its own objects, the listing pages it sits on, the feed, its sitemap part and its search
 * postings — and nothing else. An older or repeated revision changes nothing. Rendering is pure; only changed bytes are written.
 */
export class SitePublisher {
  constructor(private readonly options: SitePublisherOptions) {}

  async apply(event: ContentPublished): Promise<ApplyOutcome> {
    const check = verifyFingerprint(event);
    if (!check.ok) throw new InvalidInputError(`fingerprint ${check.actual} does not match the revision (${check.expected})`);
    const { revision, fingerprint } = event;
    const { config } = this.options;

    return withTransaction(this.options.pool, async (client) => {
      const current = await siteStore.document(client, revision.documentId, { lock: true });
      if (current && current.revision >= revision.revision) {
        return { kind: 'skipped', reason: `revision ${current.revision} is already applied` } as const;
      }
      const carried = carriedBy(revision, config.siteId);
      if (!carried && current?.state !== 'live') {
        return { kind: 'skipped', reason: 'not carried by this site' } as const;
      }
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
      const positionsBefore = await this.positions(client, before);

      await siteStore.save(client, next);
      if (carried) await indexForSearch(client, next.documentId, searchTextOf(revision));
      else await removeFromSearch(client, next.documentId);

      const nav = await this.navigationWith(client);
      const navChanged = (await siteStore.fact(client, 'nav')) !== navigationFingerprint(nav);
      const artifacts: Artifact[] = [];
      const deleted: string[] = [];
      if (navChanged) {
        // A column appeared or emptied: every page carries the navigation, so the whole site is rendered again (rare).
        await siteStore.setFact(client, 'nav', navigationFingerprint(nav));
        artifacts.push(...(await this.everything(client, nav)));
      } else {
        artifacts.push(...(await this.documentArtifacts(client, next, nav)));
        // Pages that link to this document show whether it is live: only a change of liveness touches them.
        if ((before === undefined) !== (next.state === 'withdrawn')) {
          const linked = new Set([
            ...revision.related.map((r) => r.documentId),
            ...(await siteStore.linkingTo(client, next.documentId)),
          ]);
          linked.delete(next.documentId);
          for (const other of await siteStore.documents(client, [...linked])) {
            if (other.state === 'live') artifacts.push(...(await this.documentArtifacts(client, other, nav)));
          }
        }
        const listings = new Map<string, Listing>();
        for (const listing of [...(before ? listingsOf(before.summary) : []), ...(carried ? listingsOf(next.summary) : [])]) {
          listings.set(listing.id, listing);
        }
        const listedAfter = new Set(carried ? listingsOf(next.summary).map((listing) => listing.id) : []);
        for (const listing of listings.values()) {
          const positionAfter = listedAfter.has(listing.id)
            ? await siteStore.position(client, listing, next.summary.publishedAt, next.documentId)
            : undefined;
          const from = Math.min(
            positionsBefore.get(listing.id) ?? Number.POSITIVE_INFINITY,
            positionAfter ?? Number.POSITIVE_INFINITY,
          );
          const shrank = positionsBefore.has(listing.id) && !listedAfter.has(listing.id);
          // Same place, same count (a correction): only the page holding it changes.
          const onlyItsPage = positionsBefore.get(listing.id) === positionAfter;
          const pages = await this.listingArtifacts(client, listing, nav, from, { shrank, onlyItsPage });
          artifacts.push(...pages.artifacts);
          deleted.push(...pages.stale);
        }
        artifacts.push(...(await this.feedArtifacts(client, nav)));
        const years = new Set([...(before ? [chinaYear(before.summary.publishedAt)] : []), chinaYear(next.summary.publishedAt)]);
        artifacts.push(...(await this.sitemapArtifacts(client, [...years])));
      }
      const written = await this.write(artifacts);
      if (deleted.length > 0) await this.options.store.deleteMany(deleted.map((key) => this.key(key)));
      const page = `${documentPath(next.documentId)}index.html`;
      return {
        kind: 'applied',
        state: next.state,
        documentKeys: [this.key(page), this.key(`${documentPath(next.documentId)}index.json`)],
        written: [...media.written, ...written],
        deleted: deleted.map((key) => this.key(key)),
      } as const;
    });
  }

  /** Renders the whole site from the database: after a navigation change, and to rebuild a lost bucket. */
  async rebuild(): Promise<string[]> {
    return withTransaction(this.options.pool, async (client) => {
      const nav = await this.navigationWith(client);
      await siteStore.setFact(client, 'nav', navigationFingerprint(nav));
      return this.write(await this.everything(client, nav));
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

  private key(path: string): string {
    return `${this.options.prefix}${path}`;
  }

  private async write(artifacts: Artifact[]): Promise<string[]> {
    const firstOfKey = new Map<string, Artifact>();
    for (const artifact of artifacts) if (!firstOfKey.has(artifact.key)) firstOfKey.set(artifact.key, artifact);
    const unique = [...firstOfKey.values()];
    const written = new Set<string>();
    // A revision touches a few dozen objects; one at a time, their round trips would be most of its latency.
    let next = 0;
    const worker = async () => {
      for (let artifact = unique[next++]; artifact !== undefined; artifact = unique[next++]) {
        const key = this.key(artifact.key);
        const result = await this.options.store.putIfChanged(key, artifact.body, {
          contentType: artifact.contentType,
          cacheControl: 'public, max-age=60',
          ...(artifact.provenance ? { provenance: artifact.provenance } : {}),
        });
        if (result.written) written.add(key);
      }
    };
    await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, unique.length) }, worker));
    // In the order the artifacts came, whatever order the writes finished in.
    return unique.map((artifact) => this.key(artifact.key)).filter((key) => written.has(key));
  }

  private async positions(client: PoolClient, document: SiteDocument | undefined): Promise<Map<string, number>> {
    const positions = new Map<string, number>();
    if (!document) return positions;
    for (const listing of listingsOf(document.summary)) {
      positions.set(listing.id, await siteStore.position(client, listing, document.summary.publishedAt, document.documentId));
    }
    return positions;
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

  /** The listing's pages from the chunk holding `fromPosition` to the newest, plus index.html; page files past the end are stale. */
  private async listingArtifacts(
    client: PoolClient,
    listing: Listing,
    nav: SiteNav,
    fromPosition: number,
    { shrank = false, onlyItsPage = false } = {},
  ): Promise<{ artifacts: Artifact[]; stale: string[] }> {
    const { pageSize } = this.options.config;
    const count = await siteStore.count(client, listing);
    const pageCount = Math.max(1, Math.ceil(count / pageSize));
    const itsChunk = Number.isFinite(fromPosition) ? Math.min(Math.floor(fromPosition / pageSize), pageCount - 1) : pageCount - 1;
    // Items from its place on move by one; the page before the newest gains or loses its "newer" link when a chunk opens or closes.
    const firstChunk = onlyItsPage ? itsChunk : Math.max(0, Math.min(itsChunk, pageCount - 2));
    const lastChunk = onlyItsPage ? itsChunk : pageCount - 1;
    const artifacts: Artifact[] = [];
    if (count > 0) {
      for (let chunk = firstChunk; chunk <= lastChunk; chunk += 1) {
        const items = await siteStore.slice(client, listing, chunk * pageSize, pageSize);
        const page = pageCount - chunk; // reader-facing: 1 is the newest
        const body = renderListingPage({ listing, page, pageCount, items }, nav, this.options.config);
        artifacts.push({ key: listingPageKey(listing, page, pageCount), body, contentType: html });
        if (page === 1) artifacts.push({ key: listingIndexKey(listing), body, contentType: html });
      }
    }
    if (!shrank) return { artifacts, stale: [] };
    // One item fewer may leave one chunk fewer: the file of the chunk past the newest goes (reader page 0 is that chunk).
    const stale = count % pageSize === 0 ? [listingPageKey(listing, 0, pageCount)] : [];
    // An emptied column is never left present: its pages go.
    if (count === 0) stale.push(listingIndexKey(listing), listingPageKey(listing, 1, 1));
    return { artifacts, stale };
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

  private async everything(client: PoolClient, nav: SiteNav): Promise<Artifact[]> {
    const artifacts: Artifact[] = siteAssets().map((asset) => ({
      key: asset.path,
      body: asset.body,
      contentType: asset.contentType,
    }));
    const ids = await siteStore.documentIds(client);
    for (let start = 0; start < ids.length; start += 500) {
      for (const document of await siteStore.documents(client, ids.slice(start, start + 500))) {
        artifacts.push(...(await this.documentArtifacts(client, document, nav)));
      }
    }
    const listings = new Map<string, Listing>();
    for (const summary of await siteStore.nonEmptyListingSummaries(client)) {
      for (const listing of listingsOf(summary)) listings.set(listing.id, listing);
    }
    for (const listing of listings.values()) artifacts.push(...(await this.listingArtifacts(client, listing, nav, 0)).artifacts);
    artifacts.push(...(await this.feedArtifacts(client, nav)));
    artifacts.push(
      ...(await this.sitemapArtifacts(
        client,
        (await siteStore.sitemapYears(client)).map((part) => part.year),
      )),
    );
    return artifacts;
  }
}
