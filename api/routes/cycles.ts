import { Router } from 'express';
import type { ApiDeps } from '../deps';
import { startCycle } from '../cycle-import';
import { HttpProblem } from '../problem';
import { PHASES } from '../../workflows/messages';

export function cycleRoutes(deps: ApiDeps): Router {
  const router = Router();
  const { db } = deps;

  router.post('/api/cycles', async (req, res) => {
    const body = req.body as Record<string, unknown> | undefined;
    // The organisation may come bare (the shape of shared/data) or wrapped with a calendar.
    const organisation = body && 'organisation' in body && 'positions' in body ? body : body?.import;
    const result = await startCycle(
      { db, temporal: deps.temporal, taskQueue: deps.config.TEMPORAL_TASK_QUEUE },
      organisation,
      (body?.calendar as object | undefined) ?? undefined,
    );
    res.status(result.created ? 201 : 200).location(`/api/cycles/${encodeURIComponent(result.cycleId)}`).json(result);
  });

  router.get('/api/cycles', async (_req, res) => {
    const { rows } = await db.query(
      `SELECT id, organisation_id, year, status, position_count, started_count, created_at FROM cycles ORDER BY year DESC, organisation_id`,
    );
    res.json({ items: rows.map(cycleSummary) });
  });

  router.get('/api/cycles/:id', async (req, res) => {
    const cycle = (await db.query('SELECT * FROM cycles WHERE id = $1', [req.params.id])).rows[0];
    if (!cycle) throw new HttpProblem(404, 'not_found', `No cycle ${req.params.id}.`);
    const phases = await db.query('SELECT phase, count(*)::int AS n FROM agreements WHERE cycle_id = $1 GROUP BY phase', [cycle.id]);
    const overdue = await db.query(
      `SELECT coalesce(unit_id, '-') AS unit, escalation_level AS level, count(*)::int AS n FROM agreements
        WHERE cycle_id = $1 AND overdue GROUP BY 1, 2 ORDER BY 1, 2`,
      [cycle.id],
    );
    const byPhase = Object.fromEntries(PHASES.map((p) => [p, 0]));
    for (const r of phases.rows) byPhase[r.phase] = r.n;
    res.json({
      ...cycleSummary(cycle),
      agreements: phases.rows.reduce((sum, r) => sum + r.n, 0),
      phases: byPhase,
      overdue: overdue.rows,
    });
  });

  return router;
}

function cycleSummary(c: Record<string, any>) {
  return {
    id: c.id,
    organisationId: c.organisation_id,
    year: c.year,
    status: c.status,
    positions: c.position_count,
    started: c.started_count,
    createdAt: c.created_at,
  };
}
