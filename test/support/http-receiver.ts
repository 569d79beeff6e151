// A real HTTP endpoint for webhook tests: records each request and answers with the status the
// test chooses (so a failing receiver can be simulated).
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Status to answer with (200 by default). */
  status: number;
  stop(): Promise<void>;
}

export async function startHttpReceiver(status = 200): Promise<HttpReceiver> {
  const receiver: HttpReceiver = { url: '', requests: [], status, stop: async () => {} };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.statusCode = receiver.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as { port: number };
  receiver.url = `http://127.0.0.1:${port}/hook`;
  receiver.stop = () => new Promise((r) => server.close(() => r()));
  return receiver;
}
