// One shape for every error: RFC 9457 problem details with a stable machine-readable `code`.
import type { ErrorRequestHandler, Response } from 'express';
import type { Problem as FieldProblem } from '../domain/problem';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
    /** Response headers that belong to the problem, e.g. Retry-After on a 503. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  423: 'Locked',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

export function sendProblem(res: Response, status: number, code: string, detail: string, extra: Record<string, unknown> = {}): void {
  res
    .status(status)
    .type('application/problem+json')
    .json({ type: `urn:kinerja:problem:${code}`, title: TITLES[status] ?? 'Error', status, code, detail, ...extra });
}

export const invalid = (problems: FieldProblem[], detail = 'The request has invalid data.') =>
  new HttpProblem(422, 'invalid_data', detail, { problems });

/** Last middleware: maps known errors to their problem; anything unexpected is logged and never leaks details. */
export function problemHandler(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, _next) => {
    if (err instanceof HttpProblem) {
      for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
      if (err.status === 503 && !res.getHeader('Retry-After')) res.setHeader('Retry-After', '5');
      return sendProblem(res, err.status, err.code, err.message, err.extra);
    }
    const type = (err as { type?: string })?.type;
    if (type === 'entity.too.large') return sendProblem(res, 413, 'body_too_large', 'The request body is too large.');
    if (type === 'entity.parse.failed') return sendProblem(res, 400, 'malformed_json', 'The request body is not valid JSON.');
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return sendProblem(res, 415, 'unsupported_encoding', 'Unsupported body encoding.');
    if (isBadBodyEncoding(err)) {
      return sendProblem(res, 400, 'malformed_body_encoding', 'The request body cannot be decoded with its Content-Encoding (gzip, deflate or br).');
    }
    if (isBadValue(err)) return sendProblem(res, 400, 'invalid_parameter', 'A value in the request cannot be stored or searched for.');
    // the router's decodeURIComponent of a path parameter ("%E0%A4%A"): the caller's error, not ours
    if (err instanceof URIError) return sendProblem(res, 400, 'invalid_parameter', 'A path parameter is not valid percent-encoded UTF-8.');
    const integrity = integrityProblem(err);
    if (integrity) return sendProblem(res, integrity.status, integrity.code, integrity.detail);
    if (isUnavailable(err)) {
      res.setHeader('Retry-After', '5');
      return sendProblem(res, 503, 'unavailable', 'A backing service is unavailable; retry shortly.');
    }
    log(err);
    res.setHeader('Retry-After', '5');
    return sendProblem(res, 503, 'internal', 'The request could not be completed; nothing was changed. Retry shortly.');
  };
}

/** A zlib error from inflating a request body (body-parser passes it on with status 400 and no type). */
function isBadBodyEncoding(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^Z_[A-Z_]+$/.test(code) && (err as { status?: unknown }).status === 400;
}

/**
 * PostgreSQL data exceptions caused by a value the caller sent (a NUL byte, an invalid encoding, a
 * number or text out of range): the request is wrong, not the server.
 */
const PG_BAD_VALUE = new Set(['22021', '22P05', '22P02', '22003', '22001', '22007', '22008', '2200N', '22025']);

function isBadValue(err: unknown): boolean {
  const e = err as { code?: unknown; severity?: unknown };
  return typeof e?.code === 'string' && typeof e.severity === 'string' && PG_BAD_VALUE.has(e.code);
}

/**
 * PostgreSQL integrity violations (class 23): the data conflicts with what is stored or breaks a
 * rule of the schema. Retrying the same request cannot help, so not 503; the statement's
 * transaction was rolled back, so nothing was changed.
 */
const PG_INTEGRITY: Record<string, { status: number; code: string; detail: string }> = {
  '23505': { status: 409, code: 'conflict', detail: 'The request conflicts with something already stored; nothing was changed.' },
  '23503': { status: 422, code: 'invalid_data', detail: 'The request refers to something that does not exist; nothing was changed.' },
  '23514': { status: 422, code: 'invalid_data', detail: 'A value in the request breaks a rule of the records; nothing was changed.' },
};

export function integrityProblem(err: unknown): { status: number; code: string; detail: string } | null {
  const e = err as { code?: unknown; severity?: unknown };
  if (typeof e?.code !== 'string' || typeof e.severity !== 'string') return null;
  return Object.hasOwn(PG_INTEGRITY, e.code) ? PG_INTEGRITY[e.code] : null;
}

/** PostgreSQL error codes of a lost or refused connection (class 08) and of a server shutting down (57P0x). */
const PG_UNAVAILABLE = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);
/** Node socket errors. */
const NET_UNAVAILABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND']);
/** gRPC status codes of an unreachable or overloaded Temporal frontend: DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, UNAVAILABLE. */
const GRPC_UNAVAILABLE = new Set([4, 8, 14]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connect ECONNREFUSED|timeout exceeded when trying to connect|the database system is (shutting down|starting up)|UNAVAILABLE|DEADLINE_EXCEEDED|No connection established|Failed to connect/;

/** A backing service (PostgreSQL, Temporal) is down or restarting: anywhere in the error's cause chain. */
export function isUnavailable(err: unknown): boolean {
  for (let e: unknown = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && (PG_UNAVAILABLE.has(code) || NET_UNAVAILABLE.has(code))) return true;
    if (typeof code === 'number' && GRPC_UNAVAILABLE.has(code)) return true;
    if (UNAVAILABLE_MESSAGE.test(String((e as Error).message ?? ''))) return true;
    // AggregateError (e.g. a connection refused on both IPv4 and IPv6)
    const errors = (e as { errors?: unknown[] }).errors;
    if (Array.isArray(errors) && errors.some((x) => isUnavailable(x))) return true;
  }
  return false;
}
