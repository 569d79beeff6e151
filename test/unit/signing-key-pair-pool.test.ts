// Officials' keys made ahead: each key handed out once, the pool refilled after a take (not before
// the first: a process that never enrols makes none), a take with none ready makes its own, and a
// failed refill leaves takes working.
import { generateKeyPairSync } from 'node:crypto';
import { KeyPairPool, type KeyPair } from '../../signing/key-pair-pool';
import { newKeyPair } from '../../signing/certificates';

/** A few turns of the event loop: enough for a refill that was started to have made its keys (the stand-in is synchronous), so a count that stays put shows none was started. */
const turns = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
/** Polls until the background refill reaches what the test expects; throws (with the last value) if it never does. */
async function eventually<T>(what: string, read: () => T, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (ok(value)) return value;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function counting(fail: () => boolean = () => false) {
  let made = 0;
  const make = async (): Promise<KeyPair> => {
    if (fail()) throw new Error('thread pool gone');
    made++;
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' }); // fast stand-in for RSA
    return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string };
  };
  return { make, made: () => made };
}

test('nothing is made before the first take; then the pool fills to its size and hands each key out once', async () => {
  const keys = counting();
  const pool = new KeyPairPool(3, keys.make);
  await turns();
  expect(keys.made()).toBe(0);
  const first = await pool.take();
  await eventually('the pool to fill', () => pool.available, (n) => n === 3);
  await turns();
  expect([keys.made(), pool.available]).toEqual([4, 3]);
  const taken = [first, await pool.take(), await pool.take(), await pool.take()];
  expect(new Set(taken.map((k) => k.publicKeyPem)).size).toBe(4);
  await eventually('the pool to refill', () => pool.available, (n) => n === 3); // refilled after the takes
  await turns();
  expect([keys.made(), pool.available]).toEqual([7, 3]); // one on the spot, three taken from the pool, three made again
});

test('size 0 makes every key on the spot and none ahead', async () => {
  const keys = counting();
  const pool = new KeyPairPool(0, keys.make);
  await pool.take();
  await pool.take();
  await turns();
  expect([keys.made(), pool.available]).toEqual([2, 0]);
});

test('a refill that fails leaves the next take to make its own, and refills again', async () => {
  let calls = 0;
  const keys = counting(() => ++calls === 2); // the refill's first key fails
  const pool = new KeyPairPool(2, keys.make);
  await pool.take();
  await eventually('the refill to try its first key', () => calls, (n) => n >= 2);
  await turns();
  expect([calls, keys.made(), pool.available]).toEqual([2, 1, 0]); // the failed refill stopped there
  await pool.take();
  await eventually('the pool to refill', () => pool.available, (n) => n === 2);
  expect([calls, keys.made()]).toEqual([5, 4]);
});

test('the product pool makes RSA-2048 keys in the low-priority threads', async () => {
  const pool = new KeyPairPool(1, newKeyPair);
  const pair = await pool.take();
  expect(pair.privateKey.asymmetricKeyType).toBe('rsa');
  expect(pair.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
});
