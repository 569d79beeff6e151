// The steps of a change of official (workflows/official-change.ts): the records first, then the
// revision of the PK when it is signed and running. Both are safe to repeat: the records change once
// per change id, and the revision is an Update with an id of the change (Temporal applies it once
// per run) that is not asked again once the PK carries the change's version.
import { WorkflowNotFoundError } from '@temporalio/client';
import { storeOfficialChange, type StoredOfficialChange } from '../db/official-change';
import type { OfficialChangeInput } from '../workflows/changes';
import { startRevisionUpdate, stateQuery, type AgreementState, type Phase } from '../workflows/messages';
import type { ActivityDeps } from './deps';

export interface RevisionRequest {
  agreementId: string;
  changeId: string;
  adminId: string;
  note: string;
}

export function createOfficialChangeActivities({ db, client, clock }: ActivityDeps) {
  return {
    async storeOfficialChange(input: OfficialChangeInput): Promise<StoredOfficialChange> {
      return storeOfficialChange(db, input, clock());
    },

    /** The PK Perubahan for the new official, or null when the PK is not signed and running (nothing to re-sign). */
    async reviseForNewOfficial({ agreementId, changeId, adminId, note }: RevisionRequest): Promise<{ version: number; phase: Phase } | null> {
      const handle = client.workflow.getHandle(agreementId);
      let state: AgreementState;
      try {
        state = await handle.query(stateQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return null; // not started: the new official drafts it from the start
        throw err;
      }
      // An earlier attempt's revision whose answer was lost (the Update id deduplicates only within
      // one run) is the PK's latest version, with this change's reason and note.
      const latest = state.versions.at(-1);
      if (latest && latest.version > 1 && latest.reason === 'official' && latest.note === note) return { version: latest.version, phase: state.phase };
      if (state.phase !== 'reporting') return null;
      const revised = await handle.executeUpdate(startRevisionUpdate, {
        args: [{ actor: { role: 'admin', id: adminId, positionIds: [] }, reason: 'official', note }],
        updateId: `official-change:${changeId}`,
      });
      // the Update returns with the new version started; the PK's phase loop then leaves reporting
      // for that version's drafting, which is what the administrator is told
      return { version: revised.version, phase: 'drafting' };
    },
  };
}
