// Officials' keys made ahead: each key handed out once, the pool refilled after a take (not before
// the first: a process that never enrols makes none), a take with none ready makes its own, and a
// failed refill leaves takes working.
import { generateKeyPairSync } from 'node:crypto';
import { KeyPairPool, type KeyPair } from '../../signing/key-pair-pool';
import { newKeyPair } from '../../signing/certificates';

const settle = () => new Promise((r) => setTimeout(r, 20));

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
  await settle();
  expect(keys.made()).toBe(0);
  const first = await pool.take();
  await settle();
  expect([keys.made(), pool.available]).toEqual([4, 3]);
  const taken = [first, await pool.take(), await pool.take(), await pool.take()];
  expect(new Set(taken.map((k) => k.publicKeyPem)).size).toBe(4);
  await settle();
  expect(pool.available).toBe(3); // refilled after the takes
});

test('size 0 makes every key on the spot and none ahead', async () => {
  const keys = counting();
  const pool = new KeyPairPool(0, keys.make);
  await pool.take();
  await pool.take();
  await settle();
  expect([keys.made(), pool.available]).toEqual([2, 0]);
});

test('a refill that fails leaves the next take to make its own, and refills again', async () => {
  let calls = 0;
  const keys = counting(() => ++calls === 2); // the refill's first key fails
  const pool = new KeyPairPool(2, keys.make);
  await pool.take();
  await settle();
  expect(pool.available).toBe(0);
  await pool.take();
  await settle();
  expect(pool.available).toBe(2);
});

test('the product pool makes RSA-2048 keys in the low-priority threads', async () => {
  const pool = new KeyPairPool(1, newKeyPair);
  const pair = await pool.take();
  expect(pair.privateKey.asymmetricKeyType).toBe('rsa');
  expect(pair.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
});
