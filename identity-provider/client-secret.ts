// The embedded provider's one client, the API: its secret is derived from the server secret, so
// `npm start` and the test stack configure both sides without storing another secret.
import { createHmac } from 'node:crypto';

export const EMBEDDED_CLIENT_ID = 'kinerja';
export const embeddedClientSecret = (serverSecret: string) =>
  createHmac('sha256', serverSecret).update('kinerja embedded identity provider client').digest('base64url');
