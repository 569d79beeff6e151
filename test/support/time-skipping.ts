// A worker with the real activities (real PostgreSQL) on the official Java time-skipping test
// server, for lifecycle tests that carry PKs through a whole year in seconds.
import { SAMPLE_ORGANISATION_PATH } from '../../data/sample';
import { readFileSync } from 'node:fs';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Pool } from 'pg';
import { createPool } from '../../db/pool';
import { createActivities } from '../../activities';
import { createSigningDeps } from '../../activities/signing';
import { workflowBundle } from '../../worker/create-worker';
import { startCycle } from '../../api/cycle-import';
import { loadConfig } from '../../config';
import type { OrganisationImport } from '../../domain/types';
import type { Actor } from '../../workflows/messages';
import { agreementId } from '../../workflows/ids';
import { sealSecret, type SealBinding } from '../../security/sealed-secret';
import { quietTemporalRuntime } from './stack';
import { ensureSearchAttributes } from '../../scripts/dev-server';
import { withOwnOfficials } from './own-officials';

export const SAMPLE: OrganisationImport = JSON.parse(
  readFileSync(SAMPLE_ORGANISATION_PATH, 'utf8'),
);

/** The sample organisation under another id and year, optionally cut down to some positions (and their ancestors). */
export function sampleOrganisation(id: string, year: number, keep?: string[]): OrganisationImport {
  const org: OrganisationImport = structuredClone(SAMPLE);
  org.organisation.id = id;
  org.year = year;
  if (keep) {
    const byId = new Map(org.positions.map((p) => [p.id, p]));
    const wanted = new Set<string>();
    for (const start of keep) for (let p = byId.get(start); p && !wanted.has(p.id); p = p.parent ? byId.get(p.parent) : undefined) wanted.add(p.id);
    org.positions = org.positions.filter((p) => wanted.has(p.id));
    org.drafts = Object.fromEntries(Object.entries(org.drafts ?? {}).filter(([k]) => wanted.has(k)));
  }
  return withOwnOfficials(org);
}

export interface Lifecycle {
  env: TestWorkflowEnvironment;
  db: Pool;
  worker: Worker;
  taskQueue: string;
  secret: string;
  stop(): Promise<void>;
}

let seq = 0;

/**
 * Holds one PK's main flow in the activity that sends its first reminder of `item` (or of any
 * item), until the test calls `release`; `sending` resolves once it is held there. `activities`
 * wraps the real ones for `startLifecycle`.
 */
export function heldReminder(agreementId: string, item?: string) {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let reminding!: () => void;
  const sending = new Promise<void>((resolve) => (reminding = resolve));
  const activities = (real: ReturnType<typeof createActivities>): ReturnType<typeof createActivities> => ({
    ...real,
    async notify(args) {
      if (args.agreementId === agreementId && args.kind === 'reminder' && (item === undefined || args.item === item)) {
        reminding();
        await released;
      }
      return real.notify(args);
    },
  });
  return { activities, sending, release };
}

export async function startLifecycle(options: { activities?: (real: ReturnType<typeof createActivities>) => ReturnType<typeof createActivities> } = {}): Promise<Lifecycle> {
  quietTemporalRuntime();
  const config = loadConfig(process.env);
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: process.env.TEMPORAL_TEST_SERVER_PATH! } },
  });
  await ensureSearchAttributes(env.address);
  const db = createPool(config.DATABASE_URL, 10);
  const taskQueue = `lifecycle-${process.pid}-${++seq}`;
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: (options.activities ?? ((a) => a))(createActivities({
      db,
      client: env.client,
      taskQueue,
      publicUrl: 'http://kinerja.test',
      secret: config.KINERJA_SECRET,
      clock: () => new Date(),
      signing: await createSigningDeps(db, config),
    })),
  });
  const running = worker.run();
  return {
    env, db, worker, taskQueue, secret: config.KINERJA_SECRET,
    async stop() {
      worker.shutdown();
      await running;
      await db.end();
      await env.teardown();
    },
  };
}

/** Stores the organisation and starts its cycle; resolves when every agreement workflow is started. */
export async function startTestCycle(l: Lifecycle, org: OrganisationImport, calendar?: object): Promise<string> {
  const { cycleId } = await startCycle({ db: l.db, temporal: l.env.client, taskQueue: l.taskQueue, actorId: 'test:time-skipping' }, org, calendar as any);
  await l.env.client.workflow.getHandle(cycleId).result();
  return cycleId;
}

