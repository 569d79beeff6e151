// The deliberately slow crypto, run in one of slow-crypto.ts's low-priority threads. Plain
// JavaScript: a worker thread loads it directly, under tsx, jest and node alike.
'use strict';
const { generateKeyPairSync, scryptSync } = require('node:crypto');

/** The scrypt key that seals a private key (an official's, under their passphrase; the CA's). */
function scrypt({ secret, salt, keyLength, params }) {
  return scryptSync(secret, salt, keyLength, params);
}

/** An RSA key pair, PEM-encoded to cross back to the caller's thread. */
function rsaKeyPair({ modulusLength }) {
  return generateKeyPairSync('rsa', {
    modulusLength,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
}

module.exports = { scrypt, rsaKeyPair };
