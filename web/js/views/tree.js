// The performance tree (pohon kinerja) of a cycle for the evaluation team: the IKU Pemda, the
// Kepala Daerah's PK, then one folding section per unit. A unit's PKs are fetched when it is first
// unfolded, so a regency of 10,000 positions opens with its units only. Each PK shows its official,
// phase and capaian to date; each indicator the superior indicator it serves, and a gap mark when
// no subordinate serves it.
import { h, replace } from '../dom.js';
import { enc, get } from '../api.js';
import { errorMessage, fmtNumber, fmtPercent, ROMAN } from '../format.js';
import { downloadButton, notice, phaseBadge, section } from '../ui.js';

const gapBadge = () => h('span', { class: 'badge gap', 'data-testid': 'gap' }, 'Celah: belum diturunkan');

function indicatorItem(i) {
  return h('li', { class: i.gap ? 'indicator is-gap' : 'indicator', 'data-indicator': i.id },
    h('span', null, i.name),
    h('span', { class: 'muted small' }, ` · target ${fmtNumber(i.target)} ${i.unit}`),
    i.additionalTask ? h('span', { class: 'badge' }, 'Tugas tambahan') : i.parentIndicatorId ? h('span', { class: 'muted small', 'data-testid': 'serves' }, ` · mendukung ${i.parentIndicatorName ?? i.parentIndicatorId}`) : null,
    i.capaian !== null && i.capaian !== undefined ? h('span', { class: 'small' }, ` · capaian ${fmtPercent(i.capaian)}`) : null,
    i.gap ? gapBadge() : null);
}

function nodeItem(node, childrenOf) {
  const children = childrenOf.get(node.positionId) ?? [];
  return h('li', { class: 'tree-node', 'data-position': node.positionId },
    h('div', { class: 'tree-pk' },
      h('a', { href: `#/pk/${enc(node.agreementId)}` }, node.title),
      h('span', { class: 'muted' }, ` — ${node.official.name}`),
      phaseBadge(node.phase),
      h('span', { class: 'small' }, node.capaian === null ? ' belum ada laporan' : ` capaian s.d. TW ${ROMAN[Math.max(...node.reportedQuarters) - 1]}: ${fmtPercent(node.capaian)}`)),
    node.indicators.length ? h('ul', { class: 'indicators' }, node.indicators.map(indicatorItem)) : h('p', { class: 'muted small' }, 'Belum ada isi PK.'),
    children.length ? h('ul', { class: 'tree' }, children.map((c) => nodeItem(c, childrenOf))) : null);
}

/** The unit's PKs nested by superior; a PK whose superior is in another unit starts a branch. */
function nodeList(nodes) {
  const here = new Set(nodes.map((n) => n.positionId));
  const childrenOf = new Map();
  for (const n of nodes) if (here.has(n.parentId)) (childrenOf.get(n.parentId) ?? childrenOf.set(n.parentId, []).get(n.parentId)).push(n);
  return h('ul', { class: 'tree' }, nodes.filter((n) => !here.has(n.parentId)).map((n) => nodeItem(n, childrenOf)));
}

function unitSection(cycleId, unit) {
  const body = h('div', { class: 'tree-unit-body' }, h('p', { class: 'muted' }, 'Memuat…'));
  const details = h('details', { class: 'tree-unit', 'data-unit': unit.unitId },
    h('summary', null, unit.unitName, h('span', { class: 'muted small' }, ` · ${unit.agreements} PK`),
      unit.gaps ? h('span', { class: 'badge gap', 'data-testid': 'unit-gaps' }, `${unit.gaps} celah`) : null),
    body);
  let loaded = false;
  details.addEventListener('toggle', async () => {
    if (!details.open || loaded) return;
    loaded = true;
    try {
      const tree = await get(`/api/cycles/${enc(cycleId)}/tree/${enc(unit.unitId)}`);
      replace(body, nodeList(tree.nodes));
    } catch (err) {
      loaded = false;
      replace(body, notice('error', errorMessage(err)));
    }
  });
  return details;
}

// an Excel file in Bahasa Indonesia for people, named as the server names it; the API's ?format=csv stays for machines
const gapXlsxButton = (cycleId, status) => downloadButton('Unduh daftar celah (Excel)', `/api/cycles/${enc(cycleId)}/gaps?format=xlsx`,
  'celah-pohon-kinerja.xlsx', status, { 'data-testid': 'gaps-xlsx' });

export async function renderTree(main, { params }) {
  const cycleId = params[0];
  const tree = await get(`/api/cycles/${enc(cycleId)}/tree`);
  const status = h('div', { class: 'status' });
  const childrenOfTop = new Map();
  replace(main,
    h('div', { class: 'dash-head' }, h('h1', null, `Pohon kinerja ${tree.organisationName} — Tahun ${tree.year}`),
      h('a', { href: `#/dasbor/${enc(cycleId)}` }, 'Kembali ke dasbor'), gapXlsxButton(cycleId, status)),
    status,
    h('p', { 'data-testid': 'tree-gaps' }, tree.gaps.total
      ? `${tree.gaps.total} indikator atasan belum didukung indikator bawahan mana pun (celah).`
      : 'Semua indikator atasan sudah didukung indikator bawahan.'),
    section('IKU Pemda',
      h('ul', { class: 'indicators', 'data-testid': 'plan' }, tree.plan.flatMap((o) => o.indicators.map((i) => indicatorItem({ ...i, capaian: null })))),
      tree.top.length ? h('ul', { class: 'tree' }, tree.top.map((n) => nodeItem(n, childrenOfTop))) : null),
    section('Per unit', h('div', { 'data-testid': 'tree-units' }, tree.units.map((u) => unitSection(cycleId, u)))));
}
