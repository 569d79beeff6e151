// The API's own gate, before any workflow is asked: the caller's role must be allowed by the
// route, and an official must be able to see the agreement (or document) the path names.
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import { loadAgreement, relationTo } from './access';
import { principalOf } from './auth';
import { HttpProblem } from './problem';
import type { RouteDef } from './route';

const forbidden = (detail: string) => new HttpProblem(403, 'forbidden', detail);

export function accessCheck(def: RouteDef, db: Pool) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const { access } = def;
    if (access.kind === 'public') return next();
    const principal = principalOf(res);
    if (!access.roles.includes(principal.role)) throw forbidden(`This is not open to the ${principal.role} role.`);
    if (access.kind === 'roles') return next();

    let agreementId: string;
    if (access.kind === 'document') {
      const doc = (await db.query('SELECT agreement_id FROM documents WHERE id = $1', [req.params.docId])).rows[0];
      if (!doc) throw new HttpProblem(404, 'not_found', 'No such document.');
      agreementId = doc.agreement_id;
    } else {
      agreementId = String(req.params.agreementId);
    }
    const agreement = await loadAgreement(db, agreementId);
    if (!agreement) throw new HttpProblem(404, 'not_found', `No agreement ${agreementId}.`);
    if (principal.role === 'official') {
      const relation = await relationTo(db, agreement, principal.id);
      if (relation === 'none') throw forbidden('Officials see only their own PKs and those of positions below them.');
      res.locals.relation = relation;
    }
    res.locals.agreement = agreement;
    next();
  };
}
