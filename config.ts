// The product's runtime settings (API, worker, identity provider, CLI), read from the environment and
// validated here once, then passed down. The scripts that install and start things (scripts/*.ts,
// scripts/*.sh) and worker/supervised.ts read their own variables (README, Configuration).
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

/** An unset variable given as empty (`OIDC_ISSUER: ${OIDC_ISSUER:-}` in docker-compose.yml) is unset. */
const optional = <T extends z.ZodType>(inner: T) => z.preprocess((v) => (v === '' ? undefined : v), inner.optional());

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('kinerja'),
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm start sets it for the embedded PostgreSQL)'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  // Loopback unless opened on purpose (a container sets 0.0.0.0; see docker-compose.yml).
  LISTEN_HOST: z.string().min(1).default('127.0.0.1'),
  // Behind a reverse proxy: express's "trust proxy" (hop count, or addresses/subnets), so rate
  // limits key on the client's address rather than the proxy's. Unset: X-Forwarded-For is ignored.
  TRUST_PROXY: z.string().optional(),
  PUBLIC_URL: z.string().optional(),
  KINERJA_SECRET: z.string().min(16, 'KINERJA_SECRET must be at least 16 characters'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Kinerja <no-reply@kinerja.local>'),
  WEBHOOK_URLS: z.string().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  SIGNING_LOCK_MINUTES: z.coerce.number().positive().default(15),
  SIGNING_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  // Officials' keys each worker keeps made ahead for first signatures (signing/key-pair-pool.ts); 0: none.
  SIGNING_KEYS_AHEAD: z.coerce.number().int().min(0).max(64).default(2),
  // Rate limits per minute, per client address and per caller (see api/rate-limit.ts), and
  // failed token presentations per client address per window before every token from it is 429.
  RATE_LIMIT_SIGN_IN_PER_CLIENT: z.coerce.number().int().positive().default(300),
  RATE_LIMIT_SIGN_IN_PER_PRINCIPAL: z.coerce.number().int().positive().default(30),
  RATE_LIMIT_SIGNING_PER_CLIENT: z.coerce.number().int().positive().default(300),
  RATE_LIMIT_SIGNING_PER_PRINCIPAL: z.coerce.number().int().positive().default(20),
  RATE_LIMIT_VERIFICATION_PER_CLIENT: z.coerce.number().int().positive().default(1200),
  RATE_LIMIT_VERIFICATION_PER_PRINCIPAL: z.coerce.number().int().positive().default(120),
  RATE_LIMIT_AUTH_FAILURES_PER_CLIENT: z.coerce.number().int().positive().default(100),
  RATE_LIMIT_AUTH_FAILURE_WINDOW_SECONDS: z.coerce.number().int().positive().default(900),
  // RFC 3161 time-stamping authority for signature and document timestamps; the organisation's own
  // (embedded, issued by its CA) when unset.
  TSA_URL: z.string().url().optional(),
  // Who signs: the organisation's own CA (local) or a BSrE-style remote service (bsre: BSRE_URL,
  // and the provider's root CA certificate as PEM, which verification trusts besides ours).
  SIGNING_PROVIDER: z.enum(['local', 'bsre']).default('local'),
  BSRE_URL: z.string().url().optional(),
  BSRE_CA_FILE: z.string().optional(),
  BSRE_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().positive().optional(),
  // API: body limit of ordinary writes (cycle imports have their own, larger one) and how long a
  // sealed passphrase stays usable by the signing activity.
  API_BODY_LIMIT: z.string().default('256kb'),
  API_IMPORT_BODY_LIMIT: z.string().default('20mb'),
  // Public verification: largest PDF accepted, and uploads per client (IP) per minute.
  VERIFY_BODY_LIMIT: z.string().default('10mb'),
  VERIFY_RATE_PER_MINUTE: z.coerce.number().int().positive().default(30),
  // one evidence file (bukti dukung) of a quarterly report
  API_EVIDENCE_BODY_LIMIT: z.string().default('10mb'),
  // How long a calendar change or a change of official waits for its workflow before answering 202.
  API_CHANGE_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
  SEALED_SECRET_TTL_SECONDS: z.coerce.number().int().positive().default(600),
  // Notification outbox delivery: attempts before a record is dead, first retry delay (doubling), poll interval.
  DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().positive().default(8),
  DELIVERY_BACKOFF_MS: z.coerce.number().int().positive().default(30_000),
  DELIVERY_MAX_BACKOFF_MS: z.coerce.number().int().positive().default(6 * 3_600_000),
  DELIVERY_POLL_MS: z.coerce.number().int().positive().default(2_000),
  DELIVERY_BATCH: z.coerce.number().int().positive().default(20),
  DELIVERY_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  // History archive (archive/archiver.ts): how often the worker looks for closed runs to archive,
  // and after how long `kinerja doctor` warns about a closed run that is not archived.
  HISTORY_ARCHIVE_POLL_MS: z.coerce.number().int().positive().default(5_000),
  HISTORY_ARCHIVE_WARN_MINUTES: z.coerce.number().nonnegative().default(60),
  // Sign-in with OpenID Connect (api/sign-in.ts). Unset OIDC_ISSUER: the page has no sign-in
  // (API clients still use bearer tokens); `npm start` sets it to its embedded provider.
  OIDC_ISSUER: optional(z.string().url()),
  OIDC_CLIENT_ID: z.string().min(1).default('kinerja'),
  OIDC_CLIENT_SECRET: optional(z.string().min(1)),
  OIDC_SCOPES: z.string().default('openid profile email'),
  // Which claim names the official: their NIP, the official id as user name, or an e-mail address
  // looked up among the officials of posted organisations.
  OIDC_OFFICIAL_CLAIM: z.enum(['nip', 'preferred_username', 'email']).default('preferred_username'),
  // A claim holding a list of roles or groups (Keycloak: `roles` or `groups` through a mapper).
  OIDC_ROLES_CLAIM: z.string().min(1).default('roles'),
  OIDC_ADMIN_ROLE: z.string().min(1).default('kinerja-admin'),
  OIDC_EVALUATOR_ROLE: z.string().min(1).default('kinerja-evaluator'),
  // The audience the provider's access tokens must name to be accepted as bearer tokens (the
  // embedded provider's: `${PUBLIC_URL}/api`; Keycloak: add an audience mapper).
  OIDC_AUDIENCE: optional(z.string().min(1)),
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  SESSION_MAX_HOURS: z.coerce.number().positive().default(12),
  // The embedded identity provider (identity-provider/): its port under `npm start`.
  IDP_PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  // Where the embedded provider keeps its signing key (npm start: .data/idp-jwks.json); unset, a new key each start.
  IDP_KEYS_FILE: z.string().optional(),
});

