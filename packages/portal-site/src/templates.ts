import { readdirSync, readFileSync } from 'node:fs';
import Handlebars from 'handlebars';

// Templates are read once, at import: rendering itself touches no file.
const templateDir = new URL('./templates/', import.meta.url);

// strict: a field missing from a view model throws instead of rendering blank; views use null for "none".
const compileOptions = { strict: true, preventIndent: true } as const;

const handlebars = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();
for (const file of readdirSync(templateDir)
  .filter((name) => name.endsWith('.hbs'))
  .sort()) {
  const name = file.slice(0, -'.hbs'.length);
  const template = handlebars.compile(readFileSync(new URL(file, templateDir), 'utf8'), compileOptions);
  compiled.set(name, template);
  // Every template is also a partial: pages use {{#> layout}}, bodies {{> (lookup . 'partial')}}.
  handlebars.registerPartial(name, template);
}

export type PageTemplate = 'document' | 'withdrawn' | 'listing' | 'home' | 'search';

export const renderTemplate = (name: PageTemplate, view: object): string => {
  const template = compiled.get(name);
  if (template === undefined) throw new Error(`no template ${name}.hbs`);
  return template(view);
};
