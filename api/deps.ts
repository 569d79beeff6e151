import type { Client } from '@temporalio/client';
import type { Pool } from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../config';

export interface ApiDeps {
  db: Pool;
  temporal: Client;
  config: Config;
  logger: Logger;
}
