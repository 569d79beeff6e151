// The PK itself: listing, detail, and every human action as a Workflow Update.
import { PERSON_ID_PATTERN, signerView } from '../../domain/identity';
import { z } from 'zod';
import {
  approveDraftUpdate,
  evaluateUpdate,
  extendDeadlineUpdate,
  PHASES,
  reportRealizationUpdate,
  returnDraftUpdate,
  returnRealizationUpdate,
  saveDraftUpdate,
  signUpdate,
  startRevisionUpdate,
  stateQuery,
  submitDraftUpdate,
  verifyRealizationUpdate,
  type AgreementState,
} from '../../workflows/messages';
import type { AgreementContent, Quarter } from '../../domain/types';
import { verifyAuditChain } from '../../db/audit-log';
import { calendarVersionOf, UTC_OFFSET_HOURS_SQL, utcOffsetHoursOf } from '../../db/cycle-calendar';
import { sealSecret } from '../../security/sealed-secret';
import { passphrasePolicyProblem } from '../../signing/passphrase-policy';
import type { ApiDeps } from '../deps';
import { visibleToOfficialSql, type AgreementRow } from '../access';
import { decodeCursor, encodeCursor } from '../cursor';
import { HttpProblem, invalid } from '../problem';
import { indicatorNamesOf } from '../../db/indicator-names';
import { jsonObject } from '../json-object';
import { reportProblems } from '../../domain/realization-report';
import { route, type Ctx, type RouteDef } from '../route';
import * as schemas from '../schemas';
import { signingLocksOf } from '../signing-unlock';
import { actorFor, runUpdate } from '../updates';
import { parseQuery } from '../validation';
import { buildTimeline, exportHistories } from '../history';

const READ = { kind: 'agreement', roles: ['admin', 'evaluator', 'official'] } as const;
const ACT = { kind: 'agreement', roles: ['official'] } as const;
/** Also open to a replaced official who signed a version: the read model and the versions they signed. */
const READ_SIGNED = { ...READ, formerSigners: true } as const;

const listQuery = z.strictObject({
  cycle: z.string().min(1).optional(),
  unit: z.string().min(1).optional(),
  phase: z.enum(PHASES).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  nip: z.string().regex(/^\d{18}$/, 'NIP must be 18 digits').optional(),
  official: z.string().regex(PERSON_ID_PATTERN, 'official id: letters, digits and . _ - @').optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
});

export function agreementView(a: AgreementRow & Record<string, any>) {
  return {
    id: a.id,
    cycleId: a.cycle_id,
    positionId: a.position_id,
    unitId: a.unit_id,
    phase: a.phase,
    version: a.version,
    overdue: a.overdue,
    escalationLevel: a.escalation_level,
    dueAt: a.due_at,
    awaitingPositionId: a.awaiting_position,
    score: a.score === null ? null : Number(a.score),
    predicate: a.predicate,
    updatedAt: a.updated_at,
    // the cycle's zone: the page shows the PK's times as its region reads them (WIB, WITA, WIT)
    ...(a.utc_offset_hours !== undefined ? { utcOffsetHours: Number(a.utc_offset_hours) } : {}),
    ...(a.title !== undefined ? { position: { title: a.title, parentId: a.parent_id, official: { id: a.official_id, nip: a.nip, name: a.official_name } } } : {}),
  };
}

export const quarterParam = (raw: string): Quarter => {
  if (!/^[1-4]$/.test(raw)) throw new HttpProblem(404, 'not_found', 'Quarter must be 1, 2, 3 or 4.');
  return Number(raw) as Quarter;
};

