// `kinerja token`: mint a bearer token from the server secret (KINERJA_SECRET, or .data/secret
// under `npm start`) for an official (by NIP), an administrator or an evaluator.
import { loadSecret } from '../../config';
import { parseTtl, signToken } from '../../security/jwt';
import { parseOptions, UsageError, type Command } from '../command';

export const tokenCommand: Command = {
  path: ['token'],
  summary: 'print a bearer token for an official (--nip) or a role (--role admin|evaluator)',
  usage: 'kinerja token (--nip NIP | --role admin|evaluator [--sub NAME]) [--ttl 8h]',
  async run(args) {
    const { options } = parseOptions(args);
    const ttl = parseTtl(typeof options.ttl === 'string' ? options.ttl : '8h');
    const isRole = options.role === 'admin' || options.role === 'evaluator';
    if (typeof options.nip !== 'string' && !isRole) throw new UsageError('give --nip NIP, or --role admin or --role evaluator');
    const secret = loadSecret();
    if (typeof options.nip === 'string') {
      if (!/^\d{18}$/.test(options.nip)) throw new UsageError('NIP must be 18 digits');
      console.log(signToken({ sub: options.nip, role: 'official', nip: options.nip }, secret, ttl));
      return 0;
    }
    if (options.role === 'admin' || options.role === 'evaluator') {
      const sub = typeof options.sub === 'string' ? options.sub : options.role;
      console.log(signToken({ sub, role: options.role }, secret, ttl));
      return 0;
    }
    throw new UsageError('give --nip NIP, or --role admin or --role evaluator');
  },
};
