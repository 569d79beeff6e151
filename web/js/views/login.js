// Sign in by pasting a token from `kinerja token` (or the organisation's SSO, which issues the same token).
import { h, replace } from '../dom.js';
import { get } from '../api.js';
import { session } from '../session.js';
import { errorMessage } from '../format.js';
import { notice } from '../ui.js';

export async function renderLogin(main, { query }) {
  const status = h('div', { class: 'status' });
  const input = h('textarea', { id: 'token', name: 'token', rows: 4, required: true, autocomplete: 'off', spellcheck: 'false', placeholder: 'eyJhbGciOi…' });
  const form = h('form', { class: 'card narrow', 'data-testid': 'login' },
    h('h1', null, 'Masuk'),
    h('p', null, 'Tempelkan token akses Anda. Token diberikan oleh administrator (perintah ', h('code', null, 'kinerja token'), ') atau oleh layanan SSO instansi.'),
    h('label', { for: 'token' }, 'Token akses'),
    input,
    h('button', { type: 'submit', class: 'primary' }, 'Masuk'),
    status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    session.signOut();
    session.signIn(input.value);
    try {
      session.me = await get('/api/me');
      const next = query.get('lanjut');
      location.hash = next && next.startsWith('#/') && !next.startsWith('#/masuk') ? next : session.me.role === 'official' ? '#/' : '#/dasbor';
    } catch (err) {
      session.signOut();
      replace(status, notice('error', errorMessage(err)));
    }
  });
  replace(main, form);
  input.focus();
}
