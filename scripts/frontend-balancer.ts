// One address for the frontends of every Temporal node, as a load balancer gives a production
// cluster: each new TCP connection goes to the next node that accepts it. A node killed under a
// client closes that client's connection; the client reconnects and lands on a live node.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface FrontendBalancer {
  address: string;
  /** Points the balancer's `index`th target elsewhere (a node that had to start on other ports). */
  retarget(index: number, target: { host: string; port: number }): void;
  close(): Promise<void>;
}

export function startFrontendBalancer(initialTargets: Array<{ host: string; port: number }>, port = 0): Promise<FrontendBalancer> {
  const targets = [...initialTargets];
  let next = 0;
  const open = new Set<Socket>();
  const connectAny = (client: Socket, tried: number) => {
    if (tried >= targets.length) return client.destroy(); // no node up: the client retries
    const target = targets[next++ % targets.length];
    const upstream = createConnection(target);
    upstream.once('error', () => (upstream.destroy(), !client.destroyed && connectAny(client, tried + 1)));
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      open.add(upstream);
      upstream.on('error', () => client.destroy());
      upstream.on('close', () => (open.delete(upstream), client.destroy()));
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
  };
  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.on('error', () => client.destroy());
    client.on('close', () => open.delete(client));
    connectAny(client, 0);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      resolve({
        address: `127.0.0.1:${bound}`,
        retarget: (index, target) => { targets[index] = target; },
        close: () => new Promise<void>((done) => {
          for (const socket of open) socket.destroy();
          server.close(() => done());
        }),
      });
    });
  });
}
