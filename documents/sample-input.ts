// Builds the render input for one position of an organisation import (the sample JSON's shape).
import type { OrganisationImport, Position } from '../domain/types';
import { budgetLinesFor, type AgreementPdfInput, type PartyInput } from './agreement-input';

function party(position: Position): PartyInput {
  return { name: position.official.name, title: position.title, nip: position.official.nip };
}

/** The PK of `positionId` as drafted in the import, dated `date` (ISO). */
export function agreementInputFromImport(data: OrganisationImport, positionId: string, date: string): AgreementPdfInput {
  const position = data.positions.find((p) => p.id === positionId);
  if (!position) throw new Error(`Unknown position ${positionId}`);
  // The Kepala Daerah's statement carries the regency's own plan (IKU Pemda) when it has no draft.
  const content = data.drafts?.[positionId]
    ?? (position.level === 'KEPALA_DAERAH' && data.plan ? { objectives: data.plan.objectives, budget: [] } : undefined);
  if (!content) throw new Error(`No draft for position ${positionId}`);
  const superior = position.parent ? data.positions.find((p) => p.id === position.parent) : undefined;
  const unit = position.unit ? data.units.find((u) => u.id === position.unit) : undefined;
  return {
    organisation: data.organisation.name,
    unitName: unit?.name ?? null,
    year: data.year,
    place: data.organisation.place,
    date,
    firstParty: party(position),
    secondParty: position.level === 'KEPALA_DAERAH' || !superior ? null : party(superior),
    content,
    ...budgetLinesFor(position.level),
  };
}
