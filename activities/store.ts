// Records of each PK in PostgreSQL: short, idempotent writes. `recordTransitions` is the one write
// of the current agreement workflow: each transition's fact, its audit rows and the read-model row,
// the writes that waited together in one transaction, ordered by the workflow's sequence numbers.
import { ApplicationFailure } from '@temporalio/activity';
import type { PoolClient } from 'pg';
import { indicatorIdsOfferedBelow } from '../domain/cascade';
import type { ActivityDeps } from './deps';
import type { AgreementContent, QuarterReport } from '../domain/types';
import { appendAuditRows, insertAuditRows, type AuditEntry } from '../db/audit-log';
import { closeCycleIfLastAgreement } from '../db/cycle-status';
import { canonicalJson, sha256Hex } from '../security/hash';
import { storeEvaluationWith, type StoreEvaluationArgs } from './evaluation';
import type { EvaluationState } from '../workflows/messages';
import type { StateSummary } from '../workflows/read-model';

export type { StateSummary } from '../workflows/read-model';

/** The record a human transition stores beside its audit row (none for the workflow's own transitions). */
export type TransitionFact =
  | { kind: 'draft'; version: number; content: AgreementContent; actorId: string }
  | { kind: 'realization'; version: number; report: QuarterReport; actorId: string }
  /** A revision starts from the content of the version it revises. */
  | { kind: 'revision'; fromVersion: number; toVersion: number }
  | ({ kind: 'evaluation' } & Omit<StoreEvaluationArgs, 'agreementId'>);

export interface TransitionWrite {
  agreementId: string;
  /**
   * The workflow's sequence number of this write (its last audit key's number): rows keep the
   * highest they have taken, so a late or retried write never overwrites a newer one.
   */
  seq: number;
  audit: AuditEntry[];
  /** The read-model row after the transition; null leaves it as it is. */
  state: StateSummary | null;
  fact?: TransitionFact;
}

/** What the fact's write computed: the draft's content hash, the evaluation. */
export interface TransitionOutcome {
  contentHash?: string;
  evaluation?: EvaluationState;
}

/** One write of a batch: what it computed, or why the data refused it (an ApplicationFailure's parts). */
export type TransitionResult = { outcome: TransitionOutcome } | { refused: { type: string; message: string; details: unknown[] } };

/**
 * The read-model row, unless a newer write (higher seq) already set it.
 * escalated_to: whom the item has reached, the awaited official's chain up to the level (the inbox
 * of each of them lists it; migration 006_escalation_inbox.sql).
 */
export async function writeReadModel(client: PoolClient, agreementId: string, seq: number, state: StateSummary): Promise<void> {
  await client.query(
    `UPDATE agreements SET phase = $2, version = $3, overdue = $4, escalation_level = $5, due_at = $6,
            awaiting_position = $7, score = $8, predicate = $9, updated_at = now(), write_seq = $10,
            escalated_to = CASE WHEN $4 AND $5 > 0 THEN COALESCE(
              (SELECT p.escalation_chain[1:$5] FROM positions p WHERE p.cycle_id = agreements.cycle_id AND p.id = $7), '{}')
              ELSE '{}' END
      WHERE id = $1 AND write_seq < $10`,
    [agreementId, state.phase, state.version, state.overdue, state.escalationLevel, state.dueAt, state.awaiting, state.score, state.predicate, seq],
  );
  if (state.phase === 'closed') await closeCycleIfLastAgreement(client, agreementId);
}

/** A draft's audit row names the content hash; an evaluation's, the score. */
function withOutcome(entry: AuditEntry, outcome: TransitionOutcome): AuditEntry {
  if (entry.action === 'draft.saved' && outcome.contentHash) return { ...entry, data: { ...entry.data, contentHash: outcome.contentHash } };
  if ((entry.action === 'evaluation.adjusted' || entry.action === 'evaluation.closed') && outcome.evaluation) {
    return { ...entry, data: { ...entry.data, score: outcome.evaluation.score } };
  }
  return entry;
}

