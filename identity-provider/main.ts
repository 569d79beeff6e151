// The embedded identity provider's process (`npm start` runs it when OIDC_ISSUER is not given;
// the browser tests start it too): OIDC_ISSUER is its own URL, PUBLIC_URL the API's.
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { JWK } from 'oidc-provider';
import { loadConfig } from '../config';
import { createPool } from '../db/pool';
import { embeddedClientSecret } from './client-secret';
import { createIdentityProvider, listen } from './provider';

/** The provider's RS256 signing key: kept in IDP_KEYS_FILE (0600) so tokens outlive a restart. */
function signingKeys(file: string | undefined): JWK[] {
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')).keys;
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keys = [{ ...(privateKey.export({ format: 'jwk' }) as JWK), kid: randomUUID(), alg: 'RS256', use: 'sig' }];
  if (file) writeFileSync(file, JSON.stringify({ keys }), { mode: 0o600 });
  return keys;
}

async function main() {
  const config = loadConfig();
  if (!config.OIDC_ISSUER) throw new Error('OIDC_ISSUER (this provider\'s own URL) is required');
  const db = createPool(config.DATABASE_URL, 4);
  const { app } = createIdentityProvider({
    db,
    issuer: config.OIDC_ISSUER,
    apiUrl: config.publicUrl.replace(/\/$/, ''),
    clientId: config.OIDC_CLIENT_ID,
    clientSecret: config.OIDC_CLIENT_SECRET ?? embeddedClientSecret(config.KINERJA_SECRET),
    jwks: signingKeys(config.IDP_KEYS_FILE),
    cookieKeys: [createHmac('sha256', config.KINERJA_SECRET).update('kinerja identity provider cookies').digest('base64url')],
  });
  const port = Number(new URL(config.OIDC_ISSUER).port || config.IDP_PORT);
  await listen(app, port);
  process.stdout.write(`identity provider listening on ${config.OIDC_ISSUER}\n`);
  const stop = () => void db.end().finally(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err) => {
  console.error(`[identity-provider] ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
