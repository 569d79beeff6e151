#!/usr/bin/env node
// Generates a realistic regency (kabupaten) for tests and benchmarks: units, a position tree with
// officials, the regency's own indicators (IKU Pemda), and a proposed PK draft for every position
// whose indicators link to the superior's. Deterministic for a given --seed.
//
//   node make-organisation.mjs [--positions 80] [--seed 1] [--year 2025] [--name Bengkayang] > org.json
//
// Kept in the repository, so tests and benchmarks run from a clone alone. Output shape:
//   { organisation, year, units[], positions[], plan, drafts{positionId: draft} }

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith('--') ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const wanted = Number(args.positions ?? 80);
const year = Number(args.year ?? 2025);
const place = args.name ?? 'Bengkayang';
let state = Number(args.seed ?? 1) >>> 0 || 1;
const rand = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = (list) => list[Math.floor(rand() * list.length)];
const round = (x, step) => Math.round(x / step) * step;

const given = ['Agus', 'Budi', 'Dewi', 'Eko', 'Fitri', 'Hendra', 'Indah', 'Joko', 'Kartini', 'Lestari', 'Made', 'Nur',
  'Putri', 'Sari', 'Teguh', 'Wahyu', 'Yohanes', 'Maria', 'Fauzi', 'Anita', 'Ratna', 'Bambang', 'Siti'];
const family = ['Santoso', 'Wijaya', 'Pratama', 'Hidayat', 'Siregar', 'Nainggolan', 'Saputra', 'Lestari', 'Kurniawan',
  'Rahmawati', 'Setiawan', 'Gunawan', 'Sitompul', 'Nugroho', 'Harahap', 'Simanjuntak', 'Purnomo', 'Susanti', 'Hakim'];
const titles = ['S.Pd., M.Pd.', 'S.E., M.Si.', 'S.Sos., M.AP.', 'S.T., M.T.', 'S.KM., M.Kes.', 'S.H., M.H.', 'S.STP., M.Si.'];

