// A change of official (pergantian pejabat), started by PUT /api/positions/…/official under one id
// per change: first the records (the position's holder, the replaced official's certificate, the
// audit row: one transaction), then, when the PK is signed and running, its revision (PK Perubahan,
// reason 'official') so the new official signs it again. Each step is retried until done, so the
// records and the PK end consistent whichever side was away.
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ChangeOutcome, OfficialChangeInput, OfficialChangeResult } from './changes';

const { storeOfficialChange, reviseForNewOfficial } = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

export async function officialChangeWorkflow(input: OfficialChangeInput): Promise<ChangeOutcome<OfficialChangeResult>> {
  const stored = await storeOfficialChange(input);
  if (stored.kind === 'problem') return { status: 'rejected', problem: stored.problem };
  const note = input.note?.trim() || `Pergantian pejabat: ${stored.previous.name} digantikan oleh ${input.official.name}`;
  const revision = stored.agreementId
    ? await reviseForNewOfficial({ agreementId: stored.agreementId, changeId: input.changeId, adminId: input.adminId, note })
    : null;
  return {
    status: 'done',
    result: {
      cycleId: input.cycleId, positionId: input.positionId, changeId: input.changeId, official: input.official, changed: true,
      revision, revokedCertificate: stored.revokedCertificate,
    },
  };
}
