// The page's entry point: a hash router (#/…) over the views, and the navigation for the role.
import { h, replace } from './dom.js';
import { get } from './api.js';
import { session } from './session.js';
import { errorMessage } from './format.js';
import { notice } from './ui.js';
import { renderInbox } from './views/inbox.js';
import { renderAgreement } from './views/agreement.js';
import { renderDraft } from './views/draft.js';
import { renderSign } from './views/sign.js';
import { renderReport } from './views/report.js';
import { renderTimeline } from './views/timeline.js';
import { renderDashboard } from './views/dashboard.js';
import { renderVerify } from './views/verify.js';
import { renderVerifyUpload } from './views/verify-upload.js';
import { renderImport } from './views/import.js';
import { renderTree } from './views/tree.js';
import { renderRating } from './views/rating.js';
import { renderDeadNotifications } from './views/dead-notifications.js';

const ROUTES = [
  [/^\/$/, renderInbox],
  [/^\/pk\/([^/]+)$/, renderAgreement],
  [/^\/pk\/([^/]+)\/draf$/, renderDraft],
  [/^\/pk\/([^/]+)\/tanda-tangan$/, renderSign],
  [/^\/pk\/([^/]+)\/laporan\/([1-4])$/, renderReport],
  [/^\/pk\/([^/]+)\/linimasa$/, renderTimeline],
  [/^\/pk\/([^/]+)\/penilaian$/, renderRating],
  [/^\/dasbor$/, renderDashboard],
  [/^\/dasbor\/([^/]+)$/, renderDashboard],
  // public: the QR code on a PK, and the upload of a received PDF
  [/^\/verify\/([^/]+)$/, renderVerify, { public: true }],
  [/^\/verifikasi$/, renderVerifyUpload, { public: true }],
  [/^\/impor$/, renderImport],
  [/^\/pohon\/([^/]+)$/, renderTree],
  [/^\/notifikasi-gagal$/, renderDeadNotifications],
];

function parseHash() {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path, query = ''] = raw.split('?');
  return { path, query: new URLSearchParams(query) };
}

async function whoAmI() {
  if (!session.current && !(await session.load())) return null;
  session.me ??= await get('/api/me');
  return session.me;
}

/** Signed in, but Kinerja knows no position of theirs in any cycle: say so rather than show an empty inbox. */
function renderNoPosition(main, me) {
  replace(main, h('section', { class: 'card narrow', 'data-testid': 'no-position' },
    h('h1', null, 'Belum ada jabatan'),
    h('p', null, `Anda masuk sebagai ${me.nip ? `NIP ${me.nip}` : me.id}, tetapi Anda belum tercatat memegang jabatan pada siklus Perjanjian Kinerja mana pun, dan tidak memiliki peran administrator atau tim evaluasi.`),
    h('p', null, 'Jika ini keliru, hubungi administrator Kinerja di instansi Anda.')));
}

function renderNav(me) {
  const nav = document.getElementById('nav');
  if (!me) return replace(nav, h('a', { href: '#/verifikasi' }, 'Verifikasi dokumen'), h('a', { href: '/auth/login' }, 'Masuk'));
  const who = me.role === 'official' ? (me.positions[me.positions.length - 1]?.title ?? (me.nip ? `NIP ${me.nip}` : me.id)) : me.role === 'evaluator' ? 'Tim Evaluasi' : 'Administrator';
  replace(nav,
    me.role === 'official' ? h('a', { href: '#/' }, 'Kotak tugas') : null,
    me.role !== 'official' ? h('a', { href: '#/dasbor' }, 'Dasbor') : null,
    me.role === 'admin' ? h('a', { href: '#/impor' }, 'Impor organisasi') : null,
    me.role === 'admin' ? h('a', { href: '#/notifikasi-gagal' }, 'Notifikasi gagal') : null,
    me.role === 'evaluator' ? h('a', { href: '#/' }, 'Tugas evaluasi') : null,
    h('a', { href: '#/verifikasi' }, 'Verifikasi dokumen'),
    h('span', { class: 'who', 'data-testid': 'who' }, who),
    h('button', { type: 'button', class: 'link', 'data-testid': 'sign-out', onclick: () => session.signOut() }, 'Keluar'));
}

let renderSeq = 0;

async function route() {
  const seq = ++renderSeq;
  const main = document.getElementById('main');
  const { path, query } = parseHash();
  // e-mails sent before 2026-12-01 linked a PK as #/agreements/ID: they still open it
  const legacy = /^\/agreements\/([^/]+)$/.exec(path);
  if (legacy) {
    location.replace(`#/pk/${legacy[1]}`);
    return;
  }
  const found = ROUTES.map(([re, view, opts]) => [re.exec(path), view, opts ?? {}]).find(([m]) => m);
  if (!found) return replace(main, notice('error', 'Halaman tidak ditemukan.'), h('a', { href: '#/' }, 'Kembali'));
  const [match, view, opts] = found;
  try {
    const me = await whoAmI();
    if (seq !== renderSeq) return;
    renderNav(me);
    // public views (the QR code's report, the upload of a received PDF) need no sign-in
    if (!me && !opts.public) return session.signIn(); // to the organisation's sign-in (OpenID Connect), then back here
    // no position: no inbox to show; a PK's own link still opens (a replaced official reads what they signed)
    if (me && me.role === 'official' && me.positions.length === 0 && path === '/') return renderNoPosition(main, me);
    if (me && path === '/' && me.role === 'admin') {
      location.hash = '#/dasbor';
      return;
    }
    // Each navigation renders into a container of its own: a slower view that finishes after the
    // person moved on writes into its detached container, never over the newer view.
    const container = h('div', { class: 'view' });
    replace(main, container);
    replace(container, h('p', { class: 'muted' }, 'Memuat…'));
    const params = match.slice(1).map(decodeURIComponent);
    await view(container, { params, query, me, isCurrent: () => seq === renderSeq });
    if (seq === renderSeq) main.dataset.view = view.name;
  } catch (err) {
    if (seq !== renderSeq) return;
    if (err.status === 401) return; // api.js sent the person to sign in again
    replace(main, notice('error', errorMessage(err)));
  }
}

window.addEventListener('hashchange', route);
route();
