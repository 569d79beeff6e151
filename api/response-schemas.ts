// JSON Schemas of the success responses the clients (the page, the CLI, integrations) rely on, by
// operation. The OpenAPI document carries them, and the fuzz test (test/faults, schemathesis)
// checks every response it gets against them, so a handler that drifts from its document fails.
import { INBOX_TASKS } from '../domain/deadline-item';
import { CYCLE_STATUSES } from '../db/cycle-status';
import { PARENT_INDICATOR_SOURCES } from './parent-indicators';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const bool = { type: 'boolean' } as const;
const nullable = (schema: Record<string, unknown>) => ({ anyOf: [schema, { type: 'null' }] });
const object = (properties: Record<string, unknown>, required = Object.keys(properties)) => ({ type: 'object', properties, required });
const list = (item: unknown, extra: Record<string, unknown> = {}) => object({ items: { type: 'array', items: item }, ...extra });

const TASK = { type: 'string', enum: [...INBOX_TASKS] };
/** The quarter a report or verification task is for (no other task has one). */
const QUARTER = { type: 'integer', minimum: 1, maximum: 4 };
const PHASE = { type: 'string', enum: ['waiting_superior', 'drafting', 'review', 'signing', 'reporting', 'evaluation', 'closed'] };
const num = { type: 'number' } as const;
/** Which organisation's cycle of which year an inbox item belongs to, and its zone (hours ahead of UTC: WIB 7, WITA 8, WIT 9). */
const cycleOf = object({ organisation: str, year: int, utcOffsetHours: num });

const cycleSummary = {
  id: str, organisationId: str, organisationName: str, year: int, status: { type: 'string', enum: [...CYCLE_STATUSES] }, positions: int, started: int, calendarVersion: int, createdAt: str,
};

const agreementView = object(
  {
    id: str, cycleId: str, positionId: str, unitId: nullable(str), phase: PHASE, version: int, overdue: bool,
    escalationLevel: int, dueAt: nullable(str), awaitingPositionId: nullable(str), score: nullable({ type: 'number' }),
    predicate: nullable(str), updatedAt: str, utcOffsetHours: num,
    position: object({ title: str, parentId: nullable(str), official: object({ id: str, nip: nullable(str), name: str }) }),
  },
  ['id', 'cycleId', 'positionId', 'phase', 'version', 'overdue', 'escalationLevel', 'updatedAt', 'utcOffsetHours'],
);

const VERDICT = { type: 'string', enum: ['valid', 'unreadable', 'not_signed', 'document_modified', 'signature_invalid', 'unsigned_changes', 'untrusted_certificate', 'certificate_revoked', 'certificate_expired', 'timestamp_invalid', 'malformed_signature'] };
const LEVEL = { type: 'string', enum: ['B-B', 'B-T', 'B-LT', 'B-LTA'] };
const publicVerification = object({
  verdict: VERDICT, summary: str, ok: bool, level: nullable(LEVEL), sha256: str, size: int,
  issued: nullable(object({ documentId: str, agreementId: str, version: int, party: str, signedAt: str, agreementOf: object({ title: str, year: int, organisation: str, utcOffsetHours: num }) })),
  signatures: {
    type: 'array',
    items: object(
      { signerName: nullable(str), nip: nullable(str), signingTime: nullable(str), level: LEVEL, trusted: bool, coversWholeFile: bool, valid: bool, codes: { type: 'array', items: str }, certificates: { type: 'array' }, timestamp: nullable({ type: 'object' }), revocation: object({ status: { type: 'string', enum: ['good', 'revoked', 'unknown'] } }) },
    ),
  },
  problems: { type: 'array', items: str },
});

const calendarChange = object({ cycleId: str, changeId: str, calendarVersion: int, calendar: { type: 'object' }, signalled: int, notRunning: int });
const officialChange = object({
  cycleId: str, positionId: str, official: object({ id: str, nip: nullable(str), name: str, email: str }), changed: bool,
  revision: nullable(object({ version: int, phase: PHASE })),
  revokedCertificate: nullable(object({ caId: str, serialNumber: str, reason: str, revokedAt: str })),
}, ['cycleId', 'positionId', 'official', 'changed', 'revision']);
const changeStatus = (result: Record<string, unknown>) => ({
  anyOf: [
    object({ changeId: str, state: { const: 'running' } }),
    object({ changeId: str, state: { const: 'done' }, result }),
  ],
});