async function writeFact(client: PoolClient, agreementId: string, seq: number, fact: TransitionFact, contentHash: string | undefined): Promise<TransitionOutcome> {
  switch (fact.kind) {
    case 'draft':
      await client.query(
        `INSERT INTO agreement_versions (agreement_id, version, content, content_hash, saved_by, write_seq) VALUES ($1,$2,$3,$4,$5,$6)
         ON CONFLICT (agreement_id, version) DO UPDATE SET content = $3, content_hash = $4, saved_by = $5, saved_at = now(), write_seq = $6
          WHERE agreement_versions.write_seq < $6`,
        [agreementId, fact.version, JSON.stringify(fact.content), contentHash, fact.actorId, seq],
      );
      return { contentHash };
    case 'realization': {
      const { report } = fact;
      await client.query(
        `INSERT INTO realizations (agreement_id, quarter, version, realizations, budget_spent, note, reported_by, write_seq) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
         ON CONFLICT (agreement_id, quarter) DO UPDATE SET version = $3, realizations = $4, budget_spent = $5, note = $6, reported_by = $7, reported_at = now(), write_seq = $8
          WHERE realizations.write_seq < $8`,
        [agreementId, report.quarter, fact.version, JSON.stringify(report.realizations), JSON.stringify(report.budgetSpent), report.note ?? null, fact.actorId, seq],
      );
      return {};
    }
    case 'revision':
      await client.query(
        `INSERT INTO agreement_versions (agreement_id, version, content, content_hash, saved_by, write_seq)
         SELECT agreement_id, $3, content, content_hash, saved_by, $4 FROM agreement_versions WHERE agreement_id = $1 AND version = $2
         ON CONFLICT DO NOTHING`,
        [agreementId, fact.fromVersion, fact.toVersion, seq],
      );
      return {};
    case 'evaluation': {
      const { kind: _kind, ...args } = fact;
      return { evaluation: await storeEvaluationWith(client, { agreementId, ...args }) };
    }
  }
}

/** A transition's fact, if it has one (a draft's content hash is computed here). */
async function writeFactOf(client: PoolClient, { agreementId, seq, fact }: TransitionWrite): Promise<TransitionOutcome> {
  if (!fact) return {};
  return writeFact(client, agreementId, seq, fact, fact.kind === 'draft' ? sha256Hex(canonicalJson(fact.content)) : undefined);
}

/** An evaluation's score and predicate are computed by its write: the row shows them at once. */
function rowState(state: StateSummary, outcome: TransitionOutcome): StateSummary {
  return outcome.evaluation ? { ...state, score: outcome.evaluation.score, predicate: outcome.evaluation.predicate } : state;
}

/** A transition's statements, inside the transaction that holds the chain's lock. */
async function writeTransition(client: PoolClient, write: TransitionWrite): Promise<TransitionOutcome> {
  // the fact first, so its audit row can carry what it computed
  const outcome = await writeFactOf(client, write);
  await insertAuditRows(client, write.audit.map((entry) => withOutcome(entry, outcome)));
  if (write.state) await writeReadModel(client, write.agreementId, write.seq, rowState(write.state, outcome));
  return outcome;
}

