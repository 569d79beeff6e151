// Charts drawn as inline SVG: horizontal bars (grouped by series) and stacked bars. Horizontal so
// long unit names stay readable on a phone; the SVG scales to its container through its viewBox.
import { h, s } from './dom.js';

const VALUE = 64;
/** Drawn at about the size it is shown (a phone gets a narrower drawing), so text stays ~12px. */
function dims() {
  const width = Math.round(Math.min(640, Math.max(300, window.innerWidth - 72)));
  return { WIDTH: width, LABEL: Math.round(width * 0.4) };
}
const BAR = 14;
const GAP = 4;
const GROUP_GAP = 12;

function legend(series) {
  return h('ul', { class: 'legend' }, series.map((x, k) => h('li', null, h('span', { class: `swatch s${x.cls ?? k}` }), x.name)));
}

function cut(text, max) {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * groups: [{ label, values: [number|null per series] }], series: [{ name, cls? }].
 * A null value is drawn as "—" with no bar (not assessed is not 0).
 */
export function barGroups({ title, groups, series, max, format = String, testid }) {
  const { WIDTH, LABEL } = dims();
  const top = Math.max(max ?? 0, ...groups.flatMap((g) => g.values.filter((v) => v !== null && v !== undefined)), 1);
  const area = WIDTH - LABEL - VALUE;
  const groupHeight = series.length * (BAR + GAP) - GAP;
  const height = groups.length * (groupHeight + GROUP_GAP) + GROUP_GAP;
  const rows = groups.map((g, gi) => {
    const y0 = GROUP_GAP + gi * (groupHeight + GROUP_GAP);
    return s('g', { class: 'group' },
      s('text', { x: LABEL - 8, y: y0 + groupHeight / 2, class: 'axis-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, s('title', null, g.label), cut(g.label, Math.floor((LABEL - 8) / 6.6))),
      g.values.map((v, si) => {
        const y = y0 + si * (BAR + GAP);
        const w = v === null || v === undefined ? 0 : Math.max(1, (v / top) * area);
        return s('g', null,
          s('rect', { x: LABEL, y, width: w, height: BAR, class: `bar s${series[si].cls ?? si}`, 'data-value': v ?? '' }, s('title', null, `${g.label} · ${series[si].name}: ${v === null || v === undefined ? '—' : format(v)}`)),
          s('text', { x: LABEL + w + 4, y: y + BAR / 2, class: 'value-label', 'dominant-baseline': 'middle' }, v === null || v === undefined ? '—' : format(v)));
      }));
  });
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${Math.max(height, 30)}`, class: 'chart', width: WIDTH, role: 'img', 'aria-label': title },
    s('title', null, title),
    s('line', { x1: LABEL, x2: LABEL, y1: 0, y2: height, class: 'axis' }),
    rows);
  return h('figure', { class: 'chart-figure', 'data-testid': testid }, h('figcaption', null, title), series.length > 1 ? legend(series) : null,
    groups.length ? svg : h('p', { class: 'muted' }, 'Belum ada data.'));
}

/** rows: [{ label, parts: [number per key] }], keys: [{ name, cls }]: each row one bar split by key. */
export function stackedBars({ title, rows, keys, testid }) {
  const { WIDTH, LABEL } = dims();
  const area = WIDTH - LABEL - VALUE;
  const height = rows.length * (BAR + GROUP_GAP) + GROUP_GAP;
  const svg = s('svg', { viewBox: `0 0 ${WIDTH} ${Math.max(height, 30)}`, class: 'chart', width: WIDTH, role: 'img', 'aria-label': title },
    s('title', null, title),
    rows.map((r, ri) => {
      const total = r.parts.reduce((a, b) => a + b, 0) || 1;
      const y = GROUP_GAP + ri * (BAR + GROUP_GAP);
      let x = LABEL;
      return s('g', null,
        s('text', { x: LABEL - 8, y: y + BAR / 2, class: 'axis-label', 'text-anchor': 'end', 'dominant-baseline': 'middle' }, s('title', null, r.label), cut(r.label, Math.floor((LABEL - 8) / 6.6))),
        r.parts.map((n, k) => {
          const w = (n / total) * area;
          const rect = n > 0 ? s('rect', { x, y, width: w, height: BAR, class: `bar s${keys[k].cls ?? k}` }, s('title', null, `${r.label} · ${keys[k].name}: ${n}`)) : null;
          x += w;
          return rect;
        }),
        s('text', { x: LABEL + area + 4, y: y + BAR / 2, class: 'value-label', 'dominant-baseline': 'middle' }, String(r.parts.reduce((a, b) => a + b, 0))));
    }));
  return h('figure', { class: 'chart-figure', 'data-testid': testid }, h('figcaption', null, title), legend(keys), rows.length ? svg : h('p', { class: 'muted' }, 'Belum ada data.'));
}
