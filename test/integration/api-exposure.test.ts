// What a running stack exposes beyond its routes: the API process listens on loopback unless told
// otherwise, and keeps idle connections longer than a proxy reuses them; Temporal's SQLite database
// is readable by its owner only; the API documentation is served under its own
// Content-Security-Policy and Swagger UI keeps no token in localStorage.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KEEP_ALIVE_SECONDS } from '../../api/keep-alive';
import { loadConfig } from '../../config';
import { startDevServer, stopProcess } from '../../scripts/dev-server';
import { freePort } from '../support/global-setup';
import { startStack, type Stack } from '../support/stack';
import { tokens } from '../support/api-client';

jest.setTimeout(120_000);
const say = (line: string) => console.log(`[security:exposure] ${line}`);
const repoRoot = join(__dirname, '..', '..');

/** An HTTP answer from this address, or the connection error's code. */
async function reach(url: string): Promise<number | string> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status;
  } catch (err) {
    return ((err as { cause?: { code?: string } }).cause?.code) ?? String(err);
  }
}

describe('the API process listens on loopback unless configured', () => {
  test('the configuration defaults to 127.0.0.1; LISTEN_HOST changes it', () => {
    const base = { DATABASE_URL: 'postgres://x', KINERJA_SECRET: 'x'.repeat(32) };
    expect(loadConfig(base).LISTEN_HOST).toBe('127.0.0.1');
    expect(loadConfig({ ...base, LISTEN_HOST: '0.0.0.0' }).LISTEN_HOST).toBe('0.0.0.0');
  });

  async function startApi(env: Record<string, string>): Promise<{ child: ChildProcess; port: number; output: () => string }> {
    const port = await freePort();
    const { LISTEN_HOST: _ignored, HOST: _host, ...inherited } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, 'api', 'main.ts')], {
      cwd: repoRoot, env: { ...inherited, PORT: String(port), LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    return { child, port, output: () => output };
  }

  async function whenListening(api: { child: ChildProcess; output: () => string }) {
    for (let i = 0; i < 300 && !/API listening/.test(api.output()); i++) {
      if (api.child.exitCode !== null) throw new Error(`the API exited: ${api.output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  test('started with no LISTEN_HOST, the API answers on 127.0.0.1 and refuses another address of the machine', async () => {
    const api = await startApi({});
    try {
      await whenListening(api);
      const loopback = await reach(`http://127.0.0.1:${api.port}/health`);
      // 127.0.0.2 is this machine too (all of 127/8 is loopback): a server on 0.0.0.0 would answer it
      const other = await reach(`http://127.0.0.2:${api.port}/health`);
      // idle connections outlive a reverse proxy's reuse of them (60 s), so the proxy closes them, never the API
      const keepAlive = (await fetch(`http://127.0.0.1:${api.port}/health`)).headers.get('keep-alive');
      say(`default listen host: 127.0.0.1:${api.port} → ${loopback}, 127.0.0.2:${api.port} → ${other}; Keep-Alive: ${keepAlive}`);
      expect(typeof loopback).toBe('number');
      expect(other).toBe('ECONNREFUSED');
      expect(keepAlive).toBe(`timeout=${KEEP_ALIVE_SECONDS}`);
      expect(KEEP_ALIVE_SECONDS).toBeGreaterThan(60);
    } finally {
      await stopProcess(api.child);
    }
  });

  test('LISTEN_HOST moves it: on 127.0.0.2 it answers there and not on 127.0.0.1', async () => {
    const api = await startApi({ LISTEN_HOST: '127.0.0.2' });
    try {
      await whenListening(api);
      const moved = await reach(`http://127.0.0.2:${api.port}/health`);
      const loopback = await reach(`http://127.0.0.1:${api.port}/health`);
      say(`LISTEN_HOST=127.0.0.2: 127.0.0.2 → ${moved}, 127.0.0.1 → ${loopback}`);
      expect(typeof moved).toBe('number');
      expect(loopback).toBe('ECONNREFUSED');
    } finally {
      await stopProcess(api.child);
    }
  });
});