let serial = 0;
function official(birthYear) {
  serial += 1;
  const born = `${birthYear}${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  const appointed = `${birthYear + 23 + Math.floor(rand() * 5)}${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}`;
  const gender = rand() < 0.5 ? '1' : '2';
  const nip = `${born}${appointed}${gender}${String(serial % 1000).padStart(3, '0')}`;
  return { nip, name: `${pick(given)} ${pick(family)}, ${pick(titles)}`, email: `asn${serial}@${place.toLowerCase()}.example` };
}

// Units: name, abbreviation, the regency objective they serve, and the indicators they own.
const units = [
  ['dikbud', 'Dinas Pendidikan dan Kebudayaan', 'pendidikan', [
    ['Angka Partisipasi Kasar SMP/MTs', '%', 'up', 99.65], ['Angka putus sekolah SD/MI', '%', 'down', 0.25],
    ['Persentase guru bersertifikat pendidik', '%', 'up', 78]]],
  ['dinkes', 'Dinas Kesehatan', 'kesehatan', [
    ['Angka Kematian Ibu', 'per 100.000 KH', 'down', 180], ['Angka Kematian Bayi', 'per 1.000 KH', 'down', 12],
    ['Prevalensi stunting balita', '%', 'down', 18.5], ['Persentase persalinan di fasilitas kesehatan', '%', 'up', 95]]],
  ['pupr', 'Dinas Pekerjaan Umum dan Penataan Ruang', 'infrastruktur', [
    ['Persentase jalan kabupaten dalam kondisi mantap', '%', 'up', 72], ['Panjang jalan yang ditingkatkan', 'km', 'up', 35]]],
  ['pertanian', 'Dinas Pertanian dan Ketahanan Pangan', 'ekonomi', [
    ['Jumlah produksi padi', 'ton', 'up', 42000], ['Persentase petani menggunakan benih unggul', '%', 'up', 64]]],
  ['dukcapil', 'Dinas Kependudukan dan Pencatatan Sipil', 'pelayanan', [
    ['Persentase penduduk ber-KTP elektronik', '%', 'up', 98], ['Rata-rata waktu penerbitan akta kelahiran', 'hari', 'down', 3]]],
  ['bappeda', 'Badan Perencanaan Pembangunan Daerah', 'tata-kelola', [
    ['Persentase konsistensi program RPJMD dengan RKPD', '%', 'up', 95], ['Nilai AKIP Pemerintah Kabupaten', 'nilai', 'up', 70]]],
  ['bkpsdm', 'Badan Kepegawaian dan Pengembangan Sumber Daya Manusia', 'tata-kelola', [
    ['Persentase ASN yang mengisi e-Kinerja tepat waktu', '%', 'up', 95], ['Indeks Profesionalitas ASN', 'indeks', 'up', 71]]],
  ['inspektorat', 'Inspektorat Daerah', 'tata-kelola', [
    ['Persentase tindak lanjut temuan BPK', '%', 'up', 90], ['Jumlah temuan keuangan material', 'temuan', 'down', 4]]],
  ['dinsos', 'Dinas Sosial', 'kesejahteraan', [
    ['Persentase PMKS yang tertangani', '%', 'up', 80]]],
  ['dlh', 'Dinas Lingkungan Hidup', 'lingkungan', [
    ['Indeks Kualitas Lingkungan Hidup', 'indeks', 'up', 68], ['Persentase sampah yang tertangani', '%', 'up', 75]]],
];
const goals = {
  pendidikan: ['Meningkatnya kualitas pendidikan', 'Indeks Pendidikan', 'indeks', 'up', 0.62],
  kesehatan: ['Meningkatnya derajat kesehatan masyarakat', 'Usia Harapan Hidup', 'tahun', 'up', 70.9],
  infrastruktur: ['Meningkatnya kualitas infrastruktur wilayah', 'Persentase infrastruktur dalam kondisi baik', '%', 'up', 70],
  ekonomi: ['Meningkatnya pertumbuhan ekonomi daerah', 'Laju pertumbuhan ekonomi', '%', 'up', 5.1],
  pelayanan: ['Meningkatnya kualitas pelayanan publik', 'Indeks Kepuasan Masyarakat', 'indeks', 'up', 82],
  'tata-kelola': ['Terwujudnya tata kelola pemerintahan yang baik', 'Nilai SAKIP Kabupaten', 'nilai', 'up', 70],
  kesejahteraan: ['Menurunnya angka kemiskinan', 'Persentase penduduk miskin', '%', 'down', 6.8],
  lingkungan: ['Meningkatnya kualitas lingkungan hidup', 'Indeks Kualitas Lingkungan Hidup', 'indeks', 'up', 67],
};
const subunits = ['Sekretariat', 'Bidang Perencanaan dan Program', 'Bidang Pelayanan', 'Bidang Pembinaan', 'Bidang Pengendalian'];
const sections = ['Seksi Data dan Informasi', 'Seksi Pelaksanaan', 'Seksi Evaluasi', 'Subbagian Umum dan Kepegawaian', 'Subbagian Keuangan'];

const plan = { objectives: Object.entries(goals).map(([key, [text, name, unit, direction, target]]) =>
  ({ id: `S-${key}`, text, indicators: [{ id: `IKU-${key}`, name, unit, direction, target }] })) };

const positions = [];
const drafts = {};
const add = (p) => { positions.push(p); return p; };
const head = add({ id: 'bupati', title: `Bupati ${place}`, unit: null, parent: null, level: 'KEPALA_DAERAH',
  official: { nip: null, name: `${pick(given)} ${pick(family)}`, email: `bupati@${place.toLowerCase()}.example` } });
add({ id: 'sekda', title: 'Sekretaris Daerah', unit: 'setda', parent: head.id, level: 'JPT_MADYA', official: official(1968) });

function indicatorsFor(owner, parentIndicators, unitIndicators, depth) {
  return parentIndicators.slice(0, 3).map((parent, i) => {
    const base = unitIndicators[i % unitIndicators.length];
    const [name, unit, direction, target] = base;
    const scale = depth === 0 ? 1 : 0.3 + rand() * 0.5;
    const t = unit === '%' || unit === 'indeks' || unit === 'nilai' || unit.startsWith('per') || unit === 'hari'
      ? target : Math.max(1, round(target * scale, 1));
    return { id: `${owner}#${i + 1}`, name: depth === 0 ? name : `${name} (${['wilayah I', 'wilayah II', 'layanan'][i % 3]})`,
      unit, direction, target: t, parentIndicatorId: parent.id };
  });
}
// A budget line is named for what the level funds (DOMAIN, "The document" §5): a Kepala OPD's PK
// Programs, an eselon III's Kegiatan, an eselon IV's Sub-kegiatan (names after Permendagri 90/2019).
const budgetLines = {
  Program: ['Program Penunjang Urusan Pemerintahan Daerah', 'Program Peningkatan Kapasitas Pelayanan',
    'Program Pengelolaan dan Pengembangan', 'Program Pembinaan dan Pengawasan', 'Program Perencanaan dan Pengendalian Pembangunan'],
  Kegiatan: ['Perencanaan, Penganggaran, dan Evaluasi Kinerja Perangkat Daerah', 'Administrasi Umum Perangkat Daerah',
    'Penyediaan Layanan Publik Perangkat Daerah', 'Pembinaan dan Pengawasan Pelaksanaan Urusan', 'Penyediaan Data dan Informasi Perangkat Daerah'],
  'Sub-kegiatan': ['Penyusunan Dokumen Perencanaan Perangkat Daerah', 'Koordinasi dan Penyusunan Laporan Capaian Kinerja',
    'Penyediaan Bahan Logistik Kantor', 'Monitoring dan Evaluasi Pelaksanaan Kegiatan', 'Pengelolaan Data dan Informasi Layanan'],
};
function budgetFor(depth, kind = 'Program') {
  const n = depth === 0 ? 3 : 2;
  const names = budgetLines[kind];
  return Array.from({ length: n }, (_, i) => ({ program: names[(i + depth) % names.length],
    amount: round((depth === 0 ? 2e9 : 3e8) * (0.4 + rand() * 2), 1000) }));
}

