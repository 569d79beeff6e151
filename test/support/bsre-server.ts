// A local stand-in for a BSrE-style signing service (see signing/bsre-api.ts), with its own CA.
// It signs each request id at most once and can be told to answer late, to test timeouts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { X509Certificate } from 'node:crypto';
import { BSRE_PATHS, type SignOutcome, type SignPdfRequest } from '../../signing/bsre-api';
import { createLocalCa, issueOfficialCertificate } from '../../signing/certificates';
import { openPrivateKey, TEST_SCRYPT } from '../../signing/key-encryption';
import { PassphraseLockout } from '../../signing/lockout';
import { MemorySigningStore } from '../../signing/memory-store';
import { signPdf } from '../../signing/pades';
import { loadTsaCredential } from '../../signing/certificates';
import { LocalTimeStampAuthority } from '../../signing/timestamp-authority';
import { timestampLastSignature } from '../../signing/signature-timestamp';
import { buildCrl } from '../../signing/crl';
import { addDss } from '../../signing/long-term';

export const BSRE_ISSUER = 'Balai Besar Sertifikasi Elektronik (BSrE), BSSN';

export interface BsreUser {
  nik: string;
  passphrase: string;
  name: string;
  nip: string | null;
}

export interface BsreServer {
  url: string;
  caPem: string;
  /** Signatures actually made, by request id. */
  signCount: Map<string, number>;
  /** The next N sign responses are held back this long after signing (the client times out). */
  delayNextResponses(count: number, ms: number): void;
  close(): Promise<void>;
}

export async function startBsreServer(users: BsreUser[]): Promise<BsreServer> {
  const store = new MemorySigningStore();
  const ca = await createLocalCa({
    store,
    organisation: { id: 'bsre', name: 'Badan Siber dan Sandi Negara' },
    commonName: BSRE_ISSUER,
    secret: 'bsre-test-secret',
    scrypt: TEST_SCRYPT,
  });
  for (const user of users) {
    await issueOfficialCertificate({
      store, ca, scrypt: TEST_SCRYPT, passphrase: user.passphrase,
      official: { signerId: user.nik, name: user.name, nip: user.nip, organisation: 'Badan Siber dan Sandi Negara' },
    });
  }
  // Like BSrE: its own TSA, and its CA's CRL with every certificate in the DSS (PAdES-B-LT output).
  const tsa = new LocalTimeStampAuthority(await loadTsaCredential({ store, ca, secret: 'bsre-test-secret', scrypt: TEST_SCRYPT }));
  const lockout = new PassphraseLockout(store);
  const outcomes = new Map<string, SignOutcome>();
  const signCount = new Map<string, number>();
  let delayed = { count: 0, ms: 0 };

  async function sign(body: SignPdfRequest): Promise<SignOutcome> {
    const fail = (code: string, message: string, details?: Record<string, unknown>): SignOutcome => ({ requestId: body.requestId, status: 'FAILED', error: { code, message, details } });
    const now = new Date();
    const credential = await store.getCredential(body.nik);
    if (!credential) return fail('UnknownSigner', 'Unknown NIK');
    let attempt;
    try {
      attempt = await lockout.begin(body.nik, now);
    } catch (err) {
      return fail('SigningLocked', (err as Error).message, (err as { details?: Record<string, unknown> }).details);
    }
    const key = await openPrivateKey(credential.sealedKey, body.passphrase);
    if (!key) {
      try {
        lockout.failed(attempt);
      } catch (err) {
        return fail('WrongPassphrase', (err as Error).message, (err as { details?: Record<string, unknown> }).details);
      }
    }
    await lockout.succeeded(attempt);
    const props = body.signatureProperties;
    if (!props.fieldName) return fail('BadRequest', 'This server signs named signature fields only');
    const signed = await signPdf({
      pdf: Buffer.from(body.file, 'base64'),
      fieldName: props.fieldName,
      privateKey: key!,
      certificates: [credential.certificatePem, ...credential.chainPem].map((pem) => new X509Certificate(pem).raw),
      signedAt: props.signedAt ? new Date(props.signedAt) : now,
      reason: props.reason,
      location: props.location,
      appearance: { verificationUrl: props.verificationUrl ?? 'https://tte.example/verify' },
    });
    const stamped = await timestampLastSignature(signed, tsa);
    await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000))); // CRL time (whole seconds) after the timestamp
    const lt = addDss(stamped, { crls: [buildCrl({ ca, revoked: [] })] });
    signCount.set(body.requestId, (signCount.get(body.requestId) ?? 0) + 1);
    return { requestId: body.requestId, status: 'SIGNED', file: lt.toString('base64') };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    };
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname.startsWith(BSRE_PATHS.status(''))) {
      const id = decodeURIComponent(url.pathname.slice(BSRE_PATHS.status('').length));
      const outcome = outcomes.get(id);
      return outcome ? send(200, outcome) : send(404, { requestId: id, status: 'NOT_FOUND' });
    }
    if (req.method === 'POST' && url.pathname === BSRE_PATHS.sign) {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as SignPdfRequest;
      let outcome = outcomes.get(body.requestId);
      if (!outcome) {
        outcomes.set(body.requestId, { requestId: body.requestId, status: 'IN_PROGRESS' });
        outcome = await sign(body);
        outcomes.set(body.requestId, outcome);
      }
      if (delayed.count > 0) {
        delayed.count--;
        await new Promise((resolve) => setTimeout(resolve, delayed.ms));
      }
      return send(outcome.status === 'SIGNED' ? 200 : 422, outcome);
    }
    send(404, { error: 'not found' });
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'FAILED', error: { code: 'ServerError', message: String(err) } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    caPem: ca.certificatePem,
    signCount,
    delayNextResponses(count, ms) {
      delayed = { count, ms };
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
