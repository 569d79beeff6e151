// `kinerja token`: mint a bearer token from the server secret (KINERJA_SECRET, or .data/secret
// under `npm start`) for an official (by NIP, or by official id when they have no NIP, like the
// Kepala Daerah), or for one administrator or evaluator by name: every token names one person.
// Its id is recorded in PostgreSQL, so `kinerja token revoke ID` can end it before it expires.
import { userInfo } from 'node:os';
import { Pool } from 'pg';
import { cliEnvironment, loadSecret } from '../../config';
import { issueServiceToken, revokeServiceToken } from '../../security/service-tokens';
import { isNip, isPersonId, SHARED_SUBJECTS } from '../../domain/identity';
import { parseTtl, type TokenRole } from '../../security/jwt';
import { parseOptions, UsageError, type Command } from '../command';

const USAGE = 'give --nip NIP or --official ID (an official), or --role admin|evaluator --user NAME';
/** What an official's id looks like, for the messages about one that holds nothing. */
export const ID_HINT = 'an official is named by their 18-digit NIP, or without one by {organisation}.{position}, e.g. kab-bengkayang.bupati';

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
    const db = registerPool();
    try {
      const { token, tokenId, expiresAt } = await issueServiceToken(db, claims, loadSecret(), ttl);
      console.log(token);
      console.error(`token id ${tokenId}, expires ${expiresAt.toISOString()} (revoke: kinerja token revoke ${tokenId})`);
      // a mistyped id still makes a valid token, which then sees nothing: say so now
      if (claims.role === 'official' && (await db.query('SELECT 1 FROM positions WHERE official_id = $1 LIMIT 1', [claims.sub])).rowCount === 0) {
        console.error(`warning: ${claims.sub} holds no position in any cycle yet; this token sees nothing until they do (${ID_HINT})`);
      }
    } finally {
      await db.end();
    }
    return 0;
  },
};

/** The database that keeps the token ids (DATABASE_URL, or the stack `npm start` runs). */
function registerPool(): Pool {
  const url = cliEnvironment().DATABASE_URL;
  if (!url) throw new Error('DATABASE_URL is not set and no stack started by `npm start` runs from here: a token\'s id is recorded in the database so it can be revoked');
  return new Pool({ connectionString: url, max: 1 });
}

export const tokenRevokeCommand: Command = {
  path: ['token', 'revoke'],
  summary: 'revoke a token from `kinerja token` by its id: the API refuses it from then on',
  usage: 'kinerja token revoke TOKEN_ID',
  async run(args) {
    const { positional } = parseOptions(args);
    const [tokenId] = positional;
    if (!tokenId || !/^[0-9a-f-]{36}$/.test(tokenId)) throw new UsageError('give the token id printed when the token was made');
    const db = registerPool();
    try {
      const revoked = await revokeServiceToken(db, tokenId, `cli:${userInfo().username}`);
      if (!revoked) {
        console.error(`no token has the id ${tokenId}`);
        return 1;
      }
      console.log(`revoked ${tokenId} (${revoked.role} ${revoked.subject}) at ${revoked.revokedAt.toISOString()}`);
      return 0;
    } finally {
      await db.end();
    }
  },
};
