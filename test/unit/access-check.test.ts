// The access check's database round trips: an official's request on an agreement reads the
// agreement and the positions they hold with it in one query; only a former signer's read adds one.
import type { Pool } from 'pg';
import { accessCheck } from '../../api/access-check';
import type { Principal } from '../../api/principal';
import type { RouteDef } from '../../api/route';

const AGREEMENT = { id: 'pk:o:2026:staff', cycle_id: 'o-2026', position_id: 'staff', lineage: ['pk:o:2026:head', 'pk:o:2026:staff'] };

/** A database that answers the access check's two statements and records every query. */
function fakeDb(held: Array<{ positionId: string; agreementId: string | null }>, signedVersions: number[] = []) {
  const queries: Array<{ sql: string; params: unknown[] }> = [];
  const db = {
    async query(sql: string, params: unknown[]) {
      queries.push({ sql, params });
      if (sql.includes('FROM documents WHERE agreement_id')) return { rows: signedVersions.map((version) => ({ version })) };
      if (params[0] !== AGREEMENT.id) return { rows: [] };
      return { rows: [{ ...AGREEMENT, caller_held_positions: params[1] === null ? [] : held }] };
    },
  };
  return { db: db as unknown as Pool, queries };
}

async function check(access: RouteDef['access'], principal: Principal, db: Pool, agreementId = AGREEMENT.id) {
  const res = { locals: { principal } as Record<string, unknown> };
  const next = jest.fn();
  await accessCheck({ access } as RouteDef, db)({ params: { agreementId } } as never, res as never, next);
  expect(next).toHaveBeenCalledTimes(1);
  return res.locals;
}

const ACT = { kind: 'agreement', roles: ['official'] } as const;
const official: Principal = { role: 'official', id: '199001012015011001', nip: '199001012015011001' };

test('an official acting on their own PK: one query gives the agreement, the relation and the positions for the actor', async () => {
  const { db, queries } = fakeDb([{ positionId: 'staff', agreementId: AGREEMENT.id }]);
  const locals = await check(ACT, official, db);
  expect(queries).toHaveLength(1);
  expect(queries[0].params).toEqual([AGREEMENT.id, official.id]);
  expect(locals).toMatchObject({ relation: 'owner', heldPositionIds: ['staff'], agreement: AGREEMENT });
  expect(locals.agreement).not.toHaveProperty('caller_held_positions');
});

test('a superior (the lineage names a PK they hold) in one query', async () => {
  const { db, queries } = fakeDb([{ positionId: 'head', agreementId: 'pk:o:2026:head' }]);
  expect(await check(ACT, official, db)).toMatchObject({ relation: 'superior', heldPositionIds: ['head'] });
  expect(queries).toHaveLength(1);
});

test('an official who holds nothing at or above it: 403 forbidden, no further query on an action', async () => {
  const { db, queries } = fakeDb([{ positionId: 'other', agreementId: 'pk:o:2026:other' }]);
  await expect(check(ACT, official, db)).rejects.toMatchObject({ status: 403, code: 'forbidden' });
  expect(queries).toHaveLength(1);
});

test('no such agreement: 404 not_found', async () => {
  const { db } = fakeDb([]);
  await expect(check(ACT, official, db, 'pk:none')).rejects.toMatchObject({ status: 404, code: 'not_found', message: 'No agreement pk:none.' });
});

test('a replaced official who signed a version reads it as a signer (the one extra query)', async () => {
  const { db, queries } = fakeDb([], [1]);
  const locals = await check({ kind: 'agreement', roles: ['official'], formerSigners: true }, official, db);
  expect(locals).toMatchObject({ relation: 'signer', signedVersions: [1] });
  expect(queries).toHaveLength(2);
});

test('an administrator: the agreement only, no relation and no positions', async () => {
  const { db, queries } = fakeDb([]);
  const locals = await check({ kind: 'agreement', roles: ['admin'] }, { role: 'admin', id: 'sri.wahyuni', nip: null }, db);
  expect(queries).toHaveLength(1);
  expect(queries[0].params).toEqual([AGREEMENT.id, null]);
  expect(locals).toMatchObject({ agreement: AGREEMENT });
  expect(locals).not.toHaveProperty('relation');
  expect(locals).not.toHaveProperty('heldPositionIds');
});
