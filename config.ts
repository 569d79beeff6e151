// The one place that reads process.env: validated once, then passed down.
import { z } from 'zod';

const schema = z.object({
  TEMPORAL_ADDRESS: z.string().default('127.0.0.1:7233'),
  TEMPORAL_NAMESPACE: z.string().default('default'),
  TEMPORAL_TASK_QUEUE: z.string().default('kinerja'),
  TEMPORAL_UI_URL: z.string().default('http://127.0.0.1:8233'),
  DATABASE_URL: z.string().min(1, 'DATABASE_URL is required (npm start sets it for the embedded PostgreSQL)'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().optional(),
  KINERJA_SECRET: z.string().min(16, 'KINERJA_SECRET must be at least 16 characters'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Kinerja <no-reply@kinerja.local>'),
  WEBHOOK_URLS: z.string().optional(),
  WEBHOOK_SECRET: z.string().optional(),
  SIGNING_LOCK_MINUTES: z.coerce.number().positive().default(15),
  SIGNING_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().positive().optional(),
});

export type Config = z.infer<typeof schema> & { publicUrl: string };

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  return { ...c, publicUrl: c.PUBLIC_URL ?? `http://127.0.0.1:${c.PORT}` };
}
