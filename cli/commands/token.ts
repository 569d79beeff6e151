// `kinerja token`: mint a bearer token from the server secret (KINERJA_SECRET, or .data/secret
// under `npm start`) for an official (by NIP, or by official id when they have no NIP, like the
// Kepala Daerah), or for one administrator or evaluator by name: every token names one person.
import { loadSecret } from '../../config';
import { isNip, isPersonId, SHARED_SUBJECTS } from '../../domain/identity';
import { parseTtl, signToken, type TokenRole } from '../../security/jwt';
import { parseOptions, UsageError, type Command } from '../command';

const USAGE = 'give --nip NIP or --official ID (an official), or --role admin|evaluator --user NAME';

/** The claims a token carries for the options given; throws UsageError on anything else. */
export function tokenClaims(options: Record<string, string | true>): { sub: string; role: TokenRole; nip?: string; official?: string } {
  const { nip, official, role } = options;
  const user = options.user ?? options.sub; // --sub: the old spelling
  if (typeof nip === 'string') {
    if (!isNip(nip)) throw new UsageError('NIP must be 18 digits');
    return { sub: nip, role: 'official', nip };
  }
  if (typeof official === 'string') {
    // an 18-digit official id is a NIP: the same token as --nip
    if (isNip(official)) return { sub: official, role: 'official', nip: official };
    if (!isPersonId(official)) throw new UsageError('official id: letters, digits and . _ - @ (as in the organisation import)');
    return { sub: official, role: 'official', official };
  }
  if (role === 'admin' || role === 'evaluator') {
    if (typeof user !== 'string') throw new UsageError(`--role ${role} needs --user NAME (a user name or e-mail): audit rows name the person who acted`);
    if (!isPersonId(user)) throw new UsageError('user: letters, digits and . _ - @ (a user name or e-mail), at most 128');
    if (SHARED_SUBJECTS.has(user)) throw new UsageError(`"${user}" is a role, not a person: give the person's user name or e-mail`);
    return { sub: user, role };
  }
  throw new UsageError(USAGE);
}

export const tokenCommand: Command = {
  path: ['token'],
  summary: 'print a bearer token for an official (--nip or --official) or a person with a role (--role admin|evaluator --user NAME)',
  usage: 'kinerja token (--nip NIP | --official ID | --role admin|evaluator --user NAME) [--ttl 8h, at most 30d]',
  async run(args) {
    const { options } = parseOptions(args);
    let ttl: number;
    try {
      ttl = parseTtl(typeof options.ttl === 'string' ? options.ttl : '8h');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const claims = tokenClaims(options);
    console.log(signToken(claims, loadSecret(), ttl));
    return 0;
  },
};
