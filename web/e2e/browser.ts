// The browser side of the traveller e2e: Debian's Chromium, the viewports each step runs on,
// screenshots of every step, axe-core's accessibility check, and the station picker.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const here = path.dirname(fileURLToPath(import.meta.url));
/** Where each step's screenshots (and the measured timings) are written. */
export const screenshots = path.join(here, 'screenshots');
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
export const haveChromium = existsSync(CHROMIUM);

export const viewports = {
  phone: { width: 390, height: 844 },
  desktop: { width: 1280, height: 860 },
} as const;
export type Viewport = keyof typeof viewports;

/** Chromium, headless, for the whole run. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** Screenshots the whole page as screenshots/<viewport>-<step>.png. */
export async function shoot(page: Page, viewport: Viewport, step: string): Promise<void> {
  await page.screenshot({ path: path.join(screenshots, `${viewport}-${step}.png`), fullPage: true });
}

interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** Runs axe-core in the page against WCAG 2.1 A and AA; returns the violations. */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: unknown[] }> } }
    ).axe;
    const result = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    return result.violations as AxeViolation[];
  });
  return violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** Fails with axe's violations, if any. */
export async function expectAccessible(page: Page): Promise<void> {
  expect(await axeViolations(page)).toEqual([]);
}

/** Types into a station combobox and picks the suggestion matching `option`. */
export async function chooseStation(page: Page, label: string, typed: string, option: RegExp): Promise<void> {
  const field = page.getByRole('combobox', { name: label });
  await field.fill(typed);
  await page.getByRole('option', { name: option }).click();
  // The choice is made once the list has closed on it (on a loaded machine the list's own
  // answer for what was typed can arrive after the click; the next step must not race it).
  await page.getByRole('listbox').waitFor({ state: 'hidden' });
  await field.evaluate((input, pattern) => {
    if (!new RegExp(pattern).test((input as HTMLInputElement).value))
      throw new Error(`not chosen: ${(input as HTMLInputElement).value}`);
  }, option.source);
}
