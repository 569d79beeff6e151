// One shape for every error: RFC 9457 problem details with a stable machine-readable `code`.
import type { ErrorRequestHandler, Response } from 'express';
import type { Problem as FieldProblem } from '../domain/problem';

export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
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
    if (err instanceof HttpProblem) return sendProblem(res, err.status, err.code, err.message, err.extra);
    const type = (err as { type?: string })?.type;
    if (type === 'entity.too.large') return sendProblem(res, 413, 'body_too_large', 'The request body is too large.');
    if (type === 'entity.parse.failed') return sendProblem(res, 400, 'malformed_json', 'The request body is not valid JSON.');
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return sendProblem(res, 415, 'unsupported_encoding', 'Unsupported body encoding.');
    if (isUnavailable(err)) {
      res.setHeader('Retry-After', '5');
      return sendProblem(res, 503, 'unavailable', 'A backing service is unavailable; retry shortly.');
    }
    log(err);
    res.setHeader('Retry-After', '5');
    return sendProblem(res, 503, 'internal', 'The request could not be completed; nothing was changed. Retry shortly.');
  };
}

function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: string })?.code ?? '';
  const message = String((err as Error)?.message ?? '');
  return ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', '08006', '08001', '08003'].includes(code) ||
    /Connection terminated|connect ECONNREFUSED|UNAVAILABLE|DEADLINE_EXCEEDED/.test(message);
}
