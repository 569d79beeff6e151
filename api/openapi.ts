// OpenAPI 3.1 built from the route table and the zod schemas, so the document cannot drift from
// what the server accepts.
import { z } from 'zod';
import type { RouteDef } from './route';
import { CHANGE_ACCEPTED, RESPONSE_SCHEMAS } from './response-schemas';

const problemRef = { $ref: '#/components/responses/Problem' };

function errorResponses(def: RouteDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const add = (...codes: number[]) => codes.forEach((c) => (out[String(c)] = problemRef));
  // 429: a client that presented too many invalid tokens, or past a route's rate limit
  if (def.access.kind !== 'public') add(401, 403, 429);
  if (def.path.includes(':')) add(404);
  // a path or query value with characters no id or filter can have (NUL, control characters)
  if (def.query || def.path.includes(':')) add(400);
  if (def.body) add(400, 413, 415, 422);
  if (def.rawBody) add(400, 413, 415); // 400: an empty upload
  if (def.rateLimit) add(429);
  // a write may carry an Idempotency-Key: a malformed one is 400, a reused one 422, one in flight 409
  if (def.method !== 'get' && !def.readOnly) add(400, 409, 422);
  if (def.path.endsWith('/sign')) add(423);
  // a change's status shows its outcome, which may be the records' refusal (api/background-change.ts)
  if (def.path.endsWith('/changes/:changeId')) add(409, 422);
  add(503);
  return out;
}

/** JSON answers are objects (never a bare array or string); other media types are opaque bytes. */
function successResponse(def: RouteDef, success: { description: string; mediaType?: string; otherMediaTypes?: readonly string[] }) {
  const mediaType = success.mediaType ?? 'application/json';
  const schema = RESPONSE_SCHEMAS[`${def.method.toUpperCase()} ${def.path}`] ?? { type: 'object' };
  const content: Record<string, unknown> = { [mediaType]: mediaType === 'application/json' ? { schema } : {} };
  for (const other of success.otherMediaTypes ?? []) content[other] = {};
  return { description: success.description, content };
}

/** A change still under way (api/background-change.ts): where to follow it. */
function acceptedResponse(description: string) {
  return {
    description,
    headers: { Location: { description: 'the change\'s status URL', schema: { type: 'string' } } },
    content: { 'application/json': { schema: CHANGE_ACCEPTED } },
  };
}

function bodySchema(def: RouteDef): unknown {
  try {
    return z.toJSONSchema(def.documentedBody ?? def.body!, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

export function openApiDocument(routes: RouteDef[], serverUrl: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const def of routes) {
    const path = def.path.replace(/:(\w+)/g, '{$1}');
    const params = [...def.path.matchAll(/:(\w+)/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
    const query = Object.entries(def.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }));
    const success = def.success ?? { status: 200, description: 'OK' };
    (paths[path] ??= {})[def.method] = {
      summary: def.summary,
      tags: [def.tag],
      operationId: `${def.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(\w)/g, (_, c: string) => c.toUpperCase())}`,
      ...(def.access.kind === 'public' ? { security: [] } : {}),
      'x-kinerja-access': def.access,
      parameters: [
        ...params,
        ...query,
        ...(def.method !== 'get' && !def.readOnly ? [{ name: 'Idempotency-Key', in: 'header', required: false, description: 'replays the stored response of a repeated write', schema: { type: 'string', pattern: '^[\\x21-\\x7e]{1,200}$' } }] : []),
      ],
      ...(def.body ? { requestBody: { required: true, content: {
        'application/json': { schema: bodySchema(def) },
        ...Object.fromEntries((def.rawBodyTypes ?? []).map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
      } } } : {}),
      ...(def.rawBody ? { requestBody: { required: true, description: def.rawBody.description, content: { [def.rawBody.mediaType]: { schema: { type: 'string', format: 'binary' } } } } } : {}),
      responses: {
        [String(success.status)]: successResponse(def, success),
        ...Object.fromEntries((success.also ?? []).map((status) => [String(status), successResponse(def, success)])),
        ...(success.accepted ? { 202: acceptedResponse(success.accepted) } : {}),
        ...errorResponses(def),
      },
    };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Kinerja API', version: '1.0.0', description: 'Perjanjian Kinerja (performance agreements) carried through their year by Temporal workflows.' },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT: a service token from `kinerja token` (HS256), or an access token of the OpenID provider' },
        // the page's session from the OpenID Connect sign-in at /auth/login; changes also need the X-CSRF-Token header from GET /auth/session
        session: { type: 'apiKey', in: 'cookie', name: 'kinerja_session', description: 'The page\'s session (sign in at /auth/login); a change also carries X-CSRF-Token from GET /auth/session.' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'code', 'detail'],
          properties: {
            type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, code: { type: 'string' }, detail: { type: 'string' },
            problems: { type: 'array', items: { type: 'object', properties: { path: { type: 'string', description: 'JSON Pointer' }, code: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
      responses: { Problem: { description: 'RFC 9457 problem details', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } } },
    },
  };
}
