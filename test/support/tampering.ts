// The tampered copies of a signed PK that a verifier must reject, each for its own reason: a
// flipped byte inside the signed content, an unsigned incremental update appended after the last
// signature, and a PK signed by a CA nobody here trusts.
import { renderAgreementPdf } from '../../documents';
import { createLocalSigner } from '../../signing';
import { IncrementalUpdate } from '../../signing/incremental-update';
import { PdfRef, PdfString, dict, name } from '../../signing/pdf-objects';
import { PdfReader } from '../../signing/pdf-reader';
import { makePki, sampleInput } from './pki';

/** One bit of one byte in the middle of the first content stream changed (inside every signature's range). */
export function flipByte(pdf: Uint8Array): Buffer {
  const out = Buffer.from(pdf);
  const stream = out.indexOf('stream\n');
  if (stream < 0) throw new Error('no stream in the PDF');
  out[stream + 7 + 20] ^= 0x01;
  return out;
}

/** An unsigned revision appended after the last signature: a new document title in /Info. */
export function appendUnsignedUpdate(pdf: Uint8Array): Buffer {
  const reader = new PdfReader(Buffer.from(pdf));
  const update = new IncrementalUpdate(reader);
  const existing = reader.trailer.get('Info');
  const info = existing instanceof PdfRef ? existing : update.allocate();
  update.put(info, dict({ Title: PdfString.fromText('Perjanjian Kinerja (diubah)'), Producer: name('Tamper') }));
  return update.build().bytes;
}

/** The sample PK signed by both parties under a CA of its own, which the stack does not hold. */
export async function signedByUnknownCa(): Promise<Buffer> {
  const input = sampleInput();
  const pki = await makePki(input, 'kab-tidak-dikenal');
  const signer = createLocalSigner({ store: pki.store });
  const base = { reason: 'Perjanjian Kinerja', location: 'Bengkayang', verificationUrl: 'https://example.invalid/verify', signedAt: new Date() };
  const once = await signer.sign({ ...base, pdf: await renderAgreementPdf(input), nip: pki.first.nip, passphrase: pki.first.passphrase, party: 'first' });
  const twice = await signer.sign({ ...base, pdf: once, nip: pki.second.nip, passphrase: pki.second.passphrase, party: 'second' });
  return Buffer.from(twice);
}
