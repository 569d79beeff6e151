// `kinerja doctor`: checks a running stack piece by piece and says what is wrong.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { Pool } from 'pg';
import { cliEnvironment, loadConfig, readStackSettings } from '../../config';
import { DEFAULT_API_URL } from '../../api/client';
import { parseOptions, type Command } from '../command';
import { closedRunsQuery } from '../../archive/archiver';
import { archivedRunIds } from '../../archive/archive-store';

type Check = { name: string; ok: boolean; detail: string; warning?: true };

async function timed<T>(fn: () => Promise<T>, ms = 5000): Promise<T> {
  return Promise.race([fn(), new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms))]);
}

export const doctorCommand: Command = {
  path: ['doctor'],
  summary: 'check a running stack: API, Temporal, PostgreSQL, migrations, worker',
  usage: 'kinerja doctor [--api URL]',
  async run(args) {
    const { options } = parseOptions(args);
    const apiUrl = (typeof options.api === 'string' ? options.api : readStackSettings()?.apiUrl ?? DEFAULT_API_URL).replace(/\/$/, '');
    const checks: Check[] = [];
    const add = (name: string, ok: boolean, detail: string) => checks.push({ name, ok, detail });

    try {
      const res = await timed(() => fetch(`${apiUrl}/health`));
      const body = await res.json();
      add('API /health', res.ok, res.ok ? `${apiUrl} ok` : `${apiUrl} answers ${res.status}: ${JSON.stringify(body)}`);
    } catch (err) {
      add('API /health', false, `${apiUrl} unreachable (${(err as Error).message}); is \`npm start\` or \`npm run api\` running?`);
    }

    let config;
    try {
      config = loadConfig(cliEnvironment());
    } catch (err) {
      add('configuration', false, (err as Error).message);
    }
    if (config) {
      const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1, connectionTimeoutMillis: 5000 });
      try {
        await timed(() => pool.query('SELECT 1'));
        add('PostgreSQL', true, 'reachable');
        const files = readdirSync(join(__dirname, '../../db/migrations')).filter((f) => f.endsWith('.sql')).map((f) => f.replace(/\.sql$/, ''));
        const applied = new Set((await pool.query('SELECT version FROM schema_migrations').catch(() => ({ rows: [] as any[] }))).rows.map((r) => r.version));
        const missing = files.filter((f) => !applied.has(f));
        add('migrations', missing.length === 0, missing.length === 0 ? `${files.length} applied` : `not applied: ${missing.join(', ')} (start the API or worker: they migrate)`);
      } catch (err) {
        add('PostgreSQL', false, `${(err as Error).message} (DATABASE_URL=${config.DATABASE_URL.replace(/:[^:@/]+@/, ':***@')})`);
      } finally {
        await pool.end().catch(() => {});
      }

      let connection: Connection | undefined;
      try {
        connection = await timed(() => Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 5000 }));
        await timed(() => connection!.workflowService.getSystemInfo({}));
        add('Temporal', true, `${config.TEMPORAL_ADDRESS} reachable`);
        const queue = await timed(() =>
          connection!.workflowService.describeTaskQueue({ namespace: config.TEMPORAL_NAMESPACE, taskQueue: { name: config.TEMPORAL_TASK_QUEUE }, taskQueueType: 1 }),
        );
        const pollers = queue.pollers ?? [];
        add('worker', pollers.length > 0, pollers.length > 0
          ? `${pollers.length} poller(s) on task queue ${config.TEMPORAL_TASK_QUEUE}`
          : `nobody polls task queue ${config.TEMPORAL_TASK_QUEUE}: start the worker (npm run worker)`);
        const archive = await timed(() => unarchivedRuns(connection!, config), 60_000);
        checks.push({
          name: 'history archive', ok: archive.missing.length === 0, warning: true,
          detail: archive.missing.length === 0
            ? `every run closed over ${config.HISTORY_ARCHIVE_WARN_MINUTES} min ago is archived (${archive.checked} checked; Temporal keeps closed runs ${archive.retentionDays} days)`
            : `${archive.missing.length} of ${archive.checked} runs closed over ${config.HISTORY_ARCHIVE_WARN_MINUTES} min ago are not archived ` +
              `(${archive.missing.slice(0, 3).join(', ')}${archive.missing.length > 3 ? ', …' : ''}); Temporal deletes them ${archive.retentionDays} days after they closed: ` +
              'is the worker running, and are its logs free of "history archive pass failed"?',
        });
      } catch (err) {
        add('Temporal', false, `${config.TEMPORAL_ADDRESS}: ${(err as Error).message}`);
      } finally {
        await connection?.close().catch(() => {});
      }
    }

    for (const c of checks) console.log(`${c.ok ? 'ok  ' : c.warning ? 'WARN' : 'FAIL'}  ${c.name.padEnd(14)} ${c.detail}`);
    const failed = checks.filter((c) => !c.ok && !c.warning).length;
    const warned = checks.filter((c) => !c.ok && c.warning).length;
    console.log(failed === 0 && warned === 0 ? '\nEverything looks right.' : `\n${failed} problem(s) found, ${warned} warning(s).`);
    return failed === 0 ? 0 : 1;
  },
};

/**
 * Closed runs of our task queue, older than the warning threshold, that the history archive does not
 * hold (by run id). Such a run is lost when Temporal's retention ends.
 */
async function unarchivedRuns(connection: Connection, config: ReturnType<typeof loadConfig>) {
  const namespace = config.TEMPORAL_NAMESPACE;
  const described = await connection.workflowService.describeNamespace({ namespace });
  const retentionDays = Number(described.config?.workflowExecutionRetentionTtl?.seconds ?? 0) / 86_400;
  const before = new Date(Date.now() - config.HISTORY_ARCHIVE_WARN_MINUTES * 60_000).toISOString();
  const query = `${closedRunsQuery(config.TEMPORAL_TASK_QUEUE, null)} AND CloseTime < '${before}'`;
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 1, connectionTimeoutMillis: 5000 });
  const missing: string[] = [];
  let checked = 0;
  try {
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1000, nextPageToken });
      const runs = (page.executions ?? []).map((e) => ({ workflowId: e.execution?.workflowId ?? '', runId: e.execution?.runId ?? '' }));
      checked += runs.length;
      const archived = await archivedRunIds(pool, runs.map((r) => r.runId));
      missing.push(...runs.filter((r) => !archived.has(r.runId)).map((r) => `${r.workflowId} run ${r.runId}`));
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  } finally {
    await pool.end().catch(() => {});
  }
  return { checked, missing, retentionDays };
}
