// One headless Chromium for a browser test file and the people in it: a context of its own per
// person (their sessions do not mix), on a laptop's screen in Indonesian unless told otherwise;
// every page's errors (page-errors.ts) in `pageErrors`, which the file expects empty after each
// test; `signedIn(person)` signs a person in on the page as they do it (browser-sign-in.ts).
//
//   const session = new BrowserSession();
//   beforeAll(async () => { stack = await startStack(…); await session.launch(stack); });
//   afterAll(async () => { await session.close(); await stack?.stop(); });
//   afterEach(() => expect(session.pageErrors).toEqual([]));
//   test(…, async () => { const page = await session.signedIn(EVALUATOR); … });
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { signInOnPage, type Person } from './browser-sign-in';
import { recordPageErrors } from './page-errors';
import type { Stack } from './stack';

export const LAPTOP = { width: 1280, height: 800 };
export const PHONE = { width: 390, height: 844 };

export class BrowserSession {
  /** Every recorded page's uncaught errors and console errors, of every context. */
  readonly pageErrors: string[] = [];
  private launched: Browser | null = null;
  private stack: Stack | null = null;
  private readonly contexts: BrowserContext[] = [];

  /** `defaults`: options for every context of the file, over a laptop's viewport and locale id-ID. */
  constructor(private readonly defaults: BrowserContextOptions = {}) {}

  /** Starts Chromium for the file (in its beforeAll, once the stack is up). */
  async launch(stack: Stack): Promise<void> {
    this.stack = stack;
    this.launched = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  }

  get browser(): Browser {
    if (!this.launched) throw new Error('the browser session is not launched: call launch(stack) in beforeAll');
    return this.launched;
  }

  /** A context of its own (closed with the session), on the file's defaults and `options`. */
  async newContext(options: BrowserContextOptions = {}): Promise<BrowserContext> {
    const context = await this.browser.newContext({ viewport: LAPTOP, locale: 'id-ID', ...this.defaults, ...options });
    this.contexts.push(context);
    return context;
  }

  /** A page in a context of its own, its errors recorded in `pageErrors`. */
  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const page = await (await this.newContext(options)).newPage();
    recordPageErrors(page, this.pageErrors);
    return page;
  }

  /** A new page (as `newPage`) with `who` signed in on it. */
  async signedIn(who: Person, options: BrowserContextOptions = {}): Promise<Page> {
    const page = await this.newPage(options);
    await signInOnPage(page, this.stack!, who);
    return page;
  }

  /** Closes every context and the browser (in afterAll, before the stack stops). */
  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => {});
    await this.launched?.close();
  }
}