export function agreementRoutes(deps: ApiDeps): RouteDef[] {
  const { db, temporal, config } = deps;
  const actor = (ctx: Ctx) => actorFor(ctx.principal, ctx.heldPositionIds);
  const id = (ctx: { agreement: AgreementRow | null }) => ctx.agreement!.id;

  /**
   * The live state as the API tells it: the workflow records a signer's id under `signerNip` (its
   * name from before officials without a NIP); readers get `signerId`, and `signerNip` only when
   * the id is a NIP, as the sign answer and the documents list do.
   */
  const stateView = (state: AgreementState | null) => state && {
    ...state,
    versions: state.versions.map((v) => ({ ...v, signatures: v.signatures.map((sig) => ({ ...sig, ...signerView(sig.signerNip) })) })),
  };

  /**
   * The workflow's state. A closed PK's is its last run's result, which Temporal keeps with the run:
   * read without a worker (a query would have one replay the run, ~150 ms, and fail with none up).
   */
  async function liveState(a: AgreementRow): Promise<AgreementState> {
    const handle = temporal.workflow.getHandle(a.id);
    if (a.phase === 'closed' && (await handle.describe()).status.name === 'COMPLETED') return handle.result();
    return handle.query(stateQuery);
  }

  /**
   * The PK as a replaced official signed it, and nothing of where it is now: its identity (the
   * position's fixed place in the tree), the last version they signed, and each party of the versions
   * they signed as the signed documents record them (signer id, and the name their certificate
   * carries). No phase, deadline, score or predicate, and no one who holds a position now.
   */
  const asSigned = async (a: AgreementRow, signedVersions: number[]) => {
    const position = (await db.query('SELECT id, title, level, unit_id, parent_id FROM positions WHERE cycle_id = $1 AND id = $2', [a.cycle_id, a.position_id])).rows[0];
    const parent = position?.parent_id
      ? (await db.query('SELECT id, title FROM positions WHERE cycle_id = $1 AND id = $2', [a.cycle_id, position.parent_id])).rows[0]
      : null;
    const version = (await db.query(
      'SELECT version, content, content_hash, saved_at FROM agreement_versions WHERE agreement_id = $1 AND version = $2',
      [a.id, Math.max(...signedVersions)],
    )).rows[0];
    const documents = (await db.query(
      `SELECT version, party, signer_nip, signed_at, verification->'signatures' AS signatures
         FROM documents WHERE agreement_id = $1 AND version = ANY($2::int[]) ORDER BY version, signed_at`,
      [a.id, signedVersions],
    )).rows;
    return {
      id: a.id,
      cycleId: a.cycle_id,
      positionId: a.position_id,
      unitId: a.unit_id,
      utcOffsetHours: await utcOffsetHoursOf(db, a.cycle_id),
      position: position && { id: position.id, title: position.title, level: position.level, unitId: position.unit_id },
      relation: 'signer',
      signedVersions,
      parties: documents.map((d) => {
        // the document of a party carries that party's signature last
        const signatures = Array.isArray(d.signatures) ? d.signatures : [];
        const own = signatures[signatures.length - 1];
        const held = d.party === 'first' ? position : parent;
        return {
          version: d.version, party: d.party, positionId: held?.id ?? null, title: held?.title ?? null,
          ...signerView(d.signer_nip), name: typeof own?.signerName === 'string' ? own.signerName : null, signedAt: d.signed_at,
        };
      }),
      content: version ? { source: 'saved', version: version.version, content: version.content as AgreementContent, contentHash: version.content_hash, savedAt: version.saved_at } : null,
    };
  };

  return [
    route({
      method: 'get', path: '/api/agreements', tag: 'agreements', summary: 'List agreements the caller may see (cursor pagination, stable order by id)',
      access: { kind: 'roles', roles: ['admin', 'evaluator', 'official'] },
      query: { cycle: 'cycle id', unit: 'unit id', phase: PHASES.join('|'), overdue: 'true|false', nip: 'official NIP', official: 'official id (the NIP for ASN)', limit: '1–200 (50)', cursor: 'opaque cursor from nextCursor' },
      async handler(req, res, ctx) {
        const q = parseQuery(listQuery, req.query);
        const filters = { cycle: q.cycle, unit: q.unit, phase: q.phase, overdue: q.overdue, nip: q.nip, official: q.official, limit: q.limit };
        const after = decodeCursor(q.cursor, filters);
        const where: string[] = [];
        const params: unknown[] = [];
        const add = (sql: (n: string) => string, value: unknown) => (params.push(value), where.push(sql(`$${params.length}`)));
        if (q.cycle) add((n) => `a.cycle_id = ${n}`, q.cycle);
        if (q.unit) add((n) => `a.unit_id = ${n}`, q.unit);
        if (q.phase) add((n) => `a.phase = ${n}`, q.phase);
        if (q.overdue) add((n) => `a.overdue = ${n}`, q.overdue === 'true');
        if (q.nip) add((n) => `(a.cycle_id, a.position_id) IN (SELECT cycle_id, id FROM positions WHERE nip = ${n})`, q.nip);
        if (q.official) add((n) => `(a.cycle_id, a.position_id) IN (SELECT cycle_id, id FROM positions WHERE official_id = ${n})`, q.official);
        if (after) add((n) => `a.id > ${n}`, after);
        if (ctx.principal.role === 'official') add((n) => visibleToOfficialSql(n), ctx.principal.id);
        params.push(q.limit + 1);
        const { rows } = await db.query(
          // the page is cut from agreements alone; only its rows are joined with their positions
          `SELECT a.*, p.title, p.parent_id, p.official_id, p.nip, p.official_name, ${UTC_OFFSET_HOURS_SQL} AS utc_offset_hours
             FROM (SELECT * FROM agreements a ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY a.id LIMIT $${params.length}) a
             JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
             JOIN cycles c ON c.id = a.cycle_id ORDER BY a.id`,
          params,
        );
        const page = rows.slice(0, q.limit);
        const nextCursor = rows.length > q.limit ? encodeCursor(page[page.length - 1].id, filters) : null;
        res.json({ items: page.map(agreementView), nextCursor });
      },
    }),

    route({
      method: 'get', path: '/api/agreements/:agreementId', tag: 'agreements',
      summary: 'Read model, live workflow state and current content (for a replaced official who signed: only the PK\'s identity, the last version they signed and the parties as recorded in the versions they signed; no live state, score or current holder)',
      access: READ_SIGNED,
      async handler(_req, res, ctx) {
        const a = ctx.agreement!;
        const signedVersions = signedVersionsOf(res);
        if (signedVersions) {
          res.json(await asSigned(a, signedVersions));
          return;
        }
        const position = (await db.query('SELECT * FROM positions WHERE cycle_id = $1 AND id = $2', [a.cycle_id, a.position_id])).rows[0];
        const zoneRead = utcOffsetHoursOf(db, a.cycle_id);
        zoneRead.catch(() => undefined); // awaited below
        const parent = position?.parent_id
          ? (await db.query('SELECT id, title, official_id, nip, official_name FROM positions WHERE cycle_id = $1 AND id = $2', [a.cycle_id, position.parent_id])).rows[0]
          : null;
        // An administrator sees whether either party's signing is locked, and until when, before lifting it.
        const locksRead = ctx.principal.role === 'admin' ? signingLocksOf(db, [position?.official_id, parent?.official_id]) : null;
        locksRead?.catch(() => undefined); // awaited below
        let state: AgreementState | null = null;
        let live = true;
        try {
          state = await liveState(a);
        } catch (err) {
          live = false; // the read model still answers while the worker is down
          deps.logger.warn({ err, agreementId: a.id }, 'state query failed');
        }
        const version = (
          await db.query(
            `SELECT version, content, content_hash, saved_by, saved_at FROM agreement_versions WHERE agreement_id = $1 AND version <= $2
              ORDER BY version DESC LIMIT 1`,
            [a.id, state?.version ?? a.version],
          )
        ).rows[0];
        const content: { source: string; version?: number; content: AgreementContent; contentHash?: string; savedAt?: string } | null = version
          ? { source: 'saved', version: version.version, content: version.content, contentHash: version.content_hash, savedAt: version.saved_at }
          : position?.draft
            ? { source: 'imported', content: position.draft }
            : null;
        // each superior indicator the content serves, by name (the page's "Mendukung: …")
        const linked = (content?.content.objectives ?? []).flatMap((o) => o.indicators.flatMap((i) => (i.parentIndicatorId ? [i.parentIndicatorId] : [])));
        const names = linked.length ? await indicatorNamesOf(db, a.cycle_id, [position?.parent_id ?? null]) : new Map<string, string>();
        const parentIndicators = jsonObject(new Map(linked.flatMap((ref) => (names.has(ref) ? [[ref, names.get(ref)!] as const] : []))));
        const locks = await locksRead;
        const lockOf = (officialId: string | null) => (locks ? { signingLockedUntil: (officialId && locks.get(officialId)) || null } : {});
        res.json({
          ...agreementView({ ...a, utc_offset_hours: await zoneRead }),
          position: position && {
            id: position.id, title: position.title, level: position.level, unitId: position.unit_id,
            official: { id: position.official_id, nip: position.nip, name: position.official_name, ...lockOf(position.official_id) },
          },
          secondParty: parent && { positionId: parent.id, title: parent.title, official: { id: parent.official_id, nip: parent.nip, name: parent.official_name, ...lockOf(parent.official_id) } },
          relation: ctx.principal.role === 'official' ? relationOf(res) : null,
          live,
          state: stateView(state),
          content: content && { ...content, parentIndicators },
        });
      },
    }),

    route({
      method: 'put', path: '/api/agreements/:agreementId/draft', tag: 'drafting', summary: 'Save the draft (first party, drafting phase)',
      access: ACT, body: schemas.draftBody,
      async handler(_req, res, ctx) {
        res.json(await runUpdate(temporal, id(ctx), saveDraftUpdate, { actor: actor(ctx), content: ctx.body as AgreementContent }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/submit', tag: 'drafting', summary: 'Submit the saved draft for review',
      access: ACT,
      async handler(_req, res, ctx) {
        res.json(await runUpdate(temporal, id(ctx), submitDraftUpdate, { actor: actor(ctx) }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/review/approve', tag: 'review', summary: 'Approve the draft (second party)',
      access: ACT,
      async handler(_req, res, ctx) {
        res.json(await runUpdate(temporal, id(ctx), approveDraftUpdate, { actor: actor(ctx) }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/review/return', tag: 'review', summary: 'Return the draft with a reason (second party)',
      access: ACT, body: schemas.returnBody,
      async handler(_req, res, ctx) {
        res.json(await runUpdate(temporal, id(ctx), returnDraftUpdate, { actor: actor(ctx), reason: ctx.body.reason }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/sign', tag: 'signing', summary: 'Sign with the personal passphrase (sealed before it reaches the workflow)',
      access: ACT, body: schemas.signBody,
      rateLimit: 'signing',
      async handler(_req, res, ctx) {
        const who = actor(ctx);
        const agreement = ctx.agreement!;
        // Enrolment (the first signature creates the official's key under this passphrase): the policy first.
        const enrolled = (await db.query('SELECT 1 FROM signing_credential WHERE signer_id = $1', [who.id])).rowCount !== 0;
        const weak = enrolled ? null : passphrasePolicyProblem(ctx.body.passphrase, { nip: ctx.principal.nip, signerId: who.id });
        if (weak) {
          throw new HttpProblem(422, 'weak_passphrase', `${weak.message} Nothing was signed.`, { problems: [{ path: 'passphrase', code: weak.code, message: weak.message }] });
        }
        // The seal opens only for this agreement, version, party and signer (one position per person per cycle).
        const party = who.positionIds.includes(agreement.position_id) ? 'first' : 'second';
        const passphrase = sealSecret(ctx.body.passphrase, config.KINERJA_SECRET, { agreementId: agreement.id, version: agreement.version, party, signerId: who.id }, config.SEALED_SECRET_TTL_SECONDS * 1000);
        const signature = await runUpdate(temporal, id(ctx), signUpdate, { actor: who, passphrase });
        res.json({ ...signature, ...signerView(signature.signerNip) });
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/realizations/:quarter', tag: 'realization', summary: 'Report a quarter\'s realization (first party)',
      access: ACT, body: schemas.reportBody,
      async handler(req, res, ctx) {
        const quarter = quarterParam(String(req.params.quarter));
        // the workflow keeps no content: the report is checked here against the version it reports on
        const a = ctx.agreement!;
        const content = (await db.query('SELECT content FROM agreement_versions WHERE agreement_id = $1 AND version = $2', [a.id, a.version])).rows[0]?.content;
        const problems = content ? reportProblems(content, ctx.body) : [];
        if (problems.length > 0) throw invalid(problems, 'The report does not match the PK\'s indicators or budget lines; nothing was stored.');
        res.json(await runUpdate(temporal, id(ctx), reportRealizationUpdate, { actor: actor(ctx), quarter, ...ctx.body }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/realizations/:quarter/verify', tag: 'realization', summary: 'Verify a quarter\'s report (second party)',
      access: ACT,
      async handler(req, res, ctx) {
        const quarter = quarterParam(String(req.params.quarter));
        // evidence changes are ordered against the verification's write by the record (api/evidence.ts)
        res.json(await runUpdate(temporal, id(ctx), verifyRealizationUpdate, { actor: actor(ctx), quarter }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/realizations/:quarter/return', tag: 'realization', summary: 'Return a quarter\'s report with a reason (second party)',
      access: ACT, body: schemas.returnBody,
      async handler(req, res, ctx) {
        const quarter = quarterParam(String(req.params.quarter));
        res.json(await runUpdate(temporal, id(ctx), returnRealizationUpdate, { actor: actor(ctx), quarter, reason: ctx.body.reason }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/evaluation', tag: 'evaluation', summary: 'Adjust scores with reasons and optionally close (evaluation team)',
      access: { kind: 'agreement', roles: ['evaluator'] }, body: schemas.evaluationBody,
      async handler(_req, res, ctx) {
        res.json(await runUpdate(temporal, id(ctx), evaluateUpdate, { actor: actor(ctx), adjustments: ctx.body.adjustments, close: ctx.body.close }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/revisions', tag: 'revision', summary: 'Start a PK Perubahan (first party or administrator)',
      access: { kind: 'agreement', roles: ['admin', 'official'] }, body: schemas.revisionBody,
      async handler(_req, res, ctx) {
        res.json(await runUpdate(temporal, id(ctx), startRevisionUpdate, { actor: actor(ctx), reason: ctx.body.reason, note: ctx.body.note }));
      },
    }),
    route({
      method: 'post', path: '/api/agreements/:agreementId/deadline', tag: 'deadlines', summary: 'Extend the current deadline to a later due date (administrator, audited; an earlier or equal one is 422 deadline_not_later)',
      access: { kind: 'agreement', roles: ['admin'] }, body: schemas.deadlineBody,
      async handler(_req, res, ctx) {
        const dueAt = new Date(ctx.body.dueAt).toISOString();
        const calendarVersion = await calendarVersionOf(db, ctx.agreement!.cycle_id);
        res.json(await runUpdate(temporal, id(ctx), extendDeadlineUpdate, { actor: actor(ctx), dueAt, reason: ctx.body.reason, calendarVersion }));
      },
    }),

    route({
      method: 'get', path: '/api/agreements/:agreementId/documents', tag: 'documents', summary: 'Every signed document of the agreement, all versions (for a replaced official: the versions they signed)',
      access: READ_SIGNED,
      async handler(_req, res, ctx) {
        const { rows } = await db.query(
          `SELECT id, version, party, sha256, signer_nip, signed_at, octet_length(bytes)::int AS size,
                  coalesce((verification->>'valid')::boolean, (verification->>'ok')::boolean) AS valid
             FROM documents WHERE agreement_id = $1 AND ($2::int[] IS NULL OR version = ANY($2::int[])) ORDER BY version, signed_at`,
          [id(ctx), signedVersionsOf(res) ?? null],
        );
        res.json({
          items: rows.map((d) => ({
            id: d.id, version: d.version, party: d.party, sha256: d.sha256, ...signerView(d.signer_nip), signedAt: d.signed_at, size: d.size,
            valid: d.valid, href: `/api/documents/${encodeURIComponent(d.id)}`, verification: `/api/documents/${encodeURIComponent(d.id)}/verification`,
          })),
        });
      },
    }),
    route({
      method: 'get', path: '/api/agreements/:agreementId/history', tag: 'history', summary: 'Readable timeline: Temporal event history merged with the audit log and notifications',
      access: READ,
      async handler(_req, res, ctx) {
        res.json(await buildTimeline(deps, id(ctx)));
      },
    }),
    route({
      method: 'get', path: '/api/agreements/:agreementId/history/export', tag: 'history',
      summary: 'Every run of the agreement\'s workflow as a Temporal JSON history (as `temporal workflow show --output json` prints it), oldest first, from the history archive and Temporal',
      // whole histories carry every draft and report sent: those who may read the whole PK, not a former signer
      access: READ,
      async handler(_req, res, ctx) {
        const histories = await exportHistories(deps, id(ctx));
        // a file to keep (riwayat-pk-<organisation>-<year>-<position>.json), not a page to open
        res.setHeader('Content-Disposition', `attachment; filename="${historyExportFileName(id(ctx))}"`);
        res.json(histories);
      },
    }),
    route({
      method: 'get', path: '/api/agreements/:agreementId/audit/verify', tag: 'history', summary: 'Check the hash chain of the agreement\'s audit log',
      access: READ,
      rateLimit: 'verification',
      async handler(_req, res, ctx) {
        res.json({ agreementId: id(ctx), ...(await verifyAuditChain(db, id(ctx))) });
      },
    }),
  ];
}

/** The history export's file name: the agreement id with every run of other characters as one "-". */
const historyExportFileName = (agreementId: string): string => `riwayat-${agreementId.replace(/[^A-Za-z0-9-]+/g, '-')}.json`;

/** Set by the access check when the caller reads as a replaced official who signed these versions. */
function signedVersionsOf(res: { locals: Record<string, unknown> }): number[] | undefined {
  return res.locals.relation === 'signer' ? (res.locals.signedVersions as number[]) : undefined;
}

function relationOf(res: { locals: Record<string, unknown> }): string | null {
  return (res.locals.relation as string | undefined) ?? null;
}
