// The express app factory: security headers on every response, public routes (health, OpenAPI,
// docs), then every route of the table behind the same chain — authenticate (failures counted per
// client), rate limits, parse the JSON body (size-limited), check access, honour Idempotency-Key,
// validate the body — and one problem-details error handler.
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { ApiDeps } from './deps';
import { healthRoutes } from './routes/health';
import { apiRoutes } from './routes';
import { HttpProblem, problemHandler, sendProblem } from './problem';
import { htmlPage } from './html-page';
import { authenticate, principalOf } from './auth';
import { accessCheck } from './access-check';
import type { AgreementRow } from './access';
import { idempotency } from './idempotency';
import { requireShallowJson } from './json-depth';
import { requireStorableText } from './storable-text';
import { isWrite, type RouteDef } from './route';
import { parseBody } from './validation';
import { openApiDocument } from './openapi';
import { docsRoutes } from './docs';
import { webRoutes } from './web';
import { createRateLimits, type RateLimits } from './rate-limit';
import { securityHeaders } from './security-headers';
import { signInRoutes } from './sign-in';

/** Whether the request says it carries a body (a length or chunks); without one `req.is()` knows no type. */
function declaresBody(req: Request): boolean {
  return req.get('content-length') !== undefined || req.get('transfer-encoding') !== undefined;
}

/** An upload must be of the route's media type; its bytes arrive as a Buffer, size-limited. */
function rawBody(def: NonNullable<RouteDef['rawBody']>): RequestHandler[] {
  return [
    (req, _res, next) => {
      // a POST with no body at all is an empty upload, whatever its content-type says
      if (!declaresBody(req)) return next(new HttpProblem(400, 'empty_body', `Send the file (${def.mediaType}) as the request body.`));
      if (!req.is(def.mediaType)) return next(new HttpProblem(415, 'unsupported_media_type', `Send the file as ${def.mediaType}.`));
      next();
    },
    express.raw({ type: () => true, limit: def.limit }),
  ];
}

/** A write with a body must say it is JSON (or one of the route's other types); anything else is 415 rather than silently ignored. */
function requireMediaType(others: readonly string[]) {
  const accepted = ['application/json', ...others];
  return (req: Request, _res: Response, next: NextFunction) => {
    const hasBody = Number(req.get('content-length') ?? 0) > 0 || req.get('transfer-encoding') !== undefined;
    if (hasBody && !req.is(accepted)) {
      return next(new HttpProblem(415, 'unsupported_media_type', `Send the request body as ${accepted.join(' or ')}.`));
    }
    next();
  };
}

/**
 * Path and query values are data, but some characters can never be part of an id or a filter and
 * PostgreSQL refuses them (NUL, lone surrogates): 400 before they reach a query.
 */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function requireCleanParameters(req: Request, _res: Response, next: NextFunction) {
  const values = [...Object.values(req.params ?? {}), ...Object.values((req.query ?? {}) as Record<string, unknown>)];
  for (const value of values.flat()) {
    if (typeof value !== 'string') continue;
    if (CONTROL.test(value) || LONE_SURROGATE.test(value)) {
      return next(new HttpProblem(400, 'invalid_parameter', 'A path or query parameter contains characters no id or filter can have.'));
    }
    if (value.length > 1000) return next(new HttpProblem(400, 'invalid_parameter', 'A path or query parameter is too long.'));
  }
  next();
}

/**
 * A closed PK whose runs Temporal no longer keeps (past the namespace's retention; the history is
 * archived) has no workflow to find: that is final, not a workflow still starting (503, retry).
 */
function closedAgreementProblem(err: unknown, agreement: AgreementRow | null): HttpProblem | null {
  if (!(err instanceof HttpProblem && err.code === 'workflow_starting' && agreement?.phase === 'closed')) return null;
  return new HttpProblem(409, 'agreement_closed', 'This agreement has finished its year; nothing more can be done to it.');
}

function mount(app: Express, def: RouteDef, deps: ApiDeps, limits: RateLimits) {
  const chain: Array<RequestHandler | ErrorRequestHandler> = [requireCleanParameters];
  if (def.access.kind !== 'public') {
    const countFailure: ErrorRequestHandler = (err, req, res, next) => {
      if (!(err instanceof HttpProblem && err.status === 401)) return next(err);
      limits.recordAuthFailure(req, res).then((answered) => answered || next(err), next);
    };
    chain.push(limits.authFailureGate, authenticate(deps.db, deps.config), countFailure);
  }
  if (def.rateLimit) chain.push(...limits.forKind(def.rateLimit));
  const limit = def.bodyLimit ?? deps.config.API_BODY_LIMIT;
  if (def.body) chain.push(requireMediaType(def.rawBodyTypes ?? []), express.json({ limit, strict: false }), requireShallowJson, requireStorableText);
  if (def.rawBodyTypes) chain.push(express.raw({ type: [...def.rawBodyTypes], limit }));
  if (def.rawBody) chain.push(...rawBody(def.rawBody));
  chain.push(accessCheck(def, deps.db));
  if (isWrite(def.method) && !def.readOnly) chain.push(idempotency(deps.db));
  chain.push(async (req: Request, res: Response) => {
    const raw = def.rawBodyTypes !== undefined && Buffer.isBuffer(req.body);
    const body = raw ? req.body : def.body ? parseBody(def.body, req.body) : undefined;
    const agreement: AgreementRow | null = res.locals.agreement ?? null;
    const heldPositionIds: string[] | null = res.locals.heldPositionIds ?? null;
    try {
      await def.handler(req, res, { principal: def.access.kind === 'public' ? (undefined as never) : principalOf(res), body, agreement, heldPositionIds });
    } catch (err) {
      throw closedAgreementProblem(err, agreement) ?? err;
    }
  });
  app[def.method](def.path, ...chain);
}

/** TRUST_PROXY as express takes it: a hop count, true/false, or addresses and subnets. */
function trustProxy(value: string): number | boolean | string {
  if (/^\d+$/.test(value)) return Number(value);
  if (value === 'true' || value === 'false') return value === 'true';
  return value;
}

export function createApp(deps: ApiDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple'); // no nested objects from ?a[b]=c: every query value is a string
  if (deps.config.TRUST_PROXY !== undefined) app.set('trust proxy', trustProxy(deps.config.TRUST_PROXY));
  app.use(securityHeaders);
  app.use(healthRoutes(deps));
  const routes = apiRoutes(deps);
  app.use(docsRoutes(() => openApiDocument(routes, deps.config.publicUrl)));
  const limits = createRateLimits(deps.config);
  for (const def of routes) mount(app, def, deps, limits);
  app.use(signInRoutes(deps)); // /auth/*: the page's OpenID Connect sign-in and session
  app.use(webRoutes()); // the page at / (web/); /api stays with the 404 below
  app.use('/api', (_req, res) => sendProblem(res, 404, 'not_found', 'No such endpoint.'));
  // any other address is a browser's: a page in Bahasa Indonesia, not Express's English one
  app.use((_req, res) => htmlPage(res, 404, 'Halaman tidak ditemukan', 'Alamat ini tidak ada di Kinerja. Periksa tautannya, atau buka halaman utama.', { href: '/', label: 'Ke halaman utama' }));
  app.use(problemHandler((err) => deps.logger.error({ err }, 'unexpected error')));
  return app;
}
