// Ids that name records (organisations, units, positions, indicators). They become parts of
// workflow ids (`pk:{org}:{year}:{position}`), keys of maps and segments of URLs, so they are
// limited to a safe alphabet: no ':' (two organisations could otherwise map to the same PK id), no
// spaces or slashes, and never a name JavaScript objects give a meaning (`__proto__`,
// `constructor`, `prototype`).
import { z } from 'zod';
import { TEXT_LIMITS } from './limits';

const RESERVED = '(?!(?:__proto__|constructor|prototype)$)';
const MAX_TAIL = TEXT_LIMITS.id - 1;

/** Organisation, unit and position ids: letters, digits, '.', '_', '-', starting with a letter or digit. */
export const RECORD_ID = new RegExp(`^${RESERVED}[A-Za-z0-9][A-Za-z0-9._-]{0,${MAX_TAIL}}$`);
/** Indicator and objective ids may also use '#' (the sample's "kepala-dinkes#1"). */
export const INDICATOR_ID = new RegExp(`^${RESERVED}[A-Za-z0-9][A-Za-z0-9._#-]{0,${MAX_TAIL}}$`);

export const RECORD_ID_RULE = `1–${TEXT_LIMITS.id} letters, digits, '.', '_' or '-', starting with a letter or digit (not "constructor" or "prototype")`;
export const INDICATOR_ID_RULE = `1–${TEXT_LIMITS.id} letters, digits, '.', '_', '#' or '-', starting with a letter or digit (not "constructor" or "prototype")`;

export const recordId = (what: string) => z.string().regex(RECORD_ID, `${what} must be ${RECORD_ID_RULE}`);
export const indicatorId = (what: string) => z.string().regex(INDICATOR_ID, `${what} must be ${INDICATOR_ID_RULE}`);

export const isRecordId = (value: unknown): value is string => typeof value === 'string' && RECORD_ID.test(value);
