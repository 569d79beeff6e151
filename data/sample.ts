import { join } from 'node:path';

/** The 80-position sample regency: what `node data/make-organisation.mjs` writes with its defaults. */
export const SAMPLE_ORGANISATION_PATH = join(__dirname, 'kabupaten-bengkayang-2025.json');
