// The verification token in the link printed on a signed PK: an HMAC of the document id under the
// server secret, so the id alone (predictable) does not open the document's public report.
import { isVerificationToken, verificationToken, verificationUrl } from '../../security/verification-link';

const SECRET = 'rahasia-server-uji-0123456789';
const ID = 'pk:kab-x:2025:kepala-dinkes:v1:first';

test('128 bits, base64url; the same for the same id and secret, another for another id or secret', () => {
  const token = verificationToken(SECRET, ID);
  expect(token).toMatch(/^[\w-]{22}$/);
  expect(Buffer.from(token, 'base64url')).toHaveLength(16);
  expect(verificationToken(SECRET, ID)).toBe(token);
  expect(verificationToken(SECRET, ID.replace(':first', ':second'))).not.toBe(token);
  expect(verificationToken(`${SECRET}!`, ID)).not.toBe(token);
});

test('the printed link: the page\'s route with the encoded id and the token', () => {
  expect(verificationUrl('https://kinerja.example', SECRET, ID))
    .toBe(`https://kinerja.example/#/verify/${encodeURIComponent(ID)}?t=${verificationToken(SECRET, ID)}`);
});

test('only the document\'s own token is accepted', () => {
  const token = verificationToken(SECRET, ID);
  expect(isVerificationToken(SECRET, ID, token)).toBe(true);
  for (const wrong of [undefined, '', ['a', 'b'], { t: token }, token.slice(1), `${token}A`, verificationToken(SECRET, `${ID}x`), token.toUpperCase()]) {
    expect(isVerificationToken(SECRET, ID, wrong)).toBe(false);
  }
});
