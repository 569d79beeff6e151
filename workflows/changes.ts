// Inputs and outcomes of the administrative changes that touch PostgreSQL and running PKs (a
// calendar change, a change of official). The API starts them as workflows and answers from their
// outcome; the workflows and their activities use the same types.
import type { CalendarPatch } from '../domain/calendar-patch';
import type { CycleCalendar } from '../domain/schedule';
import type { Phase } from './messages';

/** A change the records refused (its cycle or position is gone, a NIP taken meanwhile): the API's problem. */
export interface ChangeProblem {
  status: 404 | 409 | 422;
  code: string;
  detail: string;
  extra?: Record<string, unknown>;
}

export type ChangeOutcome<Result> = { status: 'done'; result: Result } | { status: 'rejected'; problem: ChangeProblem };

export interface CalendarChangeInput {
  cycleId: string;
  /** Stable per change: the workflow id and the audit row's key derive from it, so a retry applies it once. */
  changeId: string;
  patch: CalendarPatch;
  actorId: string;
}

export interface CalendarChangeResult {
  cycleId: string;
  changeId: string;
  calendarVersion: number;
  calendar: CycleCalendar;
  /** Running PKs told to reload their due dates. */
  signalled: number;
  /** PKs of the cycle not running (closed, or not started yet: they read the stored calendar when they start). */
  notRunning: number;
}

export interface OfficialInput {
  id: string;
  nip: string | null;
  name: string;
  email: string;
}

export interface OfficialChangeInput {
  cycleId: string;
  positionId: string;
  changeId: string;
  official: OfficialInput;
  /** The revision's note; a default naming both officials when absent. */
  note?: string;
  /** The administrator (principal id) who asked for it. */
  adminId: string;
}

export interface RevokedCertificate {
  caId: string;
  serialNumber: string;
  reason: string;
  revokedAt: string;
}

export interface OfficialChangeResult {
  cycleId: string;
  positionId: string;
  changeId: string;
  official: OfficialInput;
  changed: true;
  /** The PK Perubahan the new official must sign, when the PK was signed and running. */
  revision: { version: number; phase: Phase } | null;
  revokedCertificate: RevokedCertificate | null;
}

/** Workflow ids: one per change, so starting the same change twice finds the first. */
export const calendarChangeWorkflowId = (cycleId: string, changeId: string) => `calendar-change:${cycleId}:${changeId}`;
export const officialChangeWorkflowId = (cycleId: string, positionId: string, changeId: string) => `official-change:${cycleId}:${positionId}:${changeId}`;