export type Config = z.infer<typeof schema> & { publicUrl: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (c.SIGNING_PROVIDER === 'bsre' && (!c.BSRE_URL || !c.BSRE_CA_FILE)) {
    throw new Error('Invalid configuration:\n  SIGNING_PROVIDER=bsre needs BSRE_URL and BSRE_CA_FILE (the provider\'s root CA certificate, PEM)');
  }
  return { ...c, publicUrl: c.PUBLIC_URL ?? `http://127.0.0.1:${c.PORT}` };
}

/**
 * Just the server secret, for tools that need nothing else (`kinerja token`): KINERJA_SECRET, else
 * the secret `npm start` keeps in the data directory.
 */
export function loadSecret(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (env.KINERJA_SECRET) return env.KINERJA_SECRET;
  const file = join(resolve(env.KINERJA_DATA_DIR ?? join(__dirname, '.data')), 'secret');
  const fallback = join(cwd, '.data', 'secret');
  for (const candidate of [file, fallback]) {
    if (existsSync(candidate)) return readFileSync(candidate, 'utf8').trim();
  }
  throw new Error(`KINERJA_SECRET is not set and no ${file} exists (start the stack with npm start, or set KINERJA_SECRET)`);
}

/** What `npm start` chose for the stack it runs, written to `<data dir>/stack.json` while it runs. */
export interface StackSettings {
  apiUrl: string;
  databaseUrl: string;
  temporalAddress: string;
  temporalUiUrl: string;
  /** The OpenID provider the page signs in with (the embedded one unless OIDC_ISSUER was set). */
  oidcIssuer?: string;
  pid: number;
}

export const STACK_SETTINGS_FILE = 'stack.json';

/** The data directory `npm start` uses (KINERJA_DATA_DIR, else `.data` beside this file), then `./.data`. */
function dataDirCandidates(env: NodeJS.ProcessEnv, cwd: string): string[] {
  return [resolve(env.KINERJA_DATA_DIR ?? join(__dirname, '.data')), join(cwd, '.data')];
}

/** The settings of a stack started by `npm start` from this clone (or the current directory), if one runs. */
export function readStackSettings(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): StackSettings | null {
  for (const dir of dataDirCandidates(env, cwd)) {
    const file = join(dir, STACK_SETTINGS_FILE);
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as StackSettings;
  }
  return null;
}

/**
 * The environment a command-line tool works with: what is set, completed by the settings of the
 * stack `npm start` runs (database, Temporal, secret), so `kinerja doctor` or `kinerja ca export`
 * need nothing set by hand next to `npm start`.
 */
export function cliEnvironment(env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): NodeJS.ProcessEnv {
  const stack = readStackSettings(env, cwd);
  if (!stack) return env;
  let secret = env.KINERJA_SECRET;
  try {
    secret ??= loadSecret(env, cwd);
  } catch {
    /* left unset: loadConfig says so */
  }
  return {
    ...env,
    DATABASE_URL: env.DATABASE_URL ?? stack.databaseUrl,
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS ?? stack.temporalAddress,
    TEMPORAL_UI_URL: env.TEMPORAL_UI_URL ?? stack.temporalUiUrl,
    PORT: env.PORT ?? new URL(stack.apiUrl).port,
    OIDC_ISSUER: env.OIDC_ISSUER ?? stack.oidcIssuer,
    KINERJA_SECRET: secret,
  };
}
