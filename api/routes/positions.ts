// Change of official (pergantian pejabat): the position gets its new holder; a PK already signed
// and running is revised (PK Perubahan, reason 'official') so the new official signs it again. The
// request checks the change against the records and starts workflows/official-change.ts, which
// writes the records and then revises the PK, each step retried until done (api/background-change.ts).
import type { ApiDeps } from '../deps';
import { HttpProblem, invalid } from '../problem';
import { route, type RouteDef } from '../route';
import { officialBody } from '../schemas';
import { isNip } from '../../domain/identity';
import { checkOfficialChange } from '../../db/official-change';
import { officialChangeWorkflowId, type OfficialChangeInput } from '../../workflows/changes';
import { officialChangeWorkflow } from '../../workflows/official-change';
import { changeStatus, newChangeId, startChange } from '../background-change';

/** The new holder's official id: the NIP for ASN; a Kepala Daerah without NIP must be given one. */
function newOfficialId(body: { nip: string | null; id?: string }): string {
  if (body.nip !== null) {
    if (body.id !== undefined && body.id !== body.nip) {
      throw invalid([{ path: '/id', code: 'official_id_not_nip', message: `An ASN official's id is their NIP (${body.nip}); leave "id" out or give the NIP` }]);
    }
    return body.nip;
  }
  if (body.id === undefined) throw invalid([{ path: '/id', code: 'missing_official_id', message: 'An official without NIP needs an official id' }]);
  if (isNip(body.id)) throw invalid([{ path: '/id', code: 'official_id_is_nip', message: 'An official without NIP needs an id that is not an 18-digit number' }]);
  return body.id;
}

const statusPath = (cycleId: string, positionId: string, changeId: string) =>
  `/api/positions/${encodeURIComponent(cycleId)}/${encodeURIComponent(positionId)}/official/changes/${encodeURIComponent(changeId)}`;

export function positionRoutes(deps: ApiDeps): RouteDef[] {
  const { db, temporal } = deps;
  return [
    route({
      method: 'put', path: '/api/positions/:cycleId/:positionId/official', tag: 'positions',
      summary: 'Replace the official holding a position (administrator); a running signed PK is revised. 200 with the outcome when done within a few seconds, else 202 with its status URL',
      access: { kind: 'roles', roles: ['admin'] }, body: officialBody,
      success: { status: 200, description: 'the position has its new official (and the PK its revision)', accepted: 'the change is under way (a worker or the database is busy or briefly away); follow `statusUrl`' },
      async handler(req, res, ctx) {
        const cycleId = String(req.params.cycleId);
        const positionId = String(req.params.positionId);
        const { nip, name, email, note } = ctx.body;
        const official = { id: newOfficialId(ctx.body), nip, name, email };
        const check = await checkOfficialChange(db, { cycleId, positionId, official });
        if (check.kind === 'problem') throw new HttpProblem(check.problem.status, check.problem.code, check.problem.detail, check.problem.extra ?? {});
        if (check.kind === 'unchanged') {
          res.json({ cycleId, positionId, official, changed: false, revision: null });
          return;
        }
        const changeId = newChangeId();
        const input: OfficialChangeInput = { cycleId, positionId, changeId, official, ...(note ? { note } : {}), adminId: ctx.principal.id };
        await startChange(temporal, officialChangeWorkflow, {
          workflowId: officialChangeWorkflowId(cycleId, positionId, changeId), taskQueue: deps.config.TEMPORAL_TASK_QUEUE, input,
          statusUrl: statusPath(cycleId, positionId, changeId), waitMs: deps.config.API_CHANGE_WAIT_MS,
        }, res, changeId);
      },
    }),

    route({
      method: 'get', path: '/api/positions/:cycleId/:positionId/official/changes/:changeId', tag: 'positions',
      summary: 'A change of official: running, or done with its outcome (as the change answered)',
      access: { kind: 'roles', roles: ['admin'] },
      async handler(req, res) {
        const changeId = String(req.params.changeId);
        res.json(await changeStatus(temporal, officialChangeWorkflowId(String(req.params.cycleId), String(req.params.positionId), changeId), changeId));
      },
    }),
  ];
}
