// The link printed on a signed PK (its QR code) carries a verification token besides the document
// id: document ids are predictable (pk:<org>:<year>:<position>:v<n>:<party>), so the id alone must
// not open a report that names the signers, their NIPs and certificate serials. The token is an
// HMAC of the id under the server secret: nothing to store, the same for every retry of a signing
// activity, and checked without a query. (The secret cannot be rotated anyway: it also seals the
// CAs' keys.) Documents signed before the token (their printed links carry the id only, so
// documents.verify_by_id_alone, migration 019) keep answering by id.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The verification token of a document: 128 bits of HMAC-SHA256 of its id under the server secret, base64url (22 characters). */
export function verificationToken(secret: string, documentId: string): string {
  return createHmac('sha256', secret).update(`kinerja verification link:${documentId}`).digest().subarray(0, 16).toString('base64url');
}

/** Whether `token` is the document's verification token; compared in constant time. */
export function isVerificationToken(secret: string, documentId: string, token: unknown): boolean {
  if (typeof token !== 'string') return false;
  const expected = Buffer.from(verificationToken(secret, documentId));
  const given = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The link printed on a signed PK (its QR code): the public page of the document's report, with its token. */
export function verificationUrl(publicUrl: string, secret: string, documentId: string): string {
  return `${publicUrl}/#/verify/${encodeURIComponent(documentId)}?t=${verificationToken(secret, documentId)}`;
}
