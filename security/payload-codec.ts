// A Temporal payload codec that encrypts every payload carrying a sealed secret (a sign Update's
// input, the signing activity's input) with AES-256-GCM under a key derived from the server
// secret, so Temporal's history, its Web UI and anyone reading the frontend see ciphertext there,
// not a seal they could copy. Other payloads stay readable JSON (the timeline and the Web UI need
// them). The API's client and the worker both install it; a payload it cannot open is an error.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID = 'kinerja-secret-v1';
/** The serialised form of SealedSecret: any JSON payload containing it is encrypted. */
const SEALED_MARKER = Buffer.from('"sealed":"');

const utf8 = (s: string) => new Uint8Array(Buffer.from(s, 'utf8'));

function keyFor(secret: string): Buffer {
  return Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'utf8'), Buffer.from('kinerja'), Buffer.from('payload-codec/v1'), 32));
}

function carriesSecret(payload: Payload): boolean {
  return !!payload.data && Buffer.from(payload.data.buffer, payload.data.byteOffset, payload.data.byteLength).includes(SEALED_MARKER);
}

function encodingOf(payload: Payload): string {
  const e = payload.metadata?.encoding;
  return e ? Buffer.from(e).toString('utf8') : '';
}

export function createPayloadCodec(secret: string): PayloadCodec {
  const key = keyFor(secret);
  const aad = Buffer.from(KEY_ID);
  return {
    async encode(payloads) {
      return payloads.map((payload) => {
        if (!carriesSecret(payload)) return payload;
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', key, iv);
        cipher.setAAD(aad);
        const plain = temporal.api.common.v1.Payload.encode(payload).finish();
        const body = Buffer.concat([cipher.update(plain), cipher.final()]);
        return {
          metadata: { encoding: utf8(ENCRYPTED_ENCODING), 'encryption-key-id': utf8(KEY_ID) },
          data: new Uint8Array(Buffer.concat([iv, cipher.getAuthTag(), body])),
        };
      });
    },
    async decode(payloads) {
      return payloads.map((payload) => {
        if (encodingOf(payload) !== ENCRYPTED_ENCODING) return payload;
        const raw = Buffer.from(payload.data ?? new Uint8Array());
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
        decipher.setAAD(aad);
        decipher.setAuthTag(raw.subarray(12, 28));
        const plain = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]);
        return temporal.api.common.v1.Payload.decode(plain) as Payload;
      });
    },
  };
}
