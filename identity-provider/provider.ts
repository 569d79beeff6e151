// The embedded OpenID provider (`oidc-provider`, OpenID-certified) that `npm start` runs beside the
// API when no OIDC_ISSUER is configured: authorization code with PKCE only, one confidential client
// (the API), accounts from accounts.ts, sign-in and set-password pages of its own, RP-initiated
// logout. Its sessions, grants and codes are in PostgreSQL (pg-adapter.ts): a restart signs nobody
// out. Production uses the region's provider.
import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import express from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Pool } from 'pg';
import Provider, { errors, type Configuration, type JWK, type KoaContextWithOIDC } from 'oidc-provider';
import { claimsOf, findAccount, passwordHashOf } from './accounts';
import { inviteAccount, redeemInvite } from './invites';
import { hashPassword, passwordProblem, verifyPassword } from './passwords';
import { errorPage, loginForm, logoutPage, message, setPasswordForm } from './pages';
import { postgresAdapter } from './pg-adapter';

export interface IdentityProviderOptions {
  db: Pool;
  issuer: string;
  /** The API's public URL: the client's redirect and post-logout URIs hang off it. */
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  /** Signing keys (private JWKs) and cookie keys. */
  jwks: JWK[];
  cookieKeys: string[];
}

const nonce = () => randomBytes(16).toString('base64');
/** The provider's pages run no script but the nonce'd sign-out submit, and can be framed by no one. */
function sendHtml(res: express.Response, status: number, html: (nonce: string) => string) {
  const n = nonce();
  // form-action also governs where a submitted form's redirects go: back to the API's callback
  const apiOrigin = String(res.app.get('kinerja api origin') ?? '');
  res.status(status).set({
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${n}'; form-action 'self' ${apiOrigin}; frame-ancestors 'none'; base-uri 'none'`,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  }).send(html(n));
}

/** The API as a resource server: its access tokens' audience, and the one scope it knows. */
export const apiResourceOf = (apiUrl: string) => `${apiUrl}/api`;
const API_SCOPE = 'kinerja';

export function createIdentityProvider(o: IdentityProviderOptions): { app: express.Express; provider: Provider } {
  const apiResource = apiResourceOf(o.apiUrl);
  const configuration: Configuration = {
    adapter: postgresAdapter(o.db),
    clients: [{
      client_id: o.clientId,
      client_secret: o.clientSecret,
      redirect_uris: [`${o.apiUrl}/auth/callback`],
      post_logout_redirect_uris: [`${o.apiUrl}/`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'client_secret_basic',
    }],
    pkce: { required: () => true },
    async findAccount(_ctx, sub) {
      const account = await findAccount(o.db, sub);
      if (!account) return undefined;
      return { accountId: sub, claims: async () => claimsOf(account) as { sub: string } };
    },
    claims: { openid: ['sub'], profile: ['name', 'preferred_username', 'nip', 'roles'], email: ['email', 'email_verified'] },
    // the ID token carries the claims of its scopes, so the API needs no userinfo call
    conformIdTokenClaims: false,
    // the API is first-party: no consent screen, the grant covers what it asks for
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session!.grantIdFor(ctx.oidc.client!.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope('openid profile email');
      grant.addOIDCClaims(['name', 'preferred_username', 'nip', 'roles', 'email', 'email_verified']);
      grant.addResourceScope(apiResource, API_SCOPE);
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    // Access tokens are JWTs for the API (audience `${apiUrl}/api`) carrying the claims the API maps,
    // so an integration holding one can call the API like the page's session (verified by JWKS).
    async extraTokenClaims(_ctx, token) {
      const accountId = 'accountId' in token ? token.accountId : undefined;
      if (!accountId) return undefined;
      const account = await findAccount(o.db, accountId);
      if (!account) return undefined;
      const { sub: _sub, ...claims } = claimsOf(account);
      return claims;
    },
    features: {
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => apiResource,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, resource) => {
          if (resource !== apiResource) throw new errors.InvalidTarget();
          return { scope: API_SCOPE, audience: apiResource, accessTokenFormat: 'jwt', accessTokenTTL: 3600, jwt: { sign: { alg: 'RS256' } } };
        },
      },
      rpInitiatedLogout: {
        enabled: true,
        async logoutSource(ctx: KoaContextWithOIDC, form: string) {
          const n = nonce();
          ctx.set('Content-Security-Policy', `default-src 'none'; style-src 'nonce-${n}'; script-src 'nonce-${n}'; form-action 'self' ${o.apiUrl}; frame-ancestors 'none'`);
          ctx.type = 'html';
          // a hint given was checked by oidc-provider before this page (an invalid one is refused)
          ctx.body = logoutPage(form, n, typeof ctx.oidc.params?.id_token_hint === 'string');
        },
        async postLogoutSuccessSource(ctx: KoaContextWithOIDC) {
          ctx.type = 'html';
          ctx.body = message('Anda sudah keluar', 'Anda telah keluar dari Kinerja.', '', { href: `${o.apiUrl}/`, label: 'Masuk lagi' });
        },
      },
    },
    async renderError(ctx, out) {
      ctx.type = 'html';
      ctx.body = errorPage(out.error, `${o.apiUrl}/`, '');
    },
    cookies: { keys: o.cookieKeys },
    jwks: { keys: o.jwks },
    ttl: { AccessToken: 3600, AuthorizationCode: 60, IdToken: 3600, Interaction: 600, Session: 12 * 3600, Grant: 12 * 3600 },
  };
  const provider = new Provider(o.issuer, configuration);
  provider.proxy = true;

  const app = express();
  app.disable('x-powered-by');
  app.set('kinerja api origin', new URL(o.apiUrl).origin);
  const form = express.urlencoded({ extended: false, limit: '8kb' });
  // password guessing: per client address (the accounts' own lockout would let anyone lock an official out)
  const loginLimit = rateLimit({
    windowMs: 15 * 60_000, limit: 50, standardHeaders: 'draft-8', legacyHeaders: false,
    // a whole office behind one address can reach it on a busy morning: say so in its language
    handler: (_req, res) => sendHtml(res, 429, (n) => message('Terlalu banyak percobaan masuk', 'Terlalu banyak percobaan masuk dari jaringan ini. Tunggu beberapa menit, lalu coba lagi.', n)),
  });

  app.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name !== 'login') {
        // consent is granted by loadExistingGrant; anything else finishes with what is known
        return void (await provider.interactionFinished(req, res, {}, { mergeWithLastSubmission: true }));
      }
      sendHtml(res, 200, (n) => loginForm(`/interaction/${details.uid}/login`, n));
    } catch (err) {
      next(err);
    }
  });

  app.post('/interaction/:uid/login', loginLimit, form, async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const username = String(req.body?.username ?? '').trim();
      const password = String(req.body?.password ?? '');
      const account = username ? await findAccount(o.db, username) : null;
      const ok = await verifyPassword(password, account ? await passwordHashOf(o.db, account.accountId) : null);
      if (!account || !ok) {
        return sendHtml(res, 401, (n) => loginForm(`/interaction/${details.uid}/login`, n, { username, error: 'NIP/ID atau kata sandi salah.' }));
      }
      await provider.interactionFinished(req, res, { login: { accountId: account.accountId } }, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });

  app.get('/invite/:token', async (req, res, next) => {
    try {
      const accountId = await inviteAccount(o.db, req.params.token);
      if (!accountId) return sendHtml(res, 410, (n) => message('Tautan tidak berlaku', 'Tautan ini sudah dipakai atau kedaluwarsa. Minta tautan baru kepada administrator.', n));
      sendHtml(res, 200, (n) => setPasswordForm(`/invite/${req.params.token}`, accountId, n));
    } catch (err) {
      next(err);
    }
  });

  app.post('/invite/:token', form, async (req, res, next) => {
    try {
      const accountId = await inviteAccount(o.db, req.params.token);
      if (!accountId) return sendHtml(res, 410, (n) => message('Tautan tidak berlaku', 'Tautan ini sudah dipakai atau kedaluwarsa. Minta tautan baru kepada administrator.', n));
      const password = String(req.body?.password ?? '');
      const problem = passwordProblem(password, String(req.body?.confirmation ?? ''), accountId);
      if (problem) return sendHtml(res, 422, (n) => setPasswordForm(`/invite/${req.params.token}`, accountId, n, problem));
      const done = await redeemInvite(o.db, req.params.token, await hashPassword(password));
      if (!done) return sendHtml(res, 410, (n) => message('Tautan tidak berlaku', 'Tautan ini sudah dipakai atau kedaluwarsa.', n));
      sendHtml(res, 200, (n) => message('Kata sandi tersimpan', 'Kata sandi Anda sudah diatur. Silakan masuk.', n, { href: `${o.apiUrl}/`, label: 'Masuk ke Kinerja' }));
    } catch (err) {
      next(err);
    }
  });

  app.use(provider.callback());
  app.use((err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    const expired = (err as { name?: string })?.name === 'SessionNotFound';
    sendHtml(res, expired ? 400 : 500, (n) => message('Sesi masuk berakhir', expired ? 'Sesi masuk ini sudah berakhir. Mulai lagi dari halaman Kinerja.' : 'Terjadi kesalahan di penyedia identitas.', n, { href: `${o.apiUrl}/`, label: 'Kembali ke Kinerja' }));
  });
  return { app, provider };
}

export function listen(app: express.Express, port: number, host = '127.0.0.1'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, (err?: Error) => (err ? reject(err) : resolve(server)));
  });
}
