import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

// Templates and the style sheet are read once, at import: rendering itself touches no file.
const templateDir = new URL('./templates/', import.meta.url);

// strict: a field missing from a view model throws instead of rendering blank; views use null for "none".
const handlebars = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();
for (const file of readdirSync(templateDir)
  .filter((name) => name.endsWith('.hbs'))
  .sort()) {
  const name = file.slice(0, -'.hbs'.length);
  const template = handlebars.compile(readFileSync(new URL(file, templateDir), 'utf8'), { strict: true, preventIndent: true });
  compiled.set(name, template);
  handlebars.registerPartial(name, template);
}

/** Inlined into every page, so an issue's pages stand alone in the bucket and never break when assets move. */
export const gazetteCss = readFileSync(new URL('./gazette.css', import.meta.url), 'utf8').replace(/\n/g, '');

export type GazetteTemplate = 'issue-toc' | 'issue-document' | 'archive-index' | 'archive-year';

export const renderTemplate = (name: GazetteTemplate, view: object): string => {
  const template = compiled.get(name);
  if (template === undefined) throw new Error(`no template ${name}.hbs`);
  return template(view);
};

export interface PageFrame {
  htmlTitle: string;
  gazetteTitle: string;
  subtitle: string | null;
  homeHref: string;
  bodyClass: string;
  metas: Array<{ name: string; content: string }>;
  alternates: Array<{ media: string; href: string }>;
  nav: Array<{ label: string; href: string; current: boolean }>;
  css: string;
}
