// oidc-provider's storage in PostgreSQL (its default is an in-memory LRU that a restart empties and
// that two processes cannot share). The interface is the library's `Adapter`: one instance per
// model (Session, Interaction, Grant, AuthorizationCode, AccessToken, …), each row kept until its
// expiry. Consuming marks a one-time artefact (an authorization code) used, atomically.
import type { Pool } from 'pg';
import type { Adapter, AdapterPayload } from 'oidc-provider';

/** Sweep expired rows every this many writes (the table otherwise grows by one row per sign-in). */
const SWEEP_EVERY = 200;

export function postgresAdapter(db: Pool): new (model: string) => Adapter {
  let writes = 0;
  const sweep = async () => {
    if (++writes % SWEEP_EVERY !== 0) return;
    await db.query('DELETE FROM idp_store WHERE expires_at < now()');
  };
  const live = 'AND (expires_at IS NULL OR expires_at > now())';
  const read = (row: { payload: AdapterPayload; consumed: number | null } | undefined): AdapterPayload | undefined =>
    row ? { ...row.payload, ...(row.consumed ? { consumed: row.consumed } : {}) } : undefined;
  const select = `SELECT payload, extract(epoch FROM consumed_at)::bigint AS consumed FROM idp_store`;

  return class PostgresAdapter implements Adapter {
    constructor(private readonly model: string) {}

    async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
      await db.query(
        `INSERT INTO idp_store (model, id, payload, grant_id, user_code, uid, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::int IS NULL THEN NULL ELSE now() + make_interval(secs => $7::int) END)
         ON CONFLICT (model, id) DO UPDATE SET payload = EXCLUDED.payload, grant_id = EXCLUDED.grant_id,
           user_code = EXCLUDED.user_code, uid = EXCLUDED.uid, expires_at = EXCLUDED.expires_at`,
        [this.model, id, payload, payload.grantId ?? null, payload.userCode ?? null, payload.uid ?? null, expiresIn ?? null],
      );
      await sweep();
    }

    async find(id: string): Promise<AdapterPayload | undefined> {
      return read((await db.query(`${select} WHERE model = $1 AND id = $2 ${live}`, [this.model, id])).rows[0]);
    }

    async findByUid(uid: string): Promise<AdapterPayload | undefined> {
      return read((await db.query(`${select} WHERE model = $1 AND uid = $2 ${live}`, [this.model, uid])).rows[0]);
    }

    async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
      return read((await db.query(`${select} WHERE model = $1 AND user_code = $2 ${live}`, [this.model, userCode])).rows[0]);
    }

    async consume(id: string): Promise<void> {
      await db.query('UPDATE idp_store SET consumed_at = now() WHERE model = $1 AND id = $2 AND consumed_at IS NULL', [this.model, id]);
    }

    async destroy(id: string): Promise<void> {
      await db.query('DELETE FROM idp_store WHERE model = $1 AND id = $2', [this.model, id]);
    }

    async revokeByGrantId(grantId: string): Promise<void> {
      await db.query('DELETE FROM idp_store WHERE grant_id = $1', [grantId]);
    }
  };
}
