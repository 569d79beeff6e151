// A small client for the Kinerja API, used by the CLI: base URL, bearer token (given, or minted
// locally from the server secret), JSON in and out, problem details turned into readable errors.
import { userInfo } from 'node:os';
import { loadSecret, readStackSettings } from '../config';
import { signToken, type TokenClaims } from '../security/jwt';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

/**
 * A problem's place: a spreadsheet cell ("positions!G5 (nip)"), a query parameter as the CLI's flag
 * of the same name ("--organisation": the command's user set a flag, not a query), or its JSON path.
 */
function where(p: any): string {
  const l = p.location;
  if (l?.parameter) return `--${l.parameter}`;
  if (l?.sheet) return `${l.sheet}!${l.column ?? ''}${l.row}${l.header ? ` (${l.header})` : ''}`;
  return p.path || '/';
}

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: any) {
    super(`${status} ${problem?.code ?? ''}: ${problem?.detail ?? JSON.stringify(problem)}${
      Array.isArray(problem?.problems) ? '\n' + problem.problems.slice(0, 20).map((p: any) => `  ${where(p)} ${p.code}: ${p.message}`).join('\n') : ''
    }`);
  }
}

export interface ApiClientOptions {
  url?: string;
  token?: string;
  /** Who the minted token is for when none is given (claims as `kinerja token` makes them). */
  mint?: Pick<TokenClaims, 'sub' | 'role' | 'nip' | 'official'>;
}

export function apiClient(options: ApiClientOptions) {
  const base = (options.url ?? readStackSettings()?.apiUrl ?? DEFAULT_API_URL).replace(/\/$/, '');
  let token = options.token;
  const bearer = async () => {
    if (token) return token;
    // Without a given identity the CLI acts as the administrator running it: audit rows name that login.
    const who = options.mint ?? { sub: `cli.${userInfo().username.replace(/[^A-Za-z0-9._@-]/g, '_')}`, role: 'admin' as const };
    token = await signToken(who, loadSecret(), 3600);
    return token;
  };
  return {
    base,
    /** JSON in and out; a `raw` body is sent as is with its media type (a spreadsheet import). */
    async request<T = any>(method: string, path: string, body?: unknown, raw?: { bytes: Buffer; type: string }): Promise<T> {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await bearer()}`,
          ...(raw ? { 'content-type': raw.type } : body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: raw ? new Uint8Array(raw.bytes) : body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON */
      }
      if (!res.ok) throw new ApiError(res.status, parsed);
      return parsed as T;
    },
  };
}
