// FROZEN with workflows/legacy/agreement-v1.ts (the `agreementWorkflow` type): agreementV2 writes each transition itself.
// What the outside world sees of one agreement — its audit rows, its read-model row and its search
// attributes — collected as the workflow goes and written by one activity per transition. Every
// activity costs six history events, so one write per transition instead of one per fact is what
// keeps a year's history small. Only the main flow flushes, so writes never race each other.
import { condition, upsertSearchAttributes } from '@temporalio/workflow';
import type { AuditEntry } from '../../db/audit-log';
import type { StateSummary } from '../read-model';
import { EscalationLevelKey, OverdueKey, PhaseKey } from '../search-attributes';
import type { Actor } from '../messages';

export interface JournalDeps {
  agreementId: string;
  /** Next audit sequence number (kept in the carried state, so keys stay unique across runs). */
  nextSeq: () => number;
  now: () => string;
  summary: () => StateSummary;
  record: (args: { agreementId: string; audit: AuditEntry[]; state: StateSummary | null }) => Promise<void>;
}

export class Journal {
  private pending: AuditEntry[] = [];
  private publishedState: string | null = null;
  private publishedAttributes: string | null = null;
  /** Writes started and finished: a change is written once the write that took it has finished. */
  private writesStarted = 0;
  private writesFinished = 0;

  constructor(private readonly deps: JournalDeps) {}

  /** An audit entry with its idempotency key and the workflow's time, not yet queued. */
  entry(action: string, actor: Actor | null, data: Record<string, unknown>): AuditEntry {
    return {
      agreementId: this.deps.agreementId,
      key: `${this.deps.agreementId}:${this.deps.nextSeq()}`,
      action,
      actorId: actor ? `${actor.role}:${actor.id}` : 'system',
      data,
      at: this.deps.now(),
    };
  }

  /** Queue an audit entry for the next flush. */
  note(action: string, actor: Actor | null, data: Record<string, unknown>): void {
    this.pending.push(this.entry(action, actor, data));
  }

  /** Something is not written yet: an audit entry, or a state the read model does not show. */
  dirty(): boolean {
    return this.pending.length > 0 || JSON.stringify(this.deps.summary()) !== this.publishedState;
  }

  /**
   * An Update handler waits here after its change, so that when the caller hears back, the audit
   * log, the read model (lists, inbox) and the search attributes already show it. The main flow
   * writes at its next wait, which wakes on anything dirty.
   */
  settled(): Promise<void> {
    return condition(() => !this.dirty());
  }

  /**
   * Like `settled`, but also waits for the write that took the change to finish: a flush stops
   * being dirty when it starts, before its activity has run. (`settled` alone let an Update return
   * just before its write; histories recorded with it keep it.)
   */
  async written(): Promise<void> {
    await this.settled();
    const taken = this.writesStarted;
    await condition(() => this.writesFinished >= taken);
  }

  /**
   * The read model already shows the current state: the fan-out stored the first one with the
   * agreement's row, and a continued run's predecessor flushed before it closed (`withAttributes`:
   * its search attributes carry over too).
   */
  assumeStored({ withAttributes }: { withAttributes: boolean }): void {
    const state = this.deps.summary();
    this.publishedState = JSON.stringify(state);
    if (withAttributes) this.publishedAttributes = JSON.stringify({ phase: state.phase, overdue: state.overdue, level: state.escalationLevel });
  }

  async flush(): Promise<void> {
    if (!this.dirty()) return;
    const state = this.deps.summary();
    const stateJson = JSON.stringify(state);
    const stateChanged = stateJson !== this.publishedState;
    const attributes = { phase: state.phase, overdue: state.overdue, level: state.escalationLevel };
    if (JSON.stringify(attributes) !== this.publishedAttributes) {
      upsertSearchAttributes([
        { key: PhaseKey, value: attributes.phase },
        { key: OverdueKey, value: attributes.overdue },
        { key: EscalationLevelKey, value: attributes.level },
      ] as any);
      this.publishedAttributes = JSON.stringify(attributes);
    }
    const audit = this.pending;
    this.pending = [];
    this.publishedState = stateJson;
    this.writesStarted++;
    await this.deps.record({ agreementId: this.deps.agreementId, audit, state: stateChanged ? state : null });
    this.writesFinished++;
  }
}
