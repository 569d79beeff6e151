// PLACEHOLDER until domain/cascade lands (replaced in this session).
import type { Problem } from './problem';
import type { AgreementContent } from './types';
export function validateDraftContent(_content: AgreementContent, _superior: string[] | null): Problem[] { return []; }
