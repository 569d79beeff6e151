// The verifier's vocabulary: what is wrong with one signature, the verdict on a whole document,
// and the PAdES baseline level a signature reaches. Stable codes: the API, the page (which words
// them in Bahasa Indonesia) and the tests rely on them.

/** One check that failed on a signature. */
export type SignatureProblemCode =
  /** The signed bytes changed after signing (message digest differs). */
  | 'document_modified'
  /** The cryptographic signature, its attributes or its encoding are wrong. */
  | 'signature_invalid'
  /** The certificate chain does not reach a CA this installation trusts. */
  | 'untrusted_certificate'
  /** A certificate of the chain was outside its validity at the signing time. */
  | 'certificate_expired'
  /** The signer's certificate was revoked before the signing time. */
  | 'certificate_revoked'
  /** The signature timestamp does not verify. */
  | 'timestamp_invalid'
  /** The signature dictionary or its byte range is malformed. */
  | 'malformed_signature';

/** The verdict on a whole document; the first that applies, in this order of severity. */
export type VerdictCode =
  | 'valid'
  | 'unreadable'
  | 'not_signed'
  | 'document_modified'
  | 'signature_invalid'
  | 'unsigned_changes'
  | 'untrusted_certificate'
  | 'certificate_revoked'
  | 'certificate_expired'
  | 'timestamp_invalid'
  | 'malformed_signature';

/**
 * PAdES baseline levels (ETSI EN 319 142-1): B-B a CAdES signature; B-T with a signature
 * timestamp; B-LT with the validation data (certificates, revocation) in the DSS; B-LTA with a
 * document timestamp over all of it.
 */
export type PadesLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

const SEVERITY: VerdictCode[] = [
  'document_modified',
  'signature_invalid',
  'malformed_signature',
  'untrusted_certificate',
  'certificate_revoked',
  'certificate_expired',
  'timestamp_invalid',
];

/** The most severe problem among the signatures, or null when none has one. */
export function worstSignatureProblem(codes: SignatureProblemCode[]): VerdictCode | null {
  return SEVERITY.find((code) => codes.includes(code as SignatureProblemCode)) ?? null;
}

/** English one-liners for logs, the CLI and the API's `summary`; the page has its own words. */
export const VERDICT_SUMMARY: Record<VerdictCode, string> = {
  valid: 'Every signature is valid and the document has not changed since it was signed.',
  unreadable: 'The file is not a readable PDF.',
  not_signed: 'The document carries no signature.',
  document_modified: 'The document was changed after it was signed.',
  signature_invalid: 'A signature does not verify.',
  unsigned_changes: 'Unsigned changes were appended after the last signature.',
  untrusted_certificate: 'A signer certificate was not issued by a trusted certificate authority.',
  certificate_revoked: 'A signer certificate was revoked before the document was signed.',
  certificate_expired: 'A certificate was not valid at the signing time.',
  timestamp_invalid: 'A signature timestamp does not verify.',
  malformed_signature: 'A signature is malformed.',
};
