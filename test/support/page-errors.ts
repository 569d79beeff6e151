// What a browser test counts as the page failing: an uncaught error, or an error on the console
// other than a failed resource load (a 4xx the page handles is expected in several tests).
import type { Page } from 'playwright-core';

export function recordPageErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) errors.push(msg.text());
  });
}
