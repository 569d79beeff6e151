// The BSrE-style remote signing API, as the client and the test server both see it.
//
//   POST {base}/api/v1/sign/pdf        body SignPdfRequest  → SignOutcome
//   GET  {base}/api/v1/sign/status/:id                      → SignOutcome, or 404 when unknown
//
// The client chooses `requestId`. The server signs each id at most once and remembers its
// outcome, so after a timeout the client asks for the outcome instead of signing again.

export interface SignatureProperties {
  /** Visible signature. */
  tampilan: 'visible';
  /** 1-based page number. */
  page: number;
  /** Lower-left corner and size in PDF points. */
  xAxis: number;
  yAxis: number;
  width: number;
  height: number;
  reason: string;
  location: string;
  /** Name of the empty signature field at that position, when the document has one. */
  fieldName?: string;
  /** Target of the QR code on the appearance. */
  verificationUrl?: string;
  /** ISO time to put in /M (the server's clock when omitted). */
  signedAt?: string;
}

export interface SignPdfRequest {
  requestId: string;
  nik: string;
  passphrase: string;
  /** Base64 PDF. */
  file: string;
  signatureProperties: SignatureProperties;
}

export type SignStatus = 'SIGNED' | 'FAILED' | 'IN_PROGRESS';

export interface SignOutcome {
  requestId: string;
  status: SignStatus;
  /** Base64 signed PDF when SIGNED. */
  file?: string;
  /** When FAILED: e.g. WrongPassphrase, SigningLocked, BadRequest. */
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

export const BSRE_PATHS = {
  sign: '/api/v1/sign/pdf',
  status: (requestId: string) => `/api/v1/sign/status/${encodeURIComponent(requestId)}`,
};
