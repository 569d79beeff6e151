// `kinerja ca export`: writes the organisation's CA certificate (PEM), for verifiers to trust.
import { writeFileSync } from 'node:fs';
import { Pool } from 'pg';
import { PgSigningStore } from '../../signing/pg-store';
import { cliEnvironment } from '../../config';
import { parseOptions, UsageError, type Command } from '../command';

export interface SigningCliConfig {
  databaseUrl?: string;
  /** Seals the CA key; not needed to export the certificate. */
  secret?: string;
}

/** The environment, completed by the settings of a stack `npm start` runs. */
export const signingConfigFromEnv = (): SigningCliConfig => {
  const env = cliEnvironment();
  return { databaseUrl: env.DATABASE_URL, secret: env.KINERJA_SECRET };
};

export function caExportCommand(readConfig: () => SigningCliConfig = signingConfigFromEnv): Command {
  return {
    path: ['ca', 'export'],
    summary: 'Write the organisation CA certificate (PEM)',
    usage: 'kinerja ca export --out FILE [--org ORGANISATION_ID]',
    async run(args) {
      const { options } = parseOptions(args);
      if (typeof options.out !== 'string') throw new UsageError('--out FILE is required');
      const { databaseUrl } = readConfig();
      if (!databaseUrl) throw new Error('DATABASE_URL is not set and no stack started by `npm start` runs from here');
      const pool = new Pool({ connectionString: databaseUrl });
      try {
        const store = new PgSigningStore(pool);
        let id = typeof options.org === 'string' ? options.org : undefined;
        if (!id) {
          const ids = await store.listCaIds();
          if (ids.length !== 1) throw new Error(ids.length ? `Several CAs (${ids.join(', ')}): choose one with --org` : 'No CA yet: an organisation\'s CA is created at its first signature');
          id = ids[0];
        }
        const ca = await store.getCa(id);
        if (!ca) throw new Error(`No CA for organisation ${id}`);
        writeFileSync(options.out, ca.certificatePem);
        console.log(`CA certificate of ${id} written to ${options.out}`);
        return 0;
      } finally {
        await pool.end();
      }
    },
  };
}

export const caCommands: Command[] = [caExportCommand()];
