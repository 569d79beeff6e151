// `kinerja replay`: replays archived workflow histories (or history files) against the current
// workflow code, or another checkout's (`--workflows`), and fails on any nondeterminism, naming the
// PK, the run and the event. Run it before deploying new workflow code.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { historyFromJson } from '../../archive/history-json';
import { DefaultLogger, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { cliEnvironment, loadConfig, loadSecret } from '../../config';
import { createPool } from '../../db/pool';
import { bundleWorkflowsAt, workflowBundle } from '../../worker/create-worker';
import { loadHistory, runsForReplay } from '../../archive/archive-store';
import { decodeHistory } from '../../archive/history-codec';
import { replayHistories, type ReplayItem, type ReplayOutcome } from '../../archive/replay';
import { parseOptions, UsageError, type Command } from '../command';

function historyFiles(paths: string[]): string[] {
  return paths.flatMap((p) => (statSync(p).isDirectory()
    ? readdirSync(p).filter((f) => f.endsWith('.pb') || f.endsWith('.json')).sort().map((f) => join(p, f))
    : [p]));
}

/** A .pb (Temporal's protobuf) or .json (`temporal workflow show --output json`) history file. */
function* fileItems(files: string[]): Generator<ReplayItem> {
  for (const file of files) {
    const history = file.endsWith('.json') ? historyFromJson(JSON.parse(readFileSync(file, 'utf8'))) : decodeHistory(readFileSync(file));
    const started = history.events?.[0]?.workflowExecutionStartedEventAttributes;
    yield { workflowId: basename(file).replace(/\.(pb|json)$/, ''), runId: started?.originalExecutionRunId || basename(file), history };
  }
}

function parseSince(value: string | true | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new UsageError('--since takes a date, e.g. 2026-01-01');
  return date;
}

function parseSample(value: string | true | undefined): number | undefined {
  if (value === undefined) return undefined;
  // a bare `--sample` is true, which Number() makes 1: it takes its number
  const n = typeof value === 'string' ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new UsageError('--sample takes a whole number of runs per workflow type and build');
  return n;
}

export const replayCommand: Command = {
  path: ['replay'],
  summary: 'replay archived workflow histories against the workflow code; fails on nondeterminism (run before deploying)',
  usage: 'kinerja replay [--cycle ID] [--since DATE] [--sample N] [--workflows PATH] [FILE.pb|FILE.json|DIR ...]',
  async run(args) {
    const { options, positional } = parseOptions(args);
    const since = parseSince(options.since);
    const sample = parseSample(options.sample);
    if (options.cycle === true) throw new UsageError('--cycle takes a cycle id');
    if (options.workflows === true) throw new UsageError('--workflows takes the path of a workflows module');
    try {
      // the replay worker's state changes and the SDK core's copy of each failure are noise here
      Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { forward: {}, filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
    } catch {
      /* a runtime is already installed in this process */
    }
    const bundle = typeof options.workflows === 'string' ? await bundleWorkflowsAt(resolve(options.workflows)) : await workflowBundle();
    const env = cliEnvironment();
    let secret: string | undefined;
    try {
      secret = loadSecret(env);
    } catch {
      secret = undefined; // histories without encrypted payloads still replay
    }

    const outcomes: ReplayOutcome[] = [];
    const report = (o: ReplayOutcome) => {
      outcomes.push(o);
      if (o.error) {
        const where = o.error.eventId !== null ? ` at event ${o.error.eventId}` : '';
        console.log(`FAIL  ${o.workflowId} (run ${o.runId})${where}: ${o.error.kind}: ${o.error.message}`);
      }
    };

    if (positional.length > 0) {
      if (options.cycle || since || sample) throw new UsageError('--cycle, --since and --sample select archived runs; not with files');
      for await (const o of replayHistories(fileItems(historyFiles(positional)), { bundle, secret })) report(o);
    } else {
      const config = loadConfig(env);
      const db = createPool(config.DATABASE_URL, 2);
      try {
        const runs = await runsForReplay(db, { cycleId: typeof options.cycle === 'string' ? options.cycle : undefined, since, samplePerVersion: sample });
        async function* archived(): AsyncGenerator<ReplayItem> {
          for (const run of runs) yield { workflowId: run.workflowId, runId: run.runId, history: await loadHistory(db, run.runId) };
        }
        for await (const o of replayHistories(archived(), { bundle, secret })) report(o);
      } finally {
        await db.end();
      }
    }

    if (outcomes.length === 0) {
      console.log('No histories to replay.');
      return 0;
    }
    const failed = outcomes.filter((o) => o.error);
    const events = outcomes.reduce((n, o) => n + o.events, 0);
    const times = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)];
    const total = times.reduce((a, b) => a + b, 0);
    console.log(`Replayed ${outcomes.length} histories (${events} events) in ${(total / 1000).toFixed(1)} s, median ${median.toFixed(0)} ms per history: ` +
      (failed.length === 0 ? 'all deterministic.' : `${failed.length} FAILED (${[...new Set(failed.map((o) => o.workflowId))].join(', ')}).`));
    return failed.length === 0 ? 0 : 1;
  },
};
