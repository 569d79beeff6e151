// The security headers of every response the process serves: the page, the API's JSON, CSV and
// PDFs, /health and the API documentation. Each gets the Content-Security-Policy that fits what it
// is; the rest is the same everywhere (no sniffing, no framing, no referrer).
import type { NextFunction, Request, Response } from 'express';

const policy = (...directives: string[]) => [...directives, "base-uri 'none'", "frame-ancestors 'none'"].join('; ');

/** What a response is, for its Content-Security-Policy. */
export type ResponseKind = 'page' | 'docs' | 'api';

export const CSP: Record<ResponseKind, string> = {
  // the page (web/): its own scripts and styles only
  page: policy(
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    // the PDF preview and signed documents are shown from blob: URLs of authenticated fetches
    "frame-src 'self' blob:",
    "object-src 'none'",
    "form-action 'self'",
  ),
  // Swagger UI from swagger-ui-dist, served locally: its bundle and init script, its stylesheet
  // plus the inline style attributes its components set, its data: icons, and the API it tries.
  docs: policy(
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "form-action 'none'",
  ),
  // JSON, CSV and PDFs: nothing in them may load or run anything, should a browser render one
  api: policy("default-src 'none'", "form-action 'none'"),
};

export function responseKind(path: string): ResponseKind {
  if (path === '/api/docs' || path.startsWith('/api/docs/')) return 'docs';
  if (path === '/api' || path.startsWith('/api/') || path === '/health') return 'api';
  return 'page';
}

export function securityHeaders(req: Request, res: Response, next: NextFunction): void {
  const kind = responseKind(req.path);
  res.setHeader('Content-Security-Policy', CSP[kind]);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=()');
  // answers carry a caller's records: no shared cache keeps them (routes that may be cached, like
  // the documentation's assets and the immutable PDFs, say so themselves)
  if (kind === 'api') res.setHeader('Cache-Control', 'no-store');
  next();
}
