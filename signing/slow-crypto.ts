// The deliberately slow crypto: scrypt, which makes a sealed key expensive to guess (~0.1 s of a
// core per signature, on purpose), and RSA key generation when an official enrols (~0.1–0.5 s).
// In libuv's thread pool (crypto.scrypt, generateKeyPair) they ran at the priority of everything
// else, so fifty officials signing at once took the cores from what everyone else's quick actions
// wait on: the worker's workflow tasks and writes, PostgreSQL, the Temporal server. Here they run
// in threads of their own (piscina) with a nice value of +10, set for those threads only (Linux
// keeps one per thread): they still use every idle core, but a report or a verification is
// scheduled ahead of them instead of queuing behind a burst of signatures.
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { Piscina } from 'piscina';
import type { ScryptParams } from './key-encryption';

let pool: Piscina | undefined;
/** Started on first use: a process that never derives or generates a key starts no thread. */
function threads(): Piscina {
  pool ??= new Piscina({
    filename: join(__dirname, 'slow-crypto-thread.js'),
    minThreads: 1,
    maxThreads: availableParallelism(),
    idleTimeout: 60_000,
    niceIncrement: 10,
  });
  return pool;
}

export async function scryptKey(secret: string, salt: Buffer, keyLength: number, params: ScryptParams): Promise<Buffer> {
  const maxmem = 256 * params.N * params.r + 1024 * 1024;
  const key: Uint8Array = await threads().run({ secret, salt, keyLength, params: { ...params, maxmem } }, { name: 'scrypt' });
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
}

export async function rsaKeyPair(modulusLength: number): Promise<{ privateKey: KeyObject; publicKeyPem: string }> {
  const { privateKey, publicKey }: { privateKey: string; publicKey: string } = await threads().run({ modulusLength }, { name: 'rsaKeyPair' });
  return { privateKey: createPrivateKey(privateKey), publicKeyPem: publicKey };
}
