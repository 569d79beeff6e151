// The embedded identity provider for tests: its own process (oidc-provider is an ES module the
// jest runtime does not load), on a free port, against the test database; plus passwords set
// through the real one-time link, and a cookie session obtained through the whole OIDC flow with
// fetch (for API-level tests of cookie sessions).
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pool } from 'pg';
import { createInvite } from '../../identity-provider/invites';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface RunningIdentityProvider {
  issuer: string;
  process: ChildProcess;
  /** Stops the provider's process and starts a new one on the same port with the same keys. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export async function startIdentityProvider(env: { DATABASE_URL: string; KINERJA_SECRET: string; PUBLIC_URL: string }): Promise<RunningIdentityProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  // its signing key in a file of its own, so a restart keeps it (as `npm start` does in .data/)
  const keysFile = join(mkdtempSync(join(tmpdir(), 'kinerja-idp-')), 'jwks.json');
  const spawnProvider = async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', '..', 'identity-provider', 'main.ts')], {
      env: { ...process.env, ...env, OIDC_ISSUER: issuer, IDP_PORT: String(port), LOG_LEVEL: 'warn', IDP_KEYS_FILE: keysFile },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const state = { child, exited: false };
    child.once('exit', () => (state.exited = true));
    for (let i = 0; ; i++) {
      if (state.exited) throw new Error('the identity provider exited at start');
      try {
        if ((await fetch(`${issuer}/.well-known/openid-configuration`)).ok) break;
      } catch {
        /* not up yet */
      }
      if (i > 600) throw new Error('the identity provider did not start within 60 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    return state;
  };
  const stopProvider = async (state: { child: ChildProcess; exited: boolean }) => {
    if (state.exited) return;
    const gone = new Promise((r) => state.child.once('exit', r));
    state.child.kill('SIGTERM');
    await gone;
  };
  let running = await spawnProvider();
  return {
    issuer,
    get process() {
      return running.child;
    },
    async restart() {
      await stopProvider(running);
      running = await spawnProvider();
    },
    async stop() {
      await stopProvider(running);
    },
  };
}

/**
 * The suite's sign-in password of an account: one per person for every test file, because the
 * sample's officials are the same people in every file's cycle and the files share one database.
 */
export const passwordOf = (accountId: string): string => `sandi-uji-${[...accountId].reverse().join('')}`; // never the id itself (refused)

/**
 * Sets an account's password the way a person does: the one-time link, then its form. A new link
 * replaces an unused one, so when another file invites the same person at the same moment this
 * one's link can be gone (410): then it asks again (the password set is the same either way).
 */
export async function setPasswordByInvite(db: Pool, issuer: string, who: Parameters<typeof createInvite>[2], password: string = passwordOf(who.accountId)): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { link } = await createInvite(db, issuer, who);
    const res = await fetch(link, { method: 'POST', body: new URLSearchParams({ password, confirmation: password }) });
    if (res.status === 200) return;
    if (res.status !== 410 || attempt === 5) throw new Error(`setting the password of ${who.accountId} answered ${res.status}`);
  }
}

/** A cookie jar per host, enough for the OIDC round trip (paths are ignored: the names differ). */
export class Jar {
  private readonly byHost = new Map<string, Map<string, string>>();
  header(url: URL): string {
    return [...(this.byHost.get(url.host) ?? new Map()).entries()].map(([k, v]) => `${k}=${v}`).join('; ');
  }
  take(url: URL, res: Response): void {
    const jar = this.byHost.get(url.host) ?? new Map<string, string>();
    this.byHost.set(url.host, jar);
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0/i.test(a));
      if (expired || value === '') jar.delete(name);
      else jar.set(name, value);
    }
  }
  get(host: string, name: string): string | undefined {
    return this.byHost.get(host)?.get(name);
  }
}

export interface CookieSession {
  /** The Cookie header for the API. */
  cookie: string;
  csrfToken: string;
  /** Every Set-Cookie line of the session cookie as the API sent it. */
  setCookie: string;
}

/**
 * An access token of the provider for a person, as an integration would get one: the same round trip,
 * but the code is exchanged here (with the API's client credentials and the PKCE verifier the
 * sign-in cookie carries) instead of by the API's callback.
 */
export async function accessTokenWithPassword(apiUrl: string, issuer: string, clientSecret: string, username: string, password: string): Promise<string> {
  const callback = await signInWithPassword(apiUrl, username, password, { stopAtCallback: true }) as unknown as { url: URL; signInCookie: string };
  const pending = JSON.parse(Buffer.from(callback.signInCookie.split('.')[0], 'base64url').toString('utf8'));
  const meta = await (await fetch(`${issuer}/.well-known/openid-configuration`)).json();
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`kinerja:${clientSecret}`).toString('base64')}` },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.url.searchParams.get('code')!, redirect_uri: `${apiUrl}/auth/callback`, code_verifier: pending.verifier }),
  });
  const body = await res.json();
  if (!res.ok) throw new Error(`the token endpoint answered ${res.status}: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** Signs in through /auth/login → the provider's form → /auth/callback, following redirects by hand. */
export async function signInWithPassword(apiUrl: string, username: string, password: string, options: { stopAtCallback?: boolean; jar?: Jar } = {}): Promise<CookieSession> {
  // a browser's cookies: pass the same jar to sign in again where the provider still knows the person
  const jar = options.jar ?? new Jar();
  let sessionSetCookie = '';
  const go = async (url: URL, init: RequestInit = {}): Promise<Response> => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...(init.headers ?? {}), cookie: jar.header(url) } });
    jar.take(url, res);
    const line = res.headers.getSetCookie().find((l) => l.startsWith('kinerja_session='));
    if (line) sessionSetCookie = line;
    return res;
  };
  let url = new URL('/auth/login', apiUrl);
  let res = await go(url);
  for (let hops = 0; hops < 10; hops++) {
    const location = res.headers.get('location');
    if (res.status >= 300 && res.status < 400 && location) {
      url = new URL(location, url);
      if (options.stopAtCallback && url.pathname === '/auth/callback') {
        return { url, signInCookie: jar.get(new URL(apiUrl).host, 'kinerja_signin')! } as unknown as CookieSession;
      }
      res = await go(url);
      continue;
    }
    if (res.status === 200 && url.pathname.startsWith('/interaction/')) {
      url = new URL(`${url.pathname}/login`, url);
      res = await go(url, { method: 'POST', body: new URLSearchParams({ username, password }) });
      continue;
    }
    // Keycloak's login form posts to the action URL it names
    const html = res.status === 200 ? await res.text() : '';
    const action = /<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (action && hops < 8) {
      url = new URL(action.replace(/&amp;/g, '&'), url);
      res = await go(url, { method: 'POST', body: new URLSearchParams({ username, password, credentialId: '' }) });
      continue;
    }
    break;
  }
  const api = new URL(apiUrl);
  const value = jar.get(api.host, 'kinerja_session');
  if (!value) throw new Error(`signing in as ${username} ended at ${url.href} with ${res.status}`);
  const cookie = `kinerja_session=${value}`;
  const session = await fetch(new URL('/auth/session', apiUrl), { headers: { cookie } });
  const body = await session.json();
  return { cookie, csrfToken: body.csrfToken, setCookie: sessionSetCookie };
}
