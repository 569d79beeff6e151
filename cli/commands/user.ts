// `kinerja user invite`: a one-time link at the embedded identity provider where a person sets
// their password: an official of a posted organisation (--nip, or --official for one without
// NIP), or an administrator or evaluator (--role admin|evaluator --user NAME, created if new).
import { Pool } from 'pg';
import { cliEnvironment } from '../../config';
import { isNip, isPersonId, SHARED_SUBJECTS } from '../../domain/identity';
import { createInvite, InviteError, INVITE_TTL_DAYS } from '../../identity-provider/invites';
import { parseOptions, UsageError, type Command } from '../command';

export const userInviteCommand: Command = {
  path: ['user', 'invite'],
  summary: 'print a one-time link where an official (or an admin/evaluator) sets their sign-in password',
  usage: 'kinerja user invite (--nip NIP | --official ID | --role admin|evaluator --user NAME [--name "Full Name"] [--email ADDRESS])',
  async run(args) {
    const { options } = parseOptions(args);
    const env = cliEnvironment();
    if (!env.DATABASE_URL) throw new Error('DATABASE_URL is not set and no stack started by `npm start` runs from here');
    if (!env.OIDC_ISSUER) throw new Error('OIDC_ISSUER is not set and no stack started by `npm start` runs from here (invitations are for its embedded identity provider)');
    const str = (name: string) => (typeof options[name] === 'string' ? (options[name] as string) : undefined);
    let who: Parameters<typeof createInvite>[2];
    const nip = str('nip');
    const official = str('official');
    const role = str('role');
    if (nip !== undefined) {
      if (!isNip(nip)) throw new UsageError('NIP must be 18 digits');
      who = { accountId: nip };
    } else if (official !== undefined) {
      if (!isPersonId(official)) throw new UsageError('official id: letters, digits and . _ - @ (as in the organisation import)');
      who = { accountId: official };
    } else if (role === 'admin' || role === 'evaluator') {
      const user = str('user');
      if (!user || !isPersonId(user) || isNip(user)) throw new UsageError(`--role ${role} needs --user NAME (letters, digits and . _ - @; not a NIP)`);
      if (SHARED_SUBJECTS.has(user)) throw new UsageError(`"${user}" is a role, not a person: give the person's user name or e-mail`);
      who = { accountId: user, role, name: str('name'), email: str('email') };
    } else {
      throw new UsageError('give --nip NIP, --official ID, or --role admin|evaluator --user NAME');
    }
    const pool = new Pool({ connectionString: env.DATABASE_URL, max: 1 });
    try {
      const { account, link } = await createInvite(pool, env.OIDC_ISSUER, who);
      console.log(`Set-password link for ${account.accountId}${account.name ? ` (${account.name})` : ''}, valid ${INVITE_TTL_DAYS} days, once:`);
      console.log(link);
      return 0;
    } catch (err) {
      if (err instanceof InviteError) {
        console.error(err.message);
        return 1;
      }
      throw err;
    } finally {
      await pool.end();
    }
  },
};
