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
