// One transaction on a client of its own: committed when the work returns, rolled back when it
// throws (a rollback that fails, e.g. on a lost connection, leaves the original error to the caller).
import type { Pool, PoolClient } from 'pg';

export async function inTransaction<T>(db: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await db.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}
