// Which signer the worker uses, from configuration: the organisation's own CA (local) or a
// BSrE-style remote service. Verification trusts the remote provider's root besides our CAs.
import { readFileSync } from 'node:fs';
import { createLocalSigner } from './local-signer';
import type { LockoutPolicy } from './lockout';
import { createRemoteSigner } from './remote-signer';
import type { Signer } from './signer';
import type { SigningStore } from './store';

export type SigningProvider = 'local' | 'bsre';

export interface ProviderConfig {
  SIGNING_PROVIDER?: SigningProvider;
  BSRE_URL?: string;
  BSRE_CA_FILE?: string;
  BSRE_TIMEOUT_MS?: number;
}

export function createSigner(config: ProviderConfig, local: { store: SigningStore; lockout: LockoutPolicy }): Signer {
  if (config.SIGNING_PROVIDER === 'bsre') {
    return createRemoteSigner({ baseUrl: config.BSRE_URL!, timeoutMs: config.BSRE_TIMEOUT_MS });
  }
  return createLocalSigner(local);
}

/** Root certificates (PEM) of the remote provider, trusted besides the organisations' CAs. */
export function providerRoots(config: ProviderConfig): string[] {
  if (config.SIGNING_PROVIDER !== 'bsre' || !config.BSRE_CA_FILE) return [];
  const pem = readFileSync(config.BSRE_CA_FILE, 'utf8');
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}
