import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { createPayloadCodec } from '../security/payload-codec';

/**
 * A client for the configured Temporal server; retries the first connection while it starts. With
 * the server secret it encrypts payloads that carry sealed secrets (security/payload-codec.ts).
 */
export async function connectClient(config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'> & Partial<Pick<Config, 'KINERJA_SECRET'>>, attempts = 30): Promise<Client> {
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      const connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: '2s' });
      return new Client({
        connection,
        namespace: config.TEMPORAL_NAMESPACE,
        ...(config.KINERJA_SECRET ? { dataConverter: { payloadCodecs: [createPayloadCodec(config.KINERJA_SECRET)] } } : {}),
      });
    } catch (err) {
      lastError = err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  throw new Error(`cannot reach Temporal at ${config.TEMPORAL_ADDRESS}: ${(lastError as Error)?.message}`);
}
