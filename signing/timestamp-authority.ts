// RFC 3161 time-stamping: the embedded local time-stamping authority (a key and an
// id-kp-timeStamping certificate from the organisation's CA) and a client for a remote TSA
// (`TSA_URL`, e.g. BSrE's). Both answer a SHA-256 message imprint with a TimeStampToken: a CMS
// SignedData encapsulating a TSTInfo. Built with node-forge's ASN.1 and Node's RSA, like the CMS
// of the signatures themselves (see README, "Documents and signatures", for why not pkijs).
import { createHash, randomBytes, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import { buildCmsSignature, fromDer, integer, OID, octets, oid, seq, toDer } from './cms';
import { SigningError } from './errors';

const { asn1 } = forge;
type Asn1 = forge.asn1.Asn1;

/**
 * The local TSA's policy. An OID under the 2.25 arc (ITU-T X.667: derived from a UUID, needs no
 * registration); a remote TSA names its own.
 */
export const LOCAL_TSA_POLICY = '2.25.40824065517336431113844172673084328492';

/** OID DER content with arcs of any size (forge's stops at 32 bits; a 2.25 arc is 128). */
function oidBytes(value: string): string {
  const arcs = value.split('.').map(BigInt);
  const out: number[] = [];
  for (const arc of [arcs[0] * 40n + arcs[1], ...arcs.slice(2)]) {
    const septets: number[] = [];
    let rest = arc;
    do {
      septets.unshift(Number(rest & 0x7fn));
      rest >>= 7n;
    } while (rest > 0n);
    out.push(...septets.map((b, i) => (i < septets.length - 1 ? b | 0x80 : b)));
  }
  return Buffer.from(out).toString('binary');
}

function oidText(der: string): string {
  const arcs: bigint[] = [];
  let value = 0n;
  for (const byte of Buffer.from(der, 'binary')) {
    value = (value << 7n) | BigInt(byte & 0x7f);
    if (!(byte & 0x80)) {
      arcs.push(value);
      value = 0n;
    }
  }
  const first = arcs[0] < 80n ? arcs[0] / 40n : 2n;
  return [first, arcs[0] - first * 40n, ...arcs.slice(1)].join('.');
}

const bigOid = (value: string): Asn1 => asn1.create(asn1.Class.UNIVERSAL, asn1.Type.OID, false, oidBytes(value));

export interface TimeStampAuthority {
  /** A DER TimeStampToken (ContentInfo) over the SHA-256 `imprint`. */
  stamp(imprint: Buffer): Promise<Buffer>;
}

function bigInteger(bytes: Buffer): Asn1 {
  const positive = bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.INTEGER, false, positive.toString('binary'));
}

const messageImprint = (imprint: Buffer) => seq(seq(oid(OID.sha256)), octets(imprint));

/** GeneralizedTime with milliseconds, so two stamps within a second stay ordered. */
function generalizedTime(at: Date): Asn1 {
  const text = at.toISOString().replace(/[-:T]/g, '').replace(/\.(\d{3})Z$/, (_, ms: string) => (ms === '000' ? 'Z' : `.${ms.replace(/0+$/, '')}Z`));
  return asn1.create(asn1.Class.UNIVERSAL, asn1.Type.GENERALIZEDTIME, false, text);
}

export interface LocalTsaOptions {
  privateKey: KeyObject;
  /** DER: the TSA's certificate first, then its chain. */
  certificates: Buffer[];
  clock?: () => Date;
}

/** The embedded TSA: stamps with the organisation's own TSA certificate. */
export class LocalTimeStampAuthority implements TimeStampAuthority {
  constructor(private readonly options: LocalTsaOptions) {}

  async stamp(imprint: Buffer): Promise<Buffer> {
    const tstInfo = toDer(seq(
      integer(1),
      bigOid(LOCAL_TSA_POLICY),
      messageImprint(imprint),
      bigInteger(randomBytes(16)),
      generalizedTime((this.options.clock ?? (() => new Date()))()),
      // accuracy: one second (the clock of a server synchronised by NTP)
      seq(integer(1)),
    ));
    return buildCmsSignature({
      digest: createHash('sha256').update(tstInfo).digest(),
      certificates: this.options.certificates,
      privateKey: this.options.privateKey,
      encapsulated: { contentType: OID.tstInfo, content: tstInfo },
    });
  }
}

/** A remote TSA over HTTP (RFC 3161 §3.4): TimeStampReq in, TimeStampResp out. */
export class RemoteTimeStampAuthority implements TimeStampAuthority {
  constructor(private readonly url: string, private readonly timeoutMs = 15_000) {}

  async stamp(imprint: Buffer): Promise<Buffer> {
    const nonce = randomBytes(8);
    const request = toDer(seq(integer(1), messageImprint(imprint), bigInteger(nonce), asn1.create(asn1.Class.UNIVERSAL, asn1.Type.BOOLEAN, false, '\xff')));
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
      body: new Uint8Array(request),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (!res.ok) throw new SigningError('TimestampFailed', `The time-stamping authority answered HTTP ${res.status}`);
    const response = fromDer(Buffer.from(await res.arrayBuffer()));
    const [status, token] = response.value as Asn1[];
    const code = asn1.derToInteger((status.value as Asn1[])[0].value as string);
    // 0 granted, 1 grantedWithMods; anything else is a refusal
    if (code > 1 || !token) throw new SigningError('TimestampFailed', `The time-stamping authority refused the request (status ${code})`);
    return toDer(token);
  }
}

/** Where a TSA's token carries its TSTInfo, and what it says. */
export interface TstInfo {
  policy: string;
  imprintAlgorithm: string;
  imprint: Buffer;
  genTime: Date;
}

export function readTstInfo(der: Buffer): TstInfo {
  const [, policy, imprint, , genTime] = fromDer(der).value as Asn1[];
  const [algorithm, hashed] = imprint.value as Asn1[];
  return {
    policy: oidText(policy.value as string),
    imprintAlgorithm: asn1.derToOid((algorithm.value as Asn1[])[0].value as string),
    imprint: Buffer.from(hashed.value as string, 'binary'),
    genTime: asn1.generalizedTimeToDate(genTime.value as string),
  };
}

