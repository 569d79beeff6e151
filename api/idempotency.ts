// Idempotency-Key on writes (POST/PUT/PATCH): the first response to a key is stored with a hash of
// the request (secret fields left out) and replayed for a repeat by the same caller, so a client that lost the answer can
// retry safely. Server errors are not stored: nothing was done, so the retry runs again.
//
// A request whose process died (kill -9, crash) leaves its key in flight; after ABANDONED_AFTER_MS
// a retry runs it again. That is safe because a Workflow Update sent under a key carries an Update
// ID derived from it (`currentUpdateId`), and Temporal applies an Update ID once per workflow: the
// re-run attaches to the update the dead process started and gets its result; if the PK continued
// as new meanwhile, the new run answers from the answers it carried (AgreementRun.answers). A key left in flight
// by a request of this same process that has ended (its 5xx could not delete the claim while
// PostgreSQL was down) is taken over at once: this process knows nothing is running under it.
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Pool } from 'pg';
import { canonicalJson, sha256Hex } from '../security/hash';
import { principalOf } from './auth';
import { IDEMPOTENT_UPDATE_ID_PREFIX } from '../workflows/messages';
import { principalKey } from './principal';
import { HttpProblem, sendProblem } from './problem';

const KEY = /^[\x21-\x7e]{1,200}$/;
/** A request in flight longer than this is taken to have died with its process. */
const ABANDONED_AFTER_MS = 30_000;

const updateIds = new AsyncLocalStorage<string>();

/** This API process, as the owner of the keys it claims. */
const PROCESS_ID = randomUUID();
/** Keys (principal, key) whose request is running in this process. */
const running = new Set<string>();

/**
 * Body fields that carry a secret: left out of the stored request hash, so the database never
 * holds a fast hash of a passphrase (an unsalted SHA-256 of a sign body is reversed by guessing).
 * A retry under the same key with another passphrase therefore replays the first answer.
 */
const SECRET_FIELDS = new Set(['passphrase']);

export function withoutSecrets(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([k]) => !SECRET_FIELDS.has(k)));
}

/** The Update ID for a workflow update made while handling a request with an Idempotency-Key. */
export function currentUpdateId(): string | undefined {
  return updateIds.getStore();
}

export function idempotency(db: Pool) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const key = req.get('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key)) throw new HttpProblem(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1–200 visible ASCII characters.');
    const principal = principalKey(principalOf(res));
    // a spreadsheet body is bytes, and its query (the organisation's id and year) is part of the request
    const content = Buffer.isBuffer(req.body) ? `${req.originalUrl}\n${sha256Hex(req.body)}` : req.body === undefined ? '' : canonicalJson(withoutSecrets(req.body));
    const hash = sha256Hex(`${req.method} ${req.path}\n${content}`);

    const runningKey = `${principal}\n${key}`;
    // a repeat arriving while the first still runs here must wait for it, never take its key over
    const endedHere = !running.has(runningKey);
    if (endedHere) running.add(runningKey);
    const done = () => {
      if (endedHere) running.delete(runningKey);
    };
    let claimed;
    try {
      claimed = await db.query(
        `INSERT INTO api_idempotency (principal, key, method, path, request_hash, owner) VALUES ($1,$2,$3,$4,$5,$7)
         ON CONFLICT (principal, key) DO UPDATE SET created_at = now(), request_hash = $5, method = $3, path = $4, owner = $7
           WHERE api_idempotency.status IS NULL
             AND (api_idempotency.created_at < now() - make_interval(secs => $6) OR (api_idempotency.owner = $7 AND $8))
         RETURNING 1`,
        [principal, key, req.method, req.path, hash, ABANDONED_AFTER_MS / 1000, PROCESS_ID, endedHere],
      );
    } catch (err) {
      done();
      throw err;
    }
    if (claimed.rowCount === 0) {
      done();
      const row = (await db.query('SELECT * FROM api_idempotency WHERE principal = $1 AND key = $2', [principal, key])).rows[0];
      if (!row || row.request_hash !== hash) {
        throw new HttpProblem(422, 'idempotency_key_reused', 'This Idempotency-Key was used for a different request.');
      }
      res.locals.idempotentRepeat = true; // waits for or replays an earlier answer: no new attempt (rate-limit.ts)
      if (row.status === null) {
        res.setHeader('Retry-After', '1');
        throw new HttpProblem(409, 'idempotency_in_progress', 'A request with this Idempotency-Key is still being processed.');
      }
      res.status(row.status).setHeader('Idempotent-Replayed', 'true');
      if (row.location) res.setHeader('Location', row.location);
      if (row.content_type) res.setHeader('Content-Type', row.content_type);
      res.end(row.body);
      return;
    }

    // Store the response before it leaves, so an immediate retry already finds it.
    const send = res.send.bind(res);
    let stored = false;
    res.send = ((body?: unknown) => {
      if (stored) return send(body as never);
      stored = true;
      const status = res.statusCode;
      const payload = typeof body === 'string' || Buffer.isBuffer(body) ? Buffer.from(body as string) : Buffer.from(JSON.stringify(body ?? null));
      const persist =
        status >= 500
          ? db.query('DELETE FROM api_idempotency WHERE principal = $1 AND key = $2', [principal, key])
          : db.query(
              `UPDATE api_idempotency SET status = $3, content_type = $4, body = $5, location = $6 WHERE principal = $1 AND key = $2`,
              [principal, key, status, String(res.getHeader('Content-Type') ?? 'application/json'), payload, res.getHeader('Location') ?? null],
            );
      persist.then(
        () => {
          done();
          send(body as never);
        },
        () => {
          // PostgreSQL went away between the work and its record: the caller retries with the key
          done();
          res.setHeader('Retry-After', '5');
          sendProblem(res, 503, 'unavailable', 'The answer could not be recorded; retry with the same Idempotency-Key.');
        },
      );
      return res;
    }) as Response['send'];
    updateIds.run(`${IDEMPOTENT_UPDATE_ID_PREFIX}${sha256Hex(`${principal}\n${key}\n${hash}`)}`, next);
  };
}
