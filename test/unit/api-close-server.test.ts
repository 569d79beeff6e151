// Stopping the API (SIGTERM, or a test's stack): a request under way is answered, and the server
// then closes at once, instead of keeping that connection open for the keep-alive time (65 s)
// after its answer, as Node's close() alone does.
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { closeServer, keepConnectionsAlive } from '../../api/keep-alive';

function get(port: number, path: string, agent: Agent): Promise<{ status: number; body: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body, connection: res.headers.connection }));
    }).on('error', reject).end();
  });
}

test('a request under way at the stop is answered; then the server closes without waiting out the keep-alive', async () => {
  let answer!: () => void;
  const answered = new Promise<void>((resolve) => (answer = resolve));
  let arrived!: () => void;
  const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = keepConnectionsAlive(createServer((req, res) => {
    if (req.url === '/slow') {
      arrived();
      void answered.then(() => res.end('late but answered'));
    } else res.end('ok');
  }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true });
  try {
    expect((await get(port, '/quick', agent)).body).toBe('ok'); // an idle kept-alive connection
    const slow = get(port, '/slow', agent); // and one busy when the stop comes
    await slowArrived;

    let closed = false;
    const closing = closeServer(server, 60_000).then(() => (closed = true));
    await expect(get(port, '/quick', new Agent())).rejects.toMatchObject({ code: 'ECONNREFUSED' }); // no new connections
    expect(closed).toBe(false); // the request under way holds the close
    answer();
    expect(await slow).toMatchObject({ status: 200, body: 'late but answered' });
    // closed well before the keep-alive time (65 s) or the grace (60 s) could have passed
    const outcome = await Promise.race([closing.then(() => 'closed'), new Promise((r) => setTimeout(() => r('still open after 5 s'), 5_000))]);
    expect(outcome).toBe('closed');
  } finally {
    agent.destroy();
    server.closeAllConnections();
  }
});

test('a request still under way after the grace is cut, and the server closes', async () => {
  const server = keepConnectionsAlive(createServer(() => { /* never answers */ }));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new Agent({ keepAlive: true });
  const hanging = get(port, '/never', agent).catch((err) => err);
  await new Promise((r) => setTimeout(r, 100));
  await closeServer(server, 200);
  expect(await hanging).toMatchObject({ code: 'ECONNRESET' });
  agent.destroy();
});
