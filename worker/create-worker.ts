// Builds the worker: bundled workflows plus activities made from their dependencies. Used by
// worker/main.ts and by the tests, which run it against a real or time-skipping server.
import { createPayloadCodec } from '../security/payload-codec';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { ActivityDeps } from '../activities';
import { createActivities } from '../activities';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Workflows are bundled once per process (about a second). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleWorkflowsAt(require.resolve('../workflows'));
  return bundle;
}

/** A bundle of other workflow code the same way (`kinerja replay --workflows`: a candidate's code). */
export function bundleWorkflowsAt(workflowsPath: string): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({
    workflowsPath,
    logger: quietBundlerLogger,
    // libraries shared by all workflows of a V8 context instead of evaluated once per workflow
    preloadModules: [require.resolve('./shared-workflow-modules')],
  });
}

const noop = () => {};
const quietBundlerLogger = { trace: noop, debug: noop, info: noop, warn: noop, error: (m: string) => console.error(m), log: noop } as any;

/**
 * Workflows kept in the worker's cache. A cached PK workflow costs the worker about half a MB
 * (measured; over 1 MB before zod was shared, see shared-workflow-modules.ts), and the SDK's
 * default scales with the heap, not with that; an evicted PK replays its history (a few hundred
 * events at most) on its next task. 250 kept a worker with 10,000 open PKs at 0.7 GB
 * (`npm run bench -- memory`); set WORKER_MAX_CACHED_WORKFLOWS to trade memory for fewer replays.
 */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 250;

export interface WorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  deps: ActivityDeps;
  maxCachedWorkflows?: number;
}

export async function createWorker(options: WorkerOptions): Promise<Worker> {
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities(options.deps),
    // opens the Update and activity inputs the API encrypted (sealed passphrases)
    dataConverter: { payloadCodecs: [createPayloadCodec(options.deps.secret)] },
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    maxConcurrentActivityTaskExecutions: 100,
  });
}
