// Load generator, run as its own process so it never shares an event loop with the server under
// test. Reads a JSON job from argv[2]: { url, requests: [{ path, token }], connections, seconds,
// rate? } and prints its figures as one JSON line. Load goes only to 127.0.0.1.
// - Without a rate: autocannon, as fast as the server answers on `connections` connections.
// - With a rate: an open loop that sends one request every 1/rate s on a schedule (autocannon's
//   rate limit sends each second's quota in a burst at the start of the second, which measures
//   the burst, not the rate), over up to `connections` keep-alive sockets. Latency counts from the
//   scheduled send time, so a slow answer delaying the next request is counted too.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

interface Job {
  url: string;
  requests: Array<{ path: string; token?: string }>;
  connections: number;
  seconds: number;
  rate?: number;
}

const pick = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

async function flatOut(job: Job) {
  let next = 0;
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.seconds,
    requests: [{
      method: 'GET',
      setupRequest: (req: any) => {
        const r = job.requests[next++ % job.requests.length];
        return { ...req, path: r.path, headers: r.token ? { authorization: `Bearer ${r.token}` } : {} };
      },
    }],
  });
  const l = result.latency;
  return {
    requestsPerSecond: result.requests.average, total: result.requests.total,
    latencyMs: { p50: l.p50, p90: l.p90, p99: l.p99, max: l.max, mean: l.mean },
    non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
  };
}

async function fixedRate(job: Job & { rate: number }) {
  const { hostname, port } = new URL(job.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: job.connections });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const interval = 1000 / job.rate;
  const total = Math.round(job.rate * job.seconds);
  const t0 = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = t0 + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const r = job.requests[i % job.requests.length];
    // from the scheduled time when late (a slow server delays the next requests: counted), else from now
    const from = Math.min(due, performance.now());
    inFlight.push(new Promise<void>((resolve) => {
      const req = http.get({ host: hostname, port, path: r.path, agent, headers: r.token ? { authorization: `Bearer ${r.token}` } : {} }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - from);
          if ((res.statusCode ?? 0) >= 300) non2xx++;
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
    }));
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  agent.destroy();
  const sorted = latencies.sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    requestsPerSecond: Math.round(latencies.length / seconds), total: latencies.length,
    latencyMs: { p50: round(pick(sorted, 0.5)), p90: round(pick(sorted, 0.9)), p99: round(pick(sorted, 0.99)), max: round(sorted[sorted.length - 1]), mean: round(sorted.reduce((a, b) => a + b, 0) / sorted.length) },
    non2xx, errors, timeouts: 0,
  };
}

async function main() {
  const job = JSON.parse(process.argv[2]) as Job;
  if (!/^http:\/\/127\.0\.0\.1:\d+$/.test(job.url)) throw new Error(`load goes only to 127.0.0.1, not ${job.url}`);
  const figures = job.rate ? await fixedRate(job as Job & { rate: number }) : await flatOut(job);
  console.log(JSON.stringify(figures));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
