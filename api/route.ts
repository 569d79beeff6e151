// One table describes every API route: method, path, who may call it, the body schema and the
// handler. The app, the OpenAPI document and the authorization-matrix test are all built from it,
// so a route cannot exist without an access rule.
import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { Role } from '../workflows/messages';
import type { AgreementRow } from './access';
import type { Principal } from './principal';
import type { RateLimitKind } from './rate-limit';

/**
 * - public: no token.
 * - roles: any caller with one of the roles.
 * - agreement: one of the roles, and an official must be able to see `:agreementId` (owner or above).
 * - document: the same, through the document's agreement (`:docId`).
 * `formerSigners`: an official who signed a version of the agreement and no longer holds a position
 * at or above it (replaced) may still read it, limited to the versions they signed.
 */
export type Access =
  | { kind: 'public' }
  | { kind: 'roles'; roles: readonly Role[] }
  | { kind: 'agreement'; roles: readonly Role[]; formerSigners?: true }
  | { kind: 'document'; roles: readonly Role[]; formerSigners?: true };

export interface Ctx<B = unknown> {
  principal: Principal;
  body: B;
  /** Loaded by the access check for agreement and document routes. */
  agreement: AgreementRow | null;
  /** On those routes, for an official: the positions they hold in the agreement's cycle (read with it). */
  heldPositionIds: string[] | null;
}

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteDef<B = any> {
  method: Method;
  /** Express path with named params: :cycleId, :agreementId, :docId, :quarter, :positionId, :key, :nip, :unitId, :evidenceId, :tokenId, :changeId. */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  /** Writes take a JSON body checked by this schema (every problem at once, with JSON paths). */
  body?: z.ZodType<B>;
  /**
   * For a body the handler validates itself (the organisation import: bare or wrapped, with the
   * domain validator's problem list): the shape the OpenAPI document shows instead of `body`.
   */
  documentedBody?: z.ZodType;
  /**
   * Media types besides JSON the body may have (the organisation import's CSV and XLSX): the handler
   * then gets the bytes as a Buffer in `ctx.body`, unchecked by `body`.
   */
  rawBodyTypes?: readonly string[];
  /** Body size limit; defaults to config.API_BODY_LIMIT. */
  bodyLimit?: string;
  /** A per-minute limit per client address and per caller (api/rate-limit.ts); 429 beyond it. */
  rateLimit?: RateLimitKind;
  /** Takes raw bytes of this media type instead of JSON (an uploaded file), up to `limit`. */
  rawBody?: { mediaType: string; limit: string; description: string };
  /** A POST that changes nothing (it only computes an answer): no Idempotency-Key handling. */
  readOnly?: boolean;
  /** Query parameters, documented in OpenAPI and checked by the handler. */
  query?: Record<string, string>;
  /** Successful status and media type, for OpenAPI. */
  /** `also`: other success statuses with the same body (e.g. 200 when a repeated create finds the existing one). */
  /** `accepted`: the route may also answer 202 (a change still under way) with `{ changeId, state, statusUrl }` and a Location. */
  /** `otherMediaTypes`: files the same status may carry instead (the downloads' ?format=csv|xlsx). */
  success?: { status: number; description: string; mediaType?: string; also?: number[]; accepted?: string; otherMediaTypes?: readonly string[] };
  handler(req: Request, res: Response, ctx: Ctx<B>): Promise<void>;
}

export const route = <B>(def: RouteDef<B>): RouteDef<B> => def;

export const isWrite = (m: Method) => m !== 'get';
