import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** One accessibility rule broken on a page, as axe-core reports it. */
export interface AxeViolation {
  id: string;
  impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  help: string;
  /** CSS selectors of the offending elements (the first few). */
  targets: string[];
}

let source: Promise<string> | undefined;

/**
 * Runs axe-core (the npm package, WCAG 2.1 A/AA rules) in the page and
 * returns every violation. The script goes in through the DevTools protocol
 * (`page.evaluate`), which the page's Content-Security-Policy does not
 * govern, so the app is tested under its real CSP.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  source ??= readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const script = await source;
  interface AxeRun {
    violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
  }
  type AxeGlobal = { axe?: { run: (context: unknown, options: unknown) => Promise<AxeRun> } };
  // A string evaluates as a script through the DevTools protocol (outside the page's CSP).
  if (!(await page.evaluate(() => !!(globalThis as AxeGlobal).axe))) await page.evaluate(script);
  return page.evaluate(async () => {
    const axe = (globalThis as AxeGlobal).axe;
    if (!axe) throw new Error('axe-core did not load');
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact as AxeViolation['impact'],
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
}

/** The violations the issue forbids: `serious` and `critical` (a readable list for the assertion message). */
export async function seriousViolations(page: Page): Promise<string[]> {
  return (await axeViolations(page))
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(', ')}`);
}
