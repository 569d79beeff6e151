// The API process: REST for administrators, officials and the evaluation team, and the page.
import { loadConfig } from '../config';
import { createPool } from '../db/pool';
import { migrate } from '../db/migrate';
import { createLogger } from '../logger';
import { connectClient } from '../worker/temporal';
import { exitWithParent } from '../worker/supervised';
import { createApp } from './app';
import { closeServer, keepConnectionsAlive } from './keep-alive';

async function main() {
  const config = loadConfig();
  const logger = createLogger('api', config.LOG_LEVEL);
  exitWithParent();
  const db = createPool(config.DATABASE_URL, 20);
  await migrate(db);
  const temporal = await connectClient(config);
  const app = createApp({ db, temporal, config, logger });
  // express 5 hands a listen failure (port in use) to this callback instead of throwing
  // loopback unless LISTEN_HOST opens it (a container's 0.0.0.0, behind its published port)
  const server = app.listen(config.PORT, config.LISTEN_HOST, (err?: Error) => {
    if (err) {
      logger.fatal({ err, host: config.LISTEN_HOST, port: config.PORT }, `cannot listen on ${config.LISTEN_HOST}:${config.PORT}: ${err.message}`);
      process.exit(1);
    }
    logger.info({ host: config.LISTEN_HOST, port: config.PORT }, `API listening on ${config.LISTEN_HOST}:${config.PORT} (${config.publicUrl})`);
  });
  keepConnectionsAlive(server);
  const stop = () => void closeServer(server).finally(() => db.end().finally(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
