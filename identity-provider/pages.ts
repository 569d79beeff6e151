// The embedded provider's own pages (sign-in, set password, sign-out), in Bahasa Indonesia, plain
// HTML forms with inline styles only from a nonce'd <style>, no script but the sign-out's submit.
const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE = `body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#1c2530}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font-size:1rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.2rem;font-size:1rem;background:#0b5394;color:#fff;border:0;border-radius:4px}
.error{background:#fde8e8;color:#8a1c1c;padding:.6rem;border-radius:4px}.muted{color:#5a6570;font-size:.9rem}`;

export function page(title: string, body: string, nonce: string): string {
  return `<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — Kinerja</title><style nonce="${nonce}">${STYLE}</style></head><body>${body}</body></html>`;
}

export function loginForm(action: string, nonce: string, opts: { username?: string; error?: string } = {}): string {
  return page('Masuk', `<h1>Masuk ke Kinerja</h1>
${opts.error ? `<p class="error" role="alert" data-testid="login-error">${escape(opts.error)}</p>` : ''}
<form method="post" action="${escape(action)}" data-testid="idp-login">
<label for="username">NIP atau ID pengguna</label>
<input id="username" name="username" autocomplete="username" required autofocus value="${escape(opts.username ?? '')}">
<label for="password">Kata sandi</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Masuk</button></form>
<p class="muted">Belum punya kata sandi? Minta tautan undangan kepada administrator.</p>`, nonce);
}

export function setPasswordForm(action: string, accountId: string, nonce: string, error?: string): string {
  return page('Atur kata sandi', `<h1>Atur kata sandi</h1><p>Akun: <strong>${escape(accountId)}</strong></p>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="${escape(action)}" data-testid="idp-set-password">
<label for="password">Kata sandi baru (minimal 10 karakter)</label>
<input id="password" name="password" type="password" autocomplete="new-password" required>
<label for="confirmation">Ulangi kata sandi</label>
<input id="confirmation" name="confirmation" type="password" autocomplete="new-password" required>
<button type="submit">Simpan</button></form>`, nonce);
}

/** The OIDC error codes a person can meet here, said as what to do; others get the general sentence. */
const OIDC_ERROR: Record<string, string> = {
  invalid_request: 'Permintaan masuk tidak lengkap atau kedaluwarsa; mulai lagi dari halaman Kinerja.',
  invalid_grant: 'Permintaan masuk sudah kedaluwarsa atau sudah dipakai; mulai lagi dari halaman Kinerja.',
  access_denied: 'Masuk dibatalkan atau ditolak; mulai lagi dari halaman Kinerja.',
  login_required: 'Anda perlu masuk lagi; mulai lagi dari halaman Kinerja.',
  consent_required: 'Anda perlu masuk lagi; mulai lagi dari halaman Kinerja.',
  interaction_required: 'Anda perlu masuk lagi; mulai lagi dari halaman Kinerja.',
  invalid_client: 'Aplikasi yang meminta masuk tidak dikenal layanan masuk; hubungi administrator Kinerja.',
  unauthorized_client: 'Aplikasi yang meminta masuk tidak dikenal layanan masuk; hubungi administrator Kinerja.',
  invalid_redirect_uri: 'Alamat tujuan setelah masuk tidak terdaftar; hubungi administrator Kinerja.',
  server_error: 'Layanan masuk sedang bermasalah; coba lagi sebentar lagi.',
  temporarily_unavailable: 'Layanan masuk sedang bermasalah; coba lagi sebentar lagi.',
};

/** The provider's error page: a sentence in Bahasa Indonesia, the OIDC code only in small print (for a help desk). */
export function errorPage(error: unknown, home: string, nonce: string): string {
  const code = String(error).replace(/[^a-z_]/g, '');
  const text = OIDC_ERROR[code] ?? 'Permintaan masuk tidak dapat diproses; mulai lagi dari halaman Kinerja.';
  return page('Kesalahan', `<h1>Permintaan masuk tidak dapat diproses</h1><p data-testid="idp-error">${escape(text)}</p>
${code ? `<p class="muted"><small>(kode: ${code})</small></p>` : ''}<p><a href="${escape(home)}">Kembali ke Kinerja</a></p>`, nonce);
}

export const message = (title: string, text: string, nonce: string, link?: { href: string; label: string }) =>
  page(title, `<h1>${escape(title)}</h1><p>${escape(text)}</p>${link ? `<p><a href="${escape(link.href)}">${escape(link.label)}</a></p>` : ''}`, nonce);

/**
 * RP-initiated logout of a person signed in here: the provider's form, submitted at once when
 * Kinerja sent them with their ID token as the hint (they chose to sign out there); otherwise they
 * confirm with the button, so another site cannot sign them out by sending their browser here.
 */
export function logoutPage(form: string, nonce: string, fromKinerja: boolean): string {
  return page('Keluar', `<h1>Keluar dari Kinerja</h1>${form}<button type="submit" form="op.logoutForm" name="logout" value="yes" data-testid="idp-logout">Keluar</button>
${fromKinerja ? `<script nonce="${nonce}">document.querySelector('button[name=logout]').click()</script>` : ''}`, nonce);
}
