// Real headless Chromium (Debian's) driven by playwright-core, and axe-core's WCAG 2.1 A/AA checks inside it.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Chromium as root on a closed network: no sandbox, no GPU, and none of its background calls home. */
export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(chromiumPath)) throw new Error(`browser tests need Chromium at ${chromiumPath} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
};

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[]; failureSummary?: string }>;
}
// page.evaluate runs in the browser; the project is type-checked without the DOM library, so name what it uses.
declare const window: { axe: { run: (context: unknown, options: object) => Promise<{ violations: AxeViolation[] }> } };
declare const document: unknown;

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** Every WCAG 2.1 A/AA violation axe-core finds on the page, one line each (empty when the page passes). */
export const axeViolations = async (page: Page): Promise<string[]> => {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    return result.violations;
  });
  return violations.flatMap((v) =>
    v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help} at ${n.target.join(' ')} — ${n.failureSummary ?? ''}`),
  );
};
