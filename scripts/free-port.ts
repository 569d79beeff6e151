import { createServer } from 'node:net';

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });
}

/** A port free on 127.0.0.1 at the moment of asking (the OS's choice). */
export async function freePort(): Promise<number> {
  const port = await tryListen(0);
  if (port === null) throw new Error('no free port on 127.0.0.1');
  return port;
}

/** Low ports this process has handed out: random picks from 12,000 ports collide often enough to matter (18 for a two-node cluster). */
const handedOut = new Set<number>();

/**
 * A free port below 32768, for Temporal's server nodes: its cluster_membership table stores a
 * node's port as a PostgreSQL smallint, and the OS's ephemeral ports (32768–60999 on Linux) overflow it.
 */
export async function freeLowPort(): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const candidate = 20_000 + Math.floor(Math.random() * 12_000);
    // a port handed out before may not be bound yet (a node starts after all ports are chosen)
    if (handedOut.has(candidate)) continue;
    if ((await tryListen(candidate)) !== null) {
      handedOut.add(candidate);
      return candidate;
    }
  }
  throw new Error('no free port between 20000 and 32000 on 127.0.0.1');
}
