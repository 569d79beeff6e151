// The OpenID provider's own access tokens as bearer tokens: JWTs signed with the provider's keys
// (fetched from its JWKS and cached by jose), for the configured audience, mapped to a person by
// the same claims as the page's sign-in (api/claims.ts). Opaque access tokens are not accepted.
import { createRemoteJWKSet, jwtVerify, errors, type JWTVerifyGetKey } from 'jose';
import type { Pool } from 'pg';
import type { Config } from '../config';
import { principalFromClaims } from './claims';
import type { Principal } from './principal';
import { TokenError } from '../security/jwt';

const ASYMMETRIC = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

export class ProviderAccessTokens {
  private keys: Promise<{ issuer: string; jwks: JWTVerifyGetKey }> | null = null;

  constructor(private readonly db: Pool, private readonly config: Config) {}

  get enabled(): boolean {
    return this.config.OIDC_ISSUER !== undefined;
  }

  get audience(): string {
    return this.config.OIDC_AUDIENCE ?? `${this.config.publicUrl.replace(/\/$/, '')}/api`;
  }

  private discover() {
    const issuer = this.config.OIDC_ISSUER!.replace(/\/$/, '');
    this.keys ??= fetch(`${issuer}/.well-known/openid-configuration`)
      .then(async (res) => {
        if (!res.ok) throw new Error(`discovery answered ${res.status}`);
        const meta = (await res.json()) as { issuer: string; jwks_uri: string };
        return { issuer: meta.issuer, jwks: createRemoteJWKSet(new URL(meta.jwks_uri)) };
      })
      .catch((err) => {
        this.keys = null;
        throw err;
      });
    return this.keys;
  }

  async verify(token: string): Promise<Principal> {
    let claims: Record<string, unknown>;
    try {
      const { issuer, jwks } = await this.discover();
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer, audience: this.audience, algorithms: ASYMMETRIC }));
    } catch (err) {
      if (err instanceof errors.JWTExpired) throw new TokenError('expired', 'token expired');
      if (err instanceof errors.JOSEError) throw new TokenError('bad_signature', `not a valid access token of the provider (${err.code})`);
      throw err; // the provider unreachable: not the caller's fault
    }
    const outcome = await principalFromClaims(this.db, claims, this.config);
    if (!outcome.ok) throw new TokenError('bad_claims', outcome.detail);
    return outcome.principal;
  }
}
