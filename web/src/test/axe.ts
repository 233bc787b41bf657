import axe from 'axe-core';

/** axe-core's WCAG 2.1 A/AA rules on the page as rendered (colour contrast needs a real layout: Chromium's). */
export async function axeViolations(): Promise<string[]> {
  const result = await axe.run(document.body, {
    runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'],
    rules: { 'color-contrast': { enabled: false } },
  });
  return result.violations.map((v) => `${v.id}: ${v.help}`);
}
