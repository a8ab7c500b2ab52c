import { assetPaths } from './assets.js';
import { navFingerprint, type SiteConfig, type SiteNav } from './site.js';
import { FEED_PATH, resolveHref, SEARCH_PATH, siteUrl } from './site-paths.js';

export interface MetaTag {
  name: string;
  content: string;
}

/** What every page's frame (layout.hbs) needs: head, header, columns, footer. */
export interface Chrome {
  htmlTitle: string;
  siteTitle: string;
  homeHref: string;
  canonical: string;
  robots: string | null;
  metas: MetaTag[];
  alternates: Array<{ type: string; title: string; href: string }>;
  cssHref: string;
  jsHref: string;
  feedHref: string;
  searchAction: string;
  searchQuery: string;
  columns: Array<{ title: string; href: string; current: boolean }>;
}

export interface ChromeInput {
  /** the page's own title, before the site's; null on the home page */
  pageTitle: string | null;
  /** absolute canonical URL of the page */
  canonical: string;
  metas: MetaTag[];
  robots?: string;
  alternates?: Chrome['alternates'];
  searchQuery?: string;
}

export const chromeOf = (input: ChromeInput, nav: SiteNav, config: SiteConfig): Chrome => {
  const canonical = input.canonical;
  const assets = assetPaths();
  return {
    htmlTitle: input.pageTitle === null ? config.title : `${input.pageTitle} - ${config.title}`,
    siteTitle: config.title,
    homeHref: siteUrl(config, ''),
    canonical,
    robots: input.robots ?? null,
    metas: [
      ...input.metas,
      { name: 'tongyuan:site', content: config.siteId },
      { name: 'tongyuan:nav-fingerprint', content: navFingerprint(nav) },
    ],
    alternates: input.alternates ?? [],
    cssHref: siteUrl(config, assets.css),
    jsHref: siteUrl(config, assets.js),
    feedHref: siteUrl(config, FEED_PATH),
    searchAction: `${config.baseUrl}/${SEARCH_PATH}`,
    searchQuery: input.searchQuery ?? '',
    columns: nav.columns.map((column) => {
      const href = resolveHref(config, column.href);
      return { title: column.title, href, current: href === canonical };
    }),
  };
};
