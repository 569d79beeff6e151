import { join } from 'node:path';

/** The 80-position sample regency (a copy of shared/data, made by shared/tools/make-organisation.mjs). */
export const SAMPLE_ORGANISATION_PATH = join(__dirname, 'kabupaten-bengkayang-2025.json');
