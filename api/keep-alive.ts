// How long the API keeps an idle client connection open. Node's default (5 s) is shorter than a
// reverse proxy's reuse of its upstream connections (nginx's keepalive_timeout, most load
// balancers: 60 s): the API could close a connection just as the proxy, or a client's pool, wrote a
// request into it, and that request was reset (ECONNRESET) instead of answered. Longer than theirs,
// the proxy is always the side that closes.
import type { Server } from 'node:http';

export const KEEP_ALIVE_SECONDS = 65;

export function keepConnectionsAlive<S extends Server>(server: S): S {
  server.keepAliveTimeout = KEEP_ALIVE_SECONDS * 1000;
  return server;
}

/**
 * Stops the server: no new connections, requests under way are answered, then their connections
 * close. Node's `close()` closes only the connections idle at that moment; one answering a request
 * would stay open for the whole keep-alive time after its answer, so they are closed as they fall
 * idle, and any still busy after `graceMs` are cut.
 */
export function closeServer(server: Server, graceMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 100);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close((err) => {
      clearInterval(sweep);
      clearTimeout(cut);
      if (err) reject(err);
      else resolve();
    });
  });
}
