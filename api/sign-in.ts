// The page's sign-in with OpenID Connect: /auth/login sends the browser to the provider
// (authorization code + PKCE), /auth/callback turns the answer into a server session cookie,
// /auth/session tells the page who is signed in (and the session's CSRF token), and /auth/logout
// ends the session and sends the browser on to the provider's end-session endpoint.
import express, { Router, type Request, type Response } from 'express';
import type { ApiDeps } from './deps';
import { principalFromClaims } from './claims';
import { clearCookie, cookieNames, cookieOptions, openCookieValue, readCookie, sealCookieValue } from './cookies';
import { RelyingParty } from './oidc-relying-party';
import { htmlPage as page } from './html-page';
import { HttpProblem, sendProblem } from './problem';
import { createSession, endSession, resumeSession } from './sessions';
import { CSRF_HEADER, sameToken } from './auth';

const SIGN_IN_WINDOW_MS = 10 * 60_000;

interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  /** The page's hash route to return to. */
  next: string;
  at: number;
}

/** The sign-in's own problems, on a page (api/html-page.ts). */
const htmlPage = (res: Response, status: number, title: string, text: string, link: { href: string; label: string }) =>
  page(res, status, title, text, link, 'sign-in-problem');

/** Only the page's own hash routes: never a URL elsewhere (an open redirect). */
const safeNext = (value: unknown) => (typeof value === 'string' && /^#\/[^\s]*$/.test(value) && value.length < 500 ? value : '#/');

export function signInRoutes({ db, config, logger }: ApiDeps): Router {
  const router = Router();
  const rp = new RelyingParty(config);
  const secure = config.publicUrl.startsWith('https:');
  const names = cookieNames(secure);
  const timeouts = { idleMinutes: config.SESSION_IDLE_MINUTES, maxHours: config.SESSION_MAX_HOURS };

  router.get('/auth/login', async (req, res, next) => {
    try {
      // a browser's navigation: what stops the sign-in is said on a page, not in a problem document
      if (!rp.enabled) {
        return htmlPage(res, 503, 'Masuk lewat SSO belum tersedia', 'Masuk lewat layanan SSO belum diatur di sistem ini. Hubungi administrator Kinerja.', { href: '/', label: 'Kembali' });
      }
      const login = await rp.loginRequest().catch((err) => {
        logger.warn({ err }, 'OpenID provider discovery failed');
        return null;
      });
      if (!login) {
        res.setHeader('Retry-After', '5');
        return htmlPage(res, 503, 'Layanan masuk tidak dapat dihubungi', 'Layanan masuk (SSO) tidak dapat dihubungi saat ini. Coba lagi sebentar lagi.',
          { href: `/auth/login?next=${encodeURIComponent(safeNext(req.query.next))}`, label: 'Coba lagi' });
      }
      const pending: PendingSignIn = { state: login.state, nonce: login.nonce, verifier: login.verifier, next: safeNext(req.query.next), at: Date.now() };
      res.cookie(names.signIn, sealCookieValue(pending, config.KINERJA_SECRET), cookieOptions(secure, SIGN_IN_WINDOW_MS));
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(303, login.url);
    } catch (err) {
      next(err);
    }
  });

  router.get('/auth/callback', async (req, res, next) => {
    try {
      const pending = openCookieValue<PendingSignIn>(readCookie(req, names.signIn), config.KINERJA_SECRET);
      clearCookie(res, names.signIn, secure);
      const again = { href: '/auth/login', label: 'Masuk lagi' };
      if (!pending || Date.now() - pending.at > SIGN_IN_WINDOW_MS) {
        return htmlPage(res, 400, 'Permintaan masuk kedaluwarsa', 'Permintaan masuk ini sudah kedaluwarsa atau dibuka di peramban lain. Silakan masuk lagi.', again);
      }
      let result;
      try {
        result = await rp.callback(new URL(req.originalUrl, config.publicUrl), pending);
      } catch (err) {
        logger.warn({ err }, 'OpenID sign-in callback refused');
        return htmlPage(res, 400, 'Gagal masuk', 'Penyedia identitas tidak mengonfirmasi proses masuk ini. Silakan masuk lagi.', again);
      }
      const outcome = await principalFromClaims(db, result.claims, config);
      if (!outcome.ok) {
        logger.info({ detail: outcome.detail }, 'sign-in names no official and no role');
        const out = (await rp.endSessionUrl(result.idToken)) ?? '/';
        return htmlPage(res, 403, 'Akun belum terhubung', 'Anda berhasil masuk di penyedia identitas, tetapi akun Anda tidak terhubung ke pejabat mana pun dan tidak memiliki peran administrator atau tim evaluasi di Kinerja. Hubungi administrator Kinerja.', { href: out, label: 'Keluar' });
      }
      const { cookieValue } = await createSession(db, outcome.principal, result.idToken, timeouts);
      res.cookie(names.session, cookieValue, cookieOptions(secure));
      res.redirect(303, `/${pending.next}`);
    } catch (err) {
      next(err);
    }
  });

  router.get('/auth/session', async (req, res, next) => {
    try {
      const id = readCookie(req, names.session);
      const session = id ? await resumeSession(db, id, timeouts) : null;
      res.setHeader('Cache-Control', 'no-store');
      if (!session) {
        return sendProblem(res, 401, 'not_signed_in', 'No session: sign in at /auth/login.', { signIn: rp.enabled ? '/auth/login' : null });
      }
      const { principal } = session;
      res.json({ role: principal.role, id: principal.id, nip: principal.nip, csrfToken: session.csrfToken, csrfHeader: CSRF_HEADER });
    } catch (err) {
      next(err);
    }
  });

  router.post('/auth/logout', express.json({ limit: '1kb' }), async (req, res, next) => {
    try {
      const id = readCookie(req, names.session);
      const session = id ? await resumeSession(db, id, timeouts) : null;
      if (!id || !session) {
        clearCookie(res, names.session, secure);
        return void res.json({ redirectTo: '/' });
      }
      const given = req.get(CSRF_HEADER) ?? '';
      if (!sameToken(given, session.csrfToken)) throw new HttpProblem(403, 'csrf_token_invalid', `Signing out needs the session's CSRF token in the ${CSRF_HEADER} header.`);
      await endSession(db, id);
      clearCookie(res, names.session, secure);
      res.setHeader('Cache-Control', 'no-store');
      res.json({ redirectTo: (await rp.endSessionUrl(session.idToken)) ?? '/' });
    } catch (err) {
      next(err);
    }
  });

  return router;
}

export type { Request };