export const official = (org: OrganisationImport, positionId: string): Actor => {
  const p = org.positions.find((x) => x.id === positionId)!;
  return { role: 'official', id: p.official.nip ?? `kd:${org.organisation.id}`, positionIds: [p.id] };
};
export const evaluator: Actor = { role: 'evaluator', id: 'tim-evaluasi', positionIds: [] };
export const admin: Actor = { role: 'admin', id: 'admin', positionIds: [] };

export const pkId = (org: OrganisationImport, positionId: string) => agreementId(org.organisation.id, org.year, positionId);
/** A passphrase sealed as the API seals it: for one agreement, version, party and signer. */
export const sealed = (l: Lifecycle, passphrase: string, binding: SealBinding) => sealSecret(passphrase, l.secret, binding, 10 * 60_000);

/** The rejection code (ApplicationFailure type) and message of a failed update. */
export async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    const cause = (err as { cause?: { type?: string; message?: string } }).cause;
    return { code: cause?.type ?? 'unknown', message: cause?.message ?? String(err) };
  }
  throw new Error('expected the update to be rejected, but it was accepted');
}

// ----- drivers: the actions officials take, as the API would send them --------------------------
import {
  approveDraftUpdate, reportRealizationUpdate, saveDraftUpdate, signUpdate, stateQuery, submitDraftUpdate,
  verifyRealizationUpdate, type AgreementState,
} from '../../workflows/messages';
import type { AgreementContent, Quarter } from '../../domain/types';

/** Every run's history of a workflow, oldest first: continue-as-new splits a year into runs. */
export async function historiesOf(l: Lifecycle, workflowId: string): Promise<temporal.api.history.v1.IHistory[]> {
  const runs: temporal.api.history.v1.IHistory[] = [];
  for (let runId: string | undefined = (await l.env.client.workflow.getHandle(workflowId).describe()).runId; runId; ) {
    const history = await l.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
    runs.unshift(history);
    runId = history.events![0].workflowExecutionStartedEventAttributes?.continuedExecutionRunId || undefined;
  }
  return runs;
}

const E = temporal.api.enums.v1.EventType;

/**
 * True when the workflow's latest run has no workflow task and no activity outstanding: it waits
 * for a person or a timer, and (time skipping being locked between steps) nothing else can happen
 * to it until the test acts.
 */
async function isQuiet(l: Lifecycle, workflowId: string): Promise<boolean> {
  const history = await l.env.client.workflow.getHandle(workflowId).fetchHistory();
  let taskOpen = false;
  const activities = new Set<string>();
  for (const e of history.events ?? []) {
    const type = e.eventType;
    if (type === E.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED) taskOpen = true;
    else if (type === E.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) taskOpen = false;
    else if (type === E.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW || type === E.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED) return true;
    else if (type === E.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) activities.add(String(e.eventId));
    else {
      const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes ?? e.activityTaskTimedOutEventAttributes ?? e.activityTaskCanceledEventAttributes;
      if (done) activities.delete(String(done.scheduledEventId));
    }
  }
  return !taskOpen && activities.size === 0;
}

/**
 * The live state of an agreement workflow. The time-skipping test server mishandles a query that
 * races a run's last task (continue-as-new): the answer is lost, and the task it dispatched keeps
 * time skipping locked, so the next clock advance waits in real time (a CI run hung on this).
 * So a query is sent only once the workflow is quiet, and with a deadline, asked again if lost.
 */
export async function queryState(l: Lifecycle, workflowId: string, attempts = 4): Promise<AgreementState> {
  for (let attempt = 1; ; attempt++) {
    for (let i = 0; i < 250 && !(await isQuiet(l, workflowId)); i++) await new Promise((r) => setTimeout(r, 20));
    try {
      return await l.env.client.withDeadline(Date.now() + 15_000, () => l.env.client.workflow.getHandle(workflowId).query(stateQuery));
    } catch (err) {
      if (attempt >= attempts) throw err;
      console.warn(`${workflowId}: state query unanswered (${String(err)}); asking again (${attempt}/${attempts - 1})`);
    }
  }
}

export const passphraseOf = (actor: Actor) => `frasa-rahasia-${actor.id}`;