export function createStoreActivities({ db }: ActivityDeps) {
  return {
    /**
     * One transition, one transaction: its fact (a draft, a report, an evaluation, a revision's
     * copy), its audit rows and the read-model row. A draft's audit row gets the content hash.
     * The write of runs that started before `recordTransitions`.
     */
    async recordTransition(write: TransitionWrite): Promise<TransitionOutcome> {
      let outcome: TransitionOutcome = {};
      await appendAuditRows(db, write.agreementId, [], async (client) => {
        outcome = await writeTransition(client, write);
      });
      return outcome;
    },

    /**
     * A PK's writes that were waiting together (an action and the phase change it caused), in one
     * transaction, in order. A write the data refuses (an evaluation whose rules are invalid) is
     * left out and answered with its refusal; the others commit without it.
     */
    async recordTransitions(batch: TransitionWrite[]): Promise<TransitionResult[]> {
      const refused = new Map<number, TransitionResult>();
      for (;;) {
        const results: TransitionResult[] = [];
        let current = -1;
        try {
          await appendAuditRows(db, batch[0].agreementId, [], async (client) => {
            const audit: AuditEntry[] = [];
            let row: { seq: number; state: StateSummary } | null = null;
            for (const [i, write] of batch.entries()) {
              const earlier = refused.get(i);
              if (earlier) {
                results[i] = earlier;
                continue;
              }
              current = i;
              const outcome = await writeFactOf(client, write);
              results[i] = { outcome };
              audit.push(...write.audit.map((entry) => withOutcome(entry, outcome)));
              if (write.state) row = { seq: write.seq, state: rowState(write.state, outcome) };
            }
            current = -1;
            await insertAuditRows(client, audit);
            // the rows keep the highest sequence number: only the batch's last state would stay
            if (row) await writeReadModel(client, batch[0].agreementId, row.seq, row.state);
          });
          return results;
        } catch (err) {
          if (!(err instanceof ApplicationFailure && err.nonRetryable) || current < 0 || refused.has(current)) throw err;
          refused.set(current, { refused: { type: err.type ?? 'InvalidData', message: err.message, details: err.details ?? [] } });
        }
      }
    },

    /** The earlier workflow type's write (workflows/legacy/journal-v1.ts): audit entries and the read-model row. */
    async record({ agreementId, audit, state }: { agreementId: string; audit: AuditEntry[]; state: StateSummary | null }): Promise<void> {
      await appendAuditRows(db, agreementId, audit, async (client) => {
        if (!state) return;
        await client.query(
          // escalated_to: whom the item has reached, the awaited official's chain up to the level
          // (the inbox of each of them lists it; migration 006_escalation_inbox.sql)
          `UPDATE agreements SET phase = $2, version = $3, overdue = $4, escalation_level = $5, due_at = $6,
                  awaiting_position = $7, score = $8, predicate = $9, updated_at = now(),
                  escalated_to = CASE WHEN $4 AND $5 > 0 THEN COALESCE(
                    (SELECT p.escalation_chain[1:$5] FROM positions p WHERE p.cycle_id = agreements.cycle_id AND p.id = $7), '{}')
                    ELSE '{}' END
            WHERE id = $1`,
          [agreementId, state.phase, state.version, state.overdue, state.escalationLevel, state.dueAt, state.awaiting, state.score, state.predicate],
        );
        if (state.phase === 'closed') await closeCycleIfLastAgreement(client, agreementId);
      });
    },

    /** Saves the draft and its audit entry (which gets the content hash) in one transaction. */
    async storeDraft(args: { agreementId: string; version: number; content: AgreementContent; actorId: string; audit: AuditEntry }): Promise<{ contentHash: string }> {
      const contentHash = sha256Hex(canonicalJson(args.content));
      const audit = { ...args.audit, data: { ...args.audit.data, contentHash } };
      await appendAuditRows(db, args.agreementId, [audit], async (client) => {
        await client.query(
          `INSERT INTO agreement_versions (agreement_id, version, content, content_hash, saved_by) VALUES ($1,$2,$3,$4,$5)
           ON CONFLICT (agreement_id, version) DO UPDATE SET content = $3, content_hash = $4, saved_by = $5, saved_at = now()`,
          [args.agreementId, args.version, JSON.stringify(args.content), contentHash, args.actorId],
        );
      });
      return { contentHash };
    },

    /** A revision starts from the content of the version it revises. */
    async copyDraft({ agreementId, fromVersion, toVersion }: { agreementId: string; fromVersion: number; toVersion: number }): Promise<void> {
      await db.query(
        `INSERT INTO agreement_versions (agreement_id, version, content, content_hash, saved_by)
         SELECT agreement_id, $3, content, content_hash, saved_by FROM agreement_versions WHERE agreement_id = $1 AND version = $2
         ON CONFLICT DO NOTHING`,
        [agreementId, fromVersion, toVersion],
      );
    },

    async storeRealization(args: { agreementId: string; version: number; report: QuarterReport; actorId: string }): Promise<void> {
      const { report } = args;
      await db.query(
        `INSERT INTO realizations (agreement_id, quarter, version, realizations, budget_spent, note, reported_by) VALUES ($1,$2,$3,$4,$5,$6,$7)
         ON CONFLICT (agreement_id, quarter) DO UPDATE SET version = $3, realizations = $4, budget_spent = $5, note = $6, reported_by = $7, reported_at = now()`,
        [args.agreementId, report.quarter, args.version, JSON.stringify(report.realizations), JSON.stringify(report.budgetSpent), report.note ?? null, args.actorId],
      );
    },
  };
}

export async function superiorSignature(db: ActivityDeps['db'], cycleId: string, parentPositionId: string): Promise<{ indicatorIds: string[] } | null> {
  const { rows } = await db.query(
    `SELECT v.content, CASE WHEN p.parent_id IS NULL THEN c.plan END AS plan FROM agreements a
       JOIN documents d ON d.agreement_id = a.id AND d.version = a.version
       JOIN agreement_versions v ON v.agreement_id = a.id AND v.version = a.version
       JOIN positions p ON p.cycle_id = a.cycle_id AND p.id = a.position_id
       JOIN cycles c ON c.id = a.cycle_id
      WHERE a.cycle_id = $1 AND a.position_id = $2 AND a.phase IN ('reporting', 'evaluation', 'closed')
      LIMIT 1`,
    [cycleId, parentPositionId],
  );
  if (rows.length === 0) return null;
  return { indicatorIds: offeredBelow(rows[0].content, rows[0].plan) };
}

/** What a signed PK offers its subordinates: its own indicator ids, and the plan's below the Kepala Daerah (`plan` set only for them). */
export function offeredBelow(content: Parameters<typeof indicatorIdsOf>[0] | null, plan: Parameters<typeof indicatorIdsOf>[0] | null): string[] {
  return indicatorIdsOfferedBelow(indicatorIdsOf(content ?? {}), plan ? indicatorIdsOf(plan) : null);
}

export function indicatorIdsOf(content: { objectives?: Array<{ indicators?: Array<{ id: string }> }> }): string[] {
  return (content.objectives ?? []).flatMap((o) => (o.indicators ?? []).map((i) => i.id));
}
