import pino, { type Logger } from 'pino';

/** Structured JSON logs; each line carries the process name and, where known, the workflow id. */
export function createLogger(name: string, level = 'info'): Logger {
  return pino({ name, level, base: { process: name }, redact: { paths: ['*.passphrase', 'passphrase', '*.password'], censor: '[redacted]' } });
}