/** The 202 of a change still under way (api/background-change.ts). */
export const CHANGE_ACCEPTED = object({ changeId: str, state: { const: 'running' }, statusUrl: str });

export const RESPONSE_SCHEMAS: Record<string, Record<string, unknown>> = {
  'GET /api/cycles': list(object(cycleSummary)),
  'GET /api/cycles/:cycleId': object(
    { ...cycleSummary, agreements: int, phases: { type: 'object', additionalProperties: int }, units: { type: 'object' }, overdue: { type: 'array' }, calendar: { type: 'object' }, rules: { type: 'object' } },
  ),
  'PATCH /api/cycles/:cycleId/calendar': calendarChange,
  'GET /api/cycles/:cycleId/calendar/changes/:changeId': changeStatus(calendarChange),
  'PUT /api/positions/:cycleId/:positionId/official': officialChange,
  'GET /api/positions/:cycleId/:positionId/official/changes/:changeId': changeStatus(officialChange),
  'PATCH /api/cycles/:cycleId/rules': object({ cycleId: str, rules: { type: 'object' }, changed: bool }),
  'GET /api/cycles/:cycleId/audit': object({
    cycleId: str,
    chain: object({ ok: bool, rows: int, brokenAt: object({ seq: int, reason: str }) }, ['ok', 'rows']),
    items: { type: 'array', items: object({ seq: int, action: str, actor: str, at: str, data: { type: 'object' }, hash: str }) },
  }),
  'GET /api/agreements': list(agreementView, { nextCursor: nullable(str) }),
  'GET /api/agreements/:agreementId/parent-indicators': list(object({
    id: str, name: str, unit: str, direction: { type: 'string', enum: ['up', 'down'] }, target: nullable(num), objective: str,
    objectiveId: nullable(str), source: { type: 'string', enum: [...PARENT_INDICATOR_SOURCES] },
  })),
  'GET /api/agreements/:agreementId/audit/verify': object(
    { agreementId: str, ok: bool, rows: int, brokenAt: object({ seq: int, reason: str }) },
    ['agreementId', 'ok', 'rows'],
  ),
  'GET /api/me': object({ role: { type: 'string', enum: ['admin', 'evaluator', 'official'] }, id: str, nip: nullable(str), positions: { type: 'array', items: object({ cycleId: str, positionId: str, title: str, unitId: nullable(str) }) }, signing: object({ enrolled: bool, lockedUntil: nullable(str), minPassphraseLength: int, maxFailures: int, lockMinutes: { type: 'number' } }) }, ['role', 'id', 'positions']),
  'GET /api/me/tasks': list(
    object(
      {
        agreementId: str, cycleId: str, task: TASK, quarter: QUARTER, phase: PHASE, cycleOf, dueAt: nullable(str), overdue: bool, escalationLevel: int,
        // a draft or report the superior sent back: why, and when
        returned: object({ reason: str, at: str }),
      },
      ['agreementId', 'cycleId', 'task', 'phase', 'cycleOf', 'dueAt', 'overdue', 'escalationLevel'],
    ),
    {
      total: int,
      escalationsTotal: int,
      escalations: {
        type: 'array',
        items: object({
          agreementId: str, cycleId: str, task: TASK, quarter: QUARTER, phase: PHASE, asPositionId: str,
          lateOfficial: object({ positionId: str, title: str, official: str }),
          agreementOf: object({ positionId: str, title: str, official: str }),
          cycleOf,
          dueAt: str, lateSeconds: int, escalationLevel: int, reachedYouAtLevel: int, href: str,
        }, ['agreementId', 'cycleId', 'task', 'phase', 'asPositionId', 'lateOfficial', 'agreementOf', 'cycleOf', 'dueAt', 'lateSeconds', 'escalationLevel', 'reachedYouAtLevel', 'href']),
      },
    },
  ),
  'GET /api/admin/notifications/dead': list(object({ key: str, agreementId: str, attempts: int, lastError: nullable(str), createdAt: str, utcOffsetHours: num }, ['key', 'agreementId', 'attempts', 'createdAt', 'utcOffsetHours'])),
  'POST /api/verify': publicVerification,
  'GET /api/verify/documents/:docId': publicVerification,
  'POST /api/admin/signing/:nip/unlock': object({ nip: str, unlocked: { const: true } }),
};
