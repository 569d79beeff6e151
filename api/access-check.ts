// The API's own gate, before any workflow is asked: the caller's role must be allowed by the
// route, and an official must be able to see the agreement (or document) the path names.
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import { loadAgreementFor, relationFrom, versionsSignedBy } from './access';
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
    let documentVersion: number | null = null;
    if (access.kind === 'document') {
      const doc = (await db.query('SELECT agreement_id, version FROM documents WHERE id = $1', [req.params.docId])).rows[0];
      if (!doc) throw new HttpProblem(404, 'not_found', 'No such document.');
      agreementId = doc.agreement_id;
      documentVersion = Number(doc.version);
    } else {
      agreementId = String(req.params.agreementId);
    }
    // one round trip: the agreement with, for an official, the positions they hold in its cycle
    const loaded = await loadAgreementFor(db, agreementId, principal.role === 'official' ? principal.id : null);
    if (!loaded) throw new HttpProblem(404, 'not_found', `No agreement ${agreementId}.`);
    const { agreement, held, escalationChain } = loaded;
    if (held) { // an official
      let relation = relationFrom(held, agreement, escalationChain);
      if (relation === 'none' && access.formerSigners) {
        // a replaced official keeps what they put their signature to, and only that
        const signed = await versionsSignedBy(db, agreement.id, principal.id);
        if (signed.length > 0 && (documentVersion === null || signed.includes(documentVersion))) {
          relation = 'signer';
          res.locals.signedVersions = signed;
        }
      }
      if (relation === 'none') throw forbidden('Officials see only their own PKs, those of positions below them, those whose late items escalate to them, and the versions they signed.');
      res.locals.relation = relation;
      res.locals.heldPositionIds = held.map((h) => h.positionId); // the Update's actor acts for these
    }
    res.locals.agreement = agreement;
    next();
  };
}