describe("Temporal's database file", () => {
  const modes = (dir: string) =>
    Object.fromEntries(readdirSync(dir).filter((f) => f.startsWith('temporal.db')).map((f) => [f, (statSync(join(dir, f)).mode & 0o777).toString(8)]));

  test('is created 0600 (with its WAL files), and one an older start left world-readable is tightened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kinerja-dbmode-'));
    const dbFile = join(dir, 'temporal.db');
    try {
      const first = await startDevServer({ dbFile, port: await freePort(), uiPort: null });
      const created = modes(dir);
      await first.stop();
      expect(existsSync(dbFile)).toBe(true);
      expect(Object.values(created).every((m) => m === '600')).toBe(true);

      chmodSync(dbFile, 0o644); // as a start before this change left it
      const second = await startDevServer({ dbFile, port: await freePort(), uiPort: null });
      const again = modes(dir);
      await second.stop();
      say(`files on a new start: ${JSON.stringify(created)}; after a restart on a 0644 file: ${JSON.stringify(again)}`);
      expect(Object.values(again).every((m) => m === '600')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('API documentation', () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  test('Swagger UI is served under its own CSP, locally, configured not to persist an authorization', async () => {
    const page = await fetch(`${stack.baseUrl}/api/docs`);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(page.status).toBe(200);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval|https?:)/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    // every script the page loads is one of ours, and none is inline
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/api\/docs\//);
      expect(body.trim()).toBe('');
    }
    for (const src of [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1])) {
      const asset = await fetch(`${stack.baseUrl}${src}`);
      expect([src, asset.status]).toEqual([src, 200]);
      expect(asset.headers.get('x-content-type-options')).toBe('nosniff');
    }
    const init = await (await fetch(`${stack.baseUrl}/api/docs/init.js`)).text();
    say(`docs CSP: ${csp}; init: ${init}`);
    expect(init).toMatch(/"persistAuthorization":\s*false/);
    expect(init).not.toMatch(/localStorage/);
  });

  // Chromium comes with `npm test`'s Debian packages (scripts/system-deps.sh), as for the page's tests.
  const CHROMIUM = '/usr/bin/chromium';
  test('in Chromium: no CSP violation, and after authorizing with a token localStorage stays empty', async () => {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (msg) => {
        // a failed load is reported below with its address
        if ((msg.type() === 'error' && !/Failed to load resource/.test(msg.text())) || /Content Security Policy/i.test(msg.text())) problems.push(msg.text());
      });
      page.on('response', (r) => {
        if (r.status() >= 400) problems.push(`${r.status()} ${new URL(r.url()).pathname}`);
      });
      page.on('pageerror', (err) => problems.push(err.message));
      await page.goto(`${stack.baseUrl}/api/docs`);
      await page.locator('.swagger-ui .information-container').waitFor();
      const token = tokens(stack.config.KINERJA_SECRET).admin;
      await page.getByRole('button', { name: /Authorize/ }).first().click();
      // two schemes since sign-in (bearer token, session cookie): authorize the bearer one
      const bearer = page.locator('.auth-container').filter({ hasText: /bearer/i });
      await bearer.locator('input[type=text], input[type=password]').first().fill(token);
      await bearer.locator('button.authorize').click();
      await bearer.locator('button', { hasText: 'Logout' }).waitFor();
      // the authorization is in effect for the tab (the UI says so) but written nowhere
      const stored = await page.evaluate(() => JSON.stringify({ local: { ...localStorage }, session: { ...sessionStorage } }));
      say(`after authorizing in Swagger UI: storage ${stored}; console problems: ${problems.length}`);
      expect(stored).not.toContain(token);
      expect(await page.evaluate(() => localStorage.length)).toBe(0);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
