// The page's cookies: the session (HttpOnly, SameSite=Lax, Secure and `__Host-` when PUBLIC_URL is
// HTTPS) and the short-lived sign-in request (state, nonce, PKCE verifier), HMAC-signed so it can
// only come from this server.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { CookieOptions, Request, Response } from 'express';

export interface CookieNames {
  session: string;
  signIn: string;
}

export const cookieNames = (secure: boolean): CookieNames =>
  secure ? { session: '__Host-kinerja_session', signIn: '__Host-kinerja_signin' } : { session: 'kinerja_session', signIn: 'kinerja_signin' };

export const cookieOptions = (secure: boolean, maxAgeMs?: number): CookieOptions => ({
  httpOnly: true, sameSite: 'lax', secure, path: '/', ...(maxAgeMs ? { maxAge: maxAgeMs } : {}),
});

export function readCookie(req: Request, name: string): string | null {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return null;
}

const mac = (secret: string, data: string) => createHmac('sha256', secret).update(`kinerja signin cookie:${data}`).digest('base64url');

export function sealCookieValue(value: unknown, secret: string): string {
  const data = Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${data}.${mac(secret, data)}`;
}

export function openCookieValue<T>(sealed: string | null, secret: string): T | null {
  if (!sealed) return null;
  const [data, tag] = sealed.split('.');
  if (!data || !tag) return null;
  const expected = Buffer.from(mac(secret, data));
  const given = Buffer.from(tag);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    return JSON.parse(Buffer.from(data, 'base64url').toString('utf8')) as T;
  } catch {
    return null;
  }
}

export const clearCookie = (res: Response, name: string, secure: boolean) => res.clearCookie(name, cookieOptions(secure));
