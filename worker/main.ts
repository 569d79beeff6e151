// The worker process: workflows and activities on task queue `kinerja`. Scale out by running more.
import { NativeConnection } from '@temporalio/worker';
import { loadConfig } from '../config';
import { createPool } from '../db/pool';
import { migrate } from '../db/migrate';
import { createLogger } from '../logger';
import { connectClient } from './temporal';
import { createWorker } from './create-worker';
import { createSigningDeps } from '../activities/signing';
import { exitWithParent } from './supervised';
import { createNotificationDispatcher } from '../activities/delivery';
import { createHistoryArchiver } from '../archive/archiver';

async function main() {
  const config = loadConfig();
  const logger = createLogger('worker', config.LOG_LEVEL);
  exitWithParent();
  const db = createPool(config.DATABASE_URL, 20);
  await migrate(db);
  const client = await connectClient(config);
  const connection = await NativeConnection.connect({ address: config.TEMPORAL_ADDRESS });
  const worker = await createWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    maxCachedWorkflows: config.WORKER_MAX_CACHED_WORKFLOWS,
    deps: {
      db,
      client,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      publicUrl: config.publicUrl,
      secret: config.KINERJA_SECRET,
      clock: () => new Date(),
      signing: await createSigningDeps(db, config),
    },
  });
  // E-mail and webhook delivery of the notifications outbox, with retries and dead letters.
  const dispatcher = createNotificationDispatcher({ db, config, logger });
  dispatcher.start();
  // Every run that closes on our task queue, archived to PostgreSQL while Temporal still keeps it.
  const archiver = createHistoryArchiver({
    db, client, namespace: config.TEMPORAL_NAMESPACE, taskQueue: config.TEMPORAL_TASK_QUEUE, logger, pollMs: config.HISTORY_ARCHIVE_POLL_MS,
  });
  archiver.start();
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE, address: config.TEMPORAL_ADDRESS }, 'worker running');
  await worker.run();
  await dispatcher.stop();
  await archiver.stop();
  await db.end();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
