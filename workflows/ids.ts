// Deterministic ids: a retried start finds the workflow it already started.
export const cycleId = (organisationId: string, year: number): string => `cycle:${organisationId}:${year}`;
export const agreementId = (organisationId: string, year: number, positionId: string): string =>
  `pk:${organisationId}:${year}:${positionId}`;
