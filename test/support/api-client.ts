// Helpers for the API tests: tokens for each kind of caller, JSON requests, and the sample
// organisation under a per-file id and year (so files never collide and deadlines are in the future).
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { readFileSync } from 'node:fs';
import { mintToken as signToken } from './test-tokens';
import { withOwnOfficials } from './own-officials';

export const SAMPLE_PATH = SAMPLE_ORGANISATION_PATH;
/**
 * The sample's Bupati has no NIP (not a civil servant); tests give one so the superior can log in
 * (made the file's own by `sampleOrganisation`, like every official's: read it with `nipOf(org, 'bupati')`).
 */
export const BUPATI_NIP = '196501011990011001';

export function sampleOrganisation(orgId: string, year = new Date().getFullYear() + 1) {
  const org = JSON.parse(readFileSync(SAMPLE_PATH, 'utf8'));
  org.organisation.id = orgId;
  org.year = year;
  org.positions.find((p: any) => p.id === 'bupati').official.nip = BUPATI_NIP;
  return withOwnOfficials(org);
}

/** Every test signs with this passphrase per official: a signing key is per person, shared by every cycle in one database. */
export const passphraseFor = (nip: string): string => `frasa-rahasia-${nip}`;
export const nipOf = (org: any, positionId: string): string => org.positions.find((p: any) => p.id === positionId).official.nip;

export function tokens(secret: string) {
  return {
    admin: signToken({ sub: 'admin-test', role: 'admin' }, secret, 3600),
    evaluator: signToken({ sub: 'evaluator-test', role: 'evaluator' }, secret, 3600),
    official: (nip: string) => signToken({ sub: nip, role: 'official', nip }, secret, 3600),
  };
}

export interface Reply {
  status: number;
  body: any;
  headers: Headers;
}

export function client(baseUrl: string) {
  return async function call(method: string, path: string, opts: { token?: string; session?: { cookie: string; csrfToken: string }; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.session) {
      // a signed-in page: the session cookie, and on changes the session's CSRF token
      headers.cookie = opts.session.cookie;
      if (method !== 'GET') headers['x-csrf-token'] = opts.session.csrfToken;
    }
    Object.assign(headers, opts.headers ?? {});
    let payload: string | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
    if (payload !== undefined && !headers['content-type']) headers['content-type'] = 'application/json';
    const res = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
    const text = await res.text();
    let body: any = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    return { status: res.status, body, headers: res.headers };
  };
}

/** A value's JSON for a timeout message, cut to 500 characters (a Reply's Headers show as {}: its status and body are what tell). */
export function lastValueText(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

/** Polls `fn` until `ok` holds and returns that value; throws when `timeoutMs` passes first, with the last value seen. */
export async function waitFor<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms; last value: ${lastValueText(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const enc = encodeURIComponent;

/**
 * A calendar change's or change of official's answer as the caller ends up with it: a 202 (still
 * under way) is followed at its Location until the change is done, then read as the 200 or problem
 * the change would have answered at once.
 */
export async function settled(call: ReturnType<typeof client>, token: string, reply: Reply): Promise<Reply> {
  if (reply.status !== 202) return reply;
  const location = reply.headers.get('location');
  if (!location) throw new Error('a 202 without Location');
  const done = await waitFor(() => call('GET', location, { token }), (r) => r.status !== 200 || r.body.state !== 'running', 120_000);
  return done.status === 200 && done.body.state === 'done' ? { ...done, body: done.body.result } : done;
}

/** A stack with the organisation's cycle started by an admin over HTTP; resolves once `ready` holds (default: all started). */
export async function startStackWithCycle(org: any, ready: (status: any) => boolean = (s) => s.status === 'running', options: { identityProvider?: boolean; env?: Record<string, string> } = {}) {
  const { startStack } = await import('./stack');
  const stack = await startStack(options.env ?? {}, options);
  const call = client(stack.baseUrl);
  const t = tokens(stack.config.KINERJA_SECRET);
  const cycleId = `cycle:${org.organisation.id}:${org.year}`;
  const started = await call('POST', '/api/cycles', { token: t.admin, body: org });
  if (started.status !== 201) throw new Error(`starting the cycle answered ${started.status}: ${JSON.stringify(started.body)}`);
  await waitFor(() => call('GET', `/api/cycles/${enc(cycleId)}`, { token: t.admin }), (r) => ready(r.body));
  return { stack, call, t, cycleId };
}
