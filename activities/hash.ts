// The activities' name for the content hash (security/hash.ts), which the API shares.
export { canonicalJson, sha256Hex } from '../security/hash';
