// Content hashes: canonical JSON (sorted keys) and SHA-256, shared by the records, the audit chain,
// cursors and idempotency keys.
import { createHash } from 'node:crypto';

/** JSON with sorted keys: the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v,
  );
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
