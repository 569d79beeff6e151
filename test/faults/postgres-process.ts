// An embedded PostgreSQL in its own process, for the fault tests: a separate process can be stopped
// (and killed) and started again at will.
// Usage: tsx test/faults/postgres-process.ts <dataDir> <port>. Prints "ready <url>"; SIGTERM stops
// PostgreSQL cleanly and exits.
import { startEmbeddedPostgres } from '../../scripts/embedded-postgres';

async function main() {
  const [dir, port] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres(dir, Number(port));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await pg.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdout.write(`ready ${pg.url}\n`);
  setInterval(() => {}, 1 << 30);
}

main().catch((err) => {
  console.error(err ?? `PostgreSQL exited while starting on port ${process.argv[3]}`);
  process.exit(1);
});
