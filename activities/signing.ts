// PLACEHOLDER until the signing module lands (replaced in this session).
import type { Pool } from 'pg';
import type { Config } from '../config';
import type { ActivityDeps } from './deps';
import type { SignatureRecord, SealedSecret, Party } from '../workflows/messages';
export type SigningDeps = Record<string, never>;
export async function createSigningDeps(_db: Pool, _config: Config): Promise<SigningDeps> { return {}; }
export function createSigningActivities(_deps: ActivityDeps) {
  return {
    async signAgreement(_a: { agreementId: string; version: number; party: Party; signerNip: string; passphrase: SealedSecret }): Promise<SignatureRecord> {
      throw new Error('not wired yet');
    },
  };
}
