// A small client for the Kinerja API, used by the CLI: base URL, bearer token (given, or minted
// locally from the server secret), JSON in and out, problem details turned into readable errors.
import { loadSecret, readStackSettings } from '../config';
import { signToken } from '../security/jwt';

export const DEFAULT_API_URL = 'http://127.0.0.1:3000';

export class ApiError extends Error {
  constructor(readonly status: number, readonly problem: any) {
    super(`${status} ${problem?.code ?? ''}: ${problem?.detail ?? JSON.stringify(problem)}${
      Array.isArray(problem?.problems) ? '\n' + problem.problems.slice(0, 20).map((p: any) => `  ${p.path || '/'} ${p.code}: ${p.message}`).join('\n') : ''
    }`);
  }
}

export interface ApiClientOptions {
  url?: string;
  token?: string;
  /** Who the minted token is for when none is given. */
  mint?: { role: 'admin' | 'evaluator' } | { role: 'official'; nip: string };
}

export function apiClient(options: ApiClientOptions) {
  const base = (options.url ?? readStackSettings()?.apiUrl ?? DEFAULT_API_URL).replace(/\/$/, '');
  let token = options.token;
  const bearer = () => {
    if (token) return token;
    const who = options.mint ?? { role: 'admin' as const };
    token = signToken(who.role === 'official' ? { sub: who.nip, role: 'official', nip: who.nip } : { sub: `cli-${who.role}`, role: who.role }, loadSecret(), 3600);
    return token;
  };
  return {
    base,
    async request<T = any>(method: string, path: string, body?: unknown): Promise<T> {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer()}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
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
