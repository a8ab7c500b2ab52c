import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface SiteAsset {
  path: string;
  body: string;
  contentType: string;
}

const read = (name: string): string => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

// The content hash in the name lets the service cache assets forever: a changed file is a new key.
const hashed = (base: string, ext: string, body: string): string =>
  `assets/${base}.${createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 12)}.${ext}`;

const css = read('site.css');
const js = read('display-settings.js');
const assets: readonly SiteAsset[] = [
  { path: hashed('site', 'css', css), body: css, contentType: 'text/css; charset=utf-8' },
  { path: hashed('display-settings', 'js', js), body: js, contentType: 'text/javascript; charset=utf-8' },
];

export const siteAssets = (): SiteAsset[] => assets.map((asset) => ({ ...asset }));

export const assetPaths = (): { css: string; js: string } => ({ css: assets[0]!.path, js: assets[1]!.path });
