// Evidence types are told by content: an Office workbook, a PDF, images; anything else is none.
import { detectEvidenceType, isEvidenceLink } from '../../domain/evidence';
import { organisationXlsx } from '../../api/spreadsheet';

test('types come from the bytes, not the name', async () => {
  const workbook = await organisationXlsx({ units: [], positions: [] });
  expect(detectEvidenceType(workbook)).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
  expect(detectEvidenceType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
  expect(detectEvidenceType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toBe('image/jpeg');
  expect(detectEvidenceType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
  expect(detectEvidenceType(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0]))).toBe('application/x-ole-storage');
  // a ZIP that is no office document, HTML, a program
  expect(detectEvidenceType(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from('payload.exe')]))).toBeNull();
  expect(detectEvidenceType(Buffer.from('<html><script>alert(1)</script>'))).toBeNull();
  expect(detectEvidenceType(Buffer.from('MZ\x90\0'))).toBeNull();
  expect(detectEvidenceType(Buffer.alloc(0))).toBeNull();
});

test('links are absolute http(s) URLs', () => {
  expect(isEvidenceLink('https://data.example.go.id/a?b=c')).toBe(true);
  expect(isEvidenceLink('javascript:alert(1)')).toBe(false);
  expect(isEvidenceLink('/relative')).toBe(false);
  expect(isEvidenceLink(`https://x.example/${'a'.repeat(2000)}`)).toBe(false);
});