export function agreementDriver(l: Lifecycle, org: OrganisationImport) {
  const handle = (positionId: string) => l.env.client.workflow.getHandle(pkId(org, positionId));
  const state = (positionId: string): Promise<AgreementState> => queryState(l, pkId(org, positionId));
  const parentOf = (positionId: string) => org.positions.find((p) => p.id === positionId)!.parent;
  async function until(positionId: string, ok: (s: AgreementState) => boolean, tries = 400): Promise<AgreementState> {
    for (let i = 0; i < tries; i++) {
      const s = await state(positionId);
      if (ok(s)) return s;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`${positionId} did not reach the expected state: ${JSON.stringify(await state(positionId)).slice(0, 400)}`);
  }
  /**
   * A step that does not finish within `ms` fails with what the workflow was doing (its status
   * and last events), instead of hanging until jest's timeout says nothing.
   */
  async function step<T>(positionId: string, label: string, work: Promise<T>, ms = 90_000): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<never>((_, reject) => {
      timer = setTimeout(() => void (async () => {
        let detail = '';
        try {
          const d = await handle(positionId).describe();
          const history = await handle(positionId).fetchHistory();
          const last = (history.events ?? []).slice(-12).map((e) => `${e.eventId} ${E[e.eventType ?? 0]}`);
          detail = `status ${d.status.name}, run ${d.runId}; last events: ${last.join(', ')}`;
        } catch (err) {
          detail = `(describe failed: ${String(err)})`;
        }
        reject(new Error(`${positionId}: ${label} did not finish in ${ms / 1000} s; ${detail}`));
      })(), ms);
    });
    try {
      return await Promise.race([work, stalled]);
    } finally {
      clearTimeout(timer);
    }
  }
  const update = (positionId: string, label: string, run: (pk: ReturnType<typeof handle>) => Promise<unknown>) => step(positionId, label, run(handle(positionId)));
  async function advanceTo(iso: string) {
    const ms = Date.parse(iso) - (await l.env.currentTimeMs());
    if (ms > 0) await step(org.positions[0].id, `advance to ${iso}`, l.env.sleep(ms));
  }
  /** Draft (the import's draft unless given), submit, approve, sign by both parties. */
  async function signOff(positionId: string, content: AgreementContent = org.drafts![positionId], people?: { first?: Actor; second?: Actor }) {
    const first = people?.first ?? official(org, positionId);
    const parent = parentOf(positionId);
    const second = people?.second ?? (parent ? official(org, parent) : null);
    await until(positionId, (s) => s.phase === 'drafting');
    await update(positionId, 'save draft', (pk) => pk.executeUpdate(saveDraftUpdate, { args: [{ actor: first, content }] }));
    await update(positionId, 'submit draft', (pk) => pk.executeUpdate(submitDraftUpdate, { args: [{ actor: first }] }));
    if (second && org.positions.find((p) => p.id === positionId)!.level !== 'KEPALA_DAERAH') {
      await until(positionId, (s) => s.phase === 'review');
      await update(positionId, 'approve', (pk) => pk.executeUpdate(approveDraftUpdate, { args: [{ actor: second }] }));
    }
    const { version } = await until(positionId, (s) => s.phase === 'signing');
    const agreementId = pkId(org, positionId);
    await update(positionId, 'first signature', (pk) => pk.executeUpdate(signUpdate, { args: [{ actor: first, passphrase: sealed(l, passphraseOf(first), { agreementId, version, party: 'first', signerId: first.id }) }] }));
    if (second && org.positions.find((p) => p.id === positionId)!.level !== 'KEPALA_DAERAH') {
      await update(positionId, 'second signature', (pk) => pk.executeUpdate(signUpdate, { args: [{ actor: second, passphrase: sealed(l, passphraseOf(second), { agreementId, version, party: 'second', signerId: second.id }) }] }));
    }
    return until(positionId, (s) => s.phase === 'reporting' && s.revision === null);
  }
  /** Report every indicator at `valueOf(indicator)` and have the superior verify it. */
  async function reportQuarter(positionId: string, quarter: Quarter, valueOf: (i: { id: string; target: number | null }) => number | null, content: AgreementContent = org.drafts![positionId]) {
    await until(positionId, (s) => s.quarters[quarter - 1].status === 'open');
    const realizations = content.objectives.flatMap((o) => o.indicators).map((i) => ({ indicatorId: i.id, value: valueOf(i) }));
    await update(positionId, `report Q${quarter}`, (pk) => pk.executeUpdate(reportRealizationUpdate, {
      args: [{ actor: official(org, positionId), quarter, realizations, budgetSpent: content.budget.map((b) => Math.round(b.amount / 4)) }],
    }));
    const parent = parentOf(positionId);
    if (parent) await update(positionId, `verify Q${quarter}`, (pk) => pk.executeUpdate(verifyRealizationUpdate, { args: [{ actor: official(org, parent), quarter }] }));
    return until(positionId, (s) => s.quarters[quarter - 1].status === 'verified');
  }
  /** A moment inside quarter q+1 (after quarter q ended), in UTC. */
  const afterQuarter = (q: Quarter, day = 2) => new Date(Date.UTC(org.year, q * 3, day)).toISOString();
  return { handle, state, until, step, update, advanceTo, signOff, reportQuarter, afterQuarter };
}