const budgetUnits = units.map(([id, name]) => ({ id, name }));
const full = () => positions.length >= wanted;
// Three assistants under the Sekda oversee the units: they are a step on the escalation ladder.
const oversight = [['Asisten Pemerintahan dan Kesejahteraan Rakyat', ['dikbud', 'dinkes', 'dinsos', 'dukcapil']],
  ['Asisten Perekonomian dan Pembangunan', ['pupr', 'pertanian', 'dlh', 'bappeda']],
  ['Asisten Administrasi Umum', ['bkpsdm', 'inspektorat']]];
const sekdaDraft = () => ({ objectives: [{ text: 'Meningkatnya kualitas tata kelola pemerintahan daerah',
  indicators: [{ id: 'sekda#1', name: 'Nilai Reformasi Birokrasi', unit: 'nilai', direction: 'up', target: 65, parentIndicatorId: 'IKU-tata-kelola' }] }],
  budget: budgetFor(0) });
drafts.sekda = sekdaDraft();
for (const [i, [title, oversees]] of oversight.entries()) {
  if (full()) break;
  const a = add({ id: `asisten-${i + 1}`, title, unit: 'setda', parent: 'sekda', level: 'JPT_PRATAMA', oversees, official: official(1969) });
  drafts[a.id] = { objectives: [{ text: `Terkoordinasinya ${title.replace('Asisten ', '').toLowerCase()}`,
    indicators: [{ id: `asisten-${i + 1}#1`, name: 'Persentase rekomendasi koordinasi yang ditindaklanjuti', unit: '%', direction: 'up', target: 85, parentIndicatorId: 'sekda#1' }] }],
    budget: budgetFor(1) };
}
// Breadth first: every unit head, then every eselon III, then every eselon IV.
const heads = [];
for (const [key, name, goal, unitIndicators] of units) {
  if (full()) break;
  const kadis = add({ id: `kepala-${key}`, title: `Kepala ${name}`, unit: key, parent: head.id, level: 'JPT_PRATAMA', official: official(1970) });
  const goalIndicator = plan.objectives.find((o) => o.id === `S-${goal}`).indicators[0];
  drafts[kadis.id] = { objectives: [{ text: goals[goal][0].replace('Meningkatnya', 'Meningkatnya kinerja'),
    indicators: indicatorsFor(`kepala-${key}`, Array(3).fill(goalIndicator), unitIndicators, 0) }],
    budget: budgetFor(0) };
  heads.push([kadis, unitIndicators]);
}
const thirds = [];
for (const [si, sub] of subunits.entries()) {
  for (const [kadis, unitIndicators] of heads) {
    if (full()) break;
    const kabid = add({ id: `${kadis.unit}-e3-${si + 1}`, title: sub.startsWith('Sekretariat') ? 'Sekretaris' : `Kepala ${sub}`,
      unit: kadis.unit, parent: kadis.id, level: 'ADMINISTRATOR', official: official(1975) });
    const parentInds = drafts[kadis.id].objectives[0].indicators;
    drafts[kabid.id] = { objectives: [{ text: `Meningkatnya kinerja ${sub.toLowerCase()}`,
      indicators: indicatorsFor(kabid.id, [parentInds[si % parentInds.length]], unitIndicators, 1) }], budget: budgetFor(1, 'Kegiatan') };
    thirds.push([kabid, unitIndicators, si]);
  }
}
for (let ki = 0; ki < sections.length; ki += 1) {
  for (const [kabid, unitIndicators, si] of thirds) {
    if (full()) break;
    if (ki >= 2 + (si % 3)) continue;
    const sec = sections[ki];
    const kasi = add({ id: `${kabid.id}-e4-${ki + 1}`, title: `Kepala ${sec}`, unit: kabid.unit, parent: kabid.id, level: 'PENGAWAS', official: official(1980) });
    drafts[kasi.id] = { objectives: [{ text: `Terlaksananya kegiatan ${sec.toLowerCase()}`,
      indicators: indicatorsFor(kasi.id, [drafts[kabid.id].objectives[0].indicators[0]], unitIndicators, 2) }], budget: budgetFor(2, 'Sub-kegiatan') };
  }
}
// Beyond the named positions, staff the sections: more Pengawas under each Administrator and
// Pelaksana (staff) under each Pengawas, round robin, until the size asked for is reached.
let extra = 0;
while (positions.length < wanted) {
  const supervisors = positions.filter((p) => p.level === 'ADMINISTRATOR' || p.level === 'PENGAWAS');
  const before = positions.length;
  for (const parent of supervisors) {
    if (full()) break;
    const staff = parent.level === 'PENGAWAS' || rand() < 0.7;
    const id = `${parent.id}-${staff ? 's' : 'e4'}${(extra += 1)}`;
    const p = add({ id, title: staff ? `Pelaksana pada ${parent.title.replace(/^Kepala /, '')}` : `Kepala Seksi ${extra}`,
      unit: parent.unit, parent: parent.id, level: staff ? 'PELAKSANA' : 'PENGAWAS', official: official(1985) });
    const parentIndicator = drafts[parent.id].objectives[0].indicators[0];
    drafts[id] = { objectives: [{ text: `Mendukung ${drafts[parent.id].objectives[0].text.toLowerCase()}`,
      indicators: indicatorsFor(id, [parentIndicator], [[parentIndicator.name.replace(/ \(.*\)$/, ''), parentIndicator.unit,
        parentIndicator.direction, parentIndicator.target]], 2) }], budget: staff ? [] : budgetFor(2, 'Sub-kegiatan') };
  }
  if (positions.length === before) break;
}

const out = { organisation: { id: `kab-${place.toLowerCase()}`, name: `Pemerintah Kabupaten ${place}`, place },
  year, units: [{ id: 'setda', name: 'Sekretariat Daerah' }, ...budgetUnits], positions, plan, drafts };
process.stdout.write(JSON.stringify(out, null, 1) + '\n');
