import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { SigningDeps } from './signing';

/** What the activities need from the outside world; tests pass real or fake ones. */
export interface ActivityDeps {
  db: Pool;
  /** Temporal client, for fan-out and notices between workflows. */
  client: Client;
  taskQueue: string;
  /** Base URL of the page, printed in e-mails and QR codes. */
  publicUrl: string;
  /** Server secret: unseals passphrases sealed by the API. */
  secret: string;
  /** Now, for the records the change activities write (tests may pass another clock). */
  clock: () => Date;
  signing: SigningDeps;
}
