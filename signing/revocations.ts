// Certificate revocation: what the organisation's CA has revoked, when and why. The CRL
// (signing/crl.ts) publishes it; the verifier and the signing activity consult it.
import type { Pool, PoolClient } from 'pg';
import { parseCertificate } from './x509-cache';

/** RFC 5280 CRLReason values this installation uses, with their codes. */
export const REVOCATION_REASONS = {
  keyCompromise: 1,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export interface Revocation {
  caId: string;
  /** Upper-case hex, no leading zeros (as X509Certificate.serialNumber, trimmed). */
  serialNumber: string;
  signerId: string;
  reason: RevocationReason;
  note: string | null;
  revokedAt: Date;
}

export const normaliseSerial = (serial: string) => serial.replace(/^0+/, '').toUpperCase();
export const serialOf = (pem: string) => normaliseSerial(parseCertificate(pem).serialNumber);

export interface RevocationStore {
  /** Revokes once: a second call for the same certificate keeps the first record. */
  revoke(revocation: Revocation, tx?: PoolClient): Promise<void>;
  list(caId: string): Promise<Revocation[]>;
  find(caId: string, serialNumber: string): Promise<Revocation | null>;
}

const fromRow = (r: Record<string, any>): Revocation => ({
  caId: r.ca_id, serialNumber: r.serial_number, signerId: r.signer_id, reason: r.reason, note: r.note, revokedAt: new Date(r.revoked_at),
});

export class PgRevocationStore implements RevocationStore {
  constructor(private readonly pool: Pool) {}

  async revoke(r: Revocation, tx?: PoolClient): Promise<void> {
    await (tx ?? this.pool).query(
      `INSERT INTO certificate_revocation (ca_id, serial_number, signer_id, reason, note, revoked_at)
       VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (ca_id, serial_number) DO NOTHING`,
      [r.caId, normaliseSerial(r.serialNumber), r.signerId, r.reason, r.note, r.revokedAt],
    );
  }

  async list(caId: string): Promise<Revocation[]> {
    const { rows } = await this.pool.query('SELECT * FROM certificate_revocation WHERE ca_id = $1 ORDER BY revoked_at, serial_number', [caId]);
    return rows.map(fromRow);
  }

  async find(caId: string, serialNumber: string): Promise<Revocation | null> {
    const { rows } = await this.pool.query('SELECT * FROM certificate_revocation WHERE ca_id = $1 AND serial_number = $2', [caId, normaliseSerial(serialNumber)]);
    return rows[0] ? fromRow(rows[0]) : null;
  }
}

export class MemoryRevocationStore implements RevocationStore {
  private readonly rows: Revocation[] = [];
  async revoke(r: Revocation): Promise<void> {
    if (!(await this.find(r.caId, r.serialNumber))) this.rows.push({ ...r, serialNumber: normaliseSerial(r.serialNumber) });
  }
  async list(caId: string): Promise<Revocation[]> {
    return this.rows.filter((r) => r.caId === caId);
  }
  async find(caId: string, serialNumber: string): Promise<Revocation | null> {
    return this.rows.find((r) => r.caId === caId && r.serialNumber === normaliseSerial(serialNumber)) ?? null;
  }
}
