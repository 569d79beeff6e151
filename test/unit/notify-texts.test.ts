// The escalation mail names who is late: "Nama (Jabatan)", or the post alone while it has no
// holder's name, never a blank before "(" (the mail's body and the inbox read the same person).
import { lateOfficial } from '../../activities/notify';

test('the late official is named with their post, or by the post alone', () => {
  expect(lateOfficial({ official_name: 'dr. Sari', title: 'Kepala Dinas Kesehatan' })).toBe('dr. Sari (Kepala Dinas Kesehatan)');
  expect(lateOfficial({ official_name: null, title: 'Kepala Dinas Kesehatan' })).toBe('Pemegang jabatan Kepala Dinas Kesehatan');
  expect(lateOfficial({ official_name: '  ', title: 'Kepala Dinas Kesehatan' })).toBe('Pemegang jabatan Kepala Dinas Kesehatan');
  expect(lateOfficial({ official_name: 'dr. Sari', title: null })).toBe('dr. Sari');
  expect(lateOfficial(undefined)).toBe('Pemegang jabatan');
});
