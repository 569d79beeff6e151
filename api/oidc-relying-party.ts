// The API as an OpenID Connect relying party (`openid-client`): discovery of OIDC_ISSUER (retried
// on the next sign-in if the provider was not up), authorization code with PKCE (S256), state and
// nonce, and the provider's end-session URL for RP-initiated logout.
import * as oidc from 'openid-client';
import type { Config } from '../config';
import { embeddedClientSecret } from '../identity-provider/client-secret';

export interface LoginRequest {
  url: string;
  state: string;
  nonce: string;
  verifier: string;
}

export class RelyingParty {
  private discovered: Promise<oidc.Configuration> | null = null;

  constructor(private readonly config: Config) {}

  get enabled(): boolean {
    return this.config.OIDC_ISSUER !== undefined;
  }

  get redirectUri(): string {
    return `${this.config.publicUrl.replace(/\/$/, '')}/auth/callback`;
  }

  private discover(): Promise<oidc.Configuration> {
    const issuer = new URL(this.config.OIDC_ISSUER!);
    // the embedded provider (and a test's) is plain HTTP on loopback; a real one is HTTPS
    const options = issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
    const secret = this.config.OIDC_CLIENT_SECRET ?? embeddedClientSecret(this.config.KINERJA_SECRET);
    this.discovered ??= oidc.discovery(issuer, this.config.OIDC_CLIENT_ID, secret, undefined, options).catch((err) => {
      this.discovered = null;
      throw err;
    });
    return this.discovered;
  }

  async loginRequest(): Promise<LoginRequest> {
    const configuration = await this.discover();
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(configuration, {
      redirect_uri: this.redirectUri,
      scope: this.config.OIDC_SCOPES,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    return { url: url.href, state, nonce, verifier };
  }

  /** Exchanges the code (checking state, nonce and PKCE); the ID token's claims and the raw ID token. */
  async callback(currentUrl: URL, pending: { state: string; nonce: string; verifier: string }): Promise<{ claims: Record<string, unknown>; idToken: string | null }> {
    const configuration = await this.discover();
    const tokens = await oidc.authorizationCodeGrant(
      configuration,
      currentUrl,
      { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true },
      { redirect_uri: this.redirectUri },
    );
    let claims: Record<string, unknown> = { ...(tokens.claims() ?? {}) };
    // a provider that keeps claims out of the ID token (the spec's default) gives them at userinfo
    if (tokens.access_token && typeof claims.sub === 'string') {
      const info = await oidc.fetchUserInfo(configuration, tokens.access_token, claims.sub).catch(() => null);
      if (info) claims = { ...info, ...claims };
    }
    return { claims, idToken: tokens.id_token ?? null };
  }

  /** Where the browser goes to end the provider's session too; null when it offers no RP-initiated logout. */
  async endSessionUrl(idToken: string | null): Promise<string | null> {
    const configuration = await this.discover().catch(() => null);
    if (!configuration?.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(configuration, {
      post_logout_redirect_uri: `${this.config.publicUrl.replace(/\/$/, '')}/`,
      client_id: this.config.OIDC_CLIENT_ID,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).href;
  }
}
