// The signed-in session lives in an HttpOnly cookie the page cannot read; the page keeps only what
// /auth/session tells it: who is signed in and the CSRF token its changes must carry.
export const session = {
  /** { role, id, nip, csrfToken, csrfHeader } once loaded; null when not signed in. */
  current: null,
  /** GET /api/me, cached for the page's life. */
  me: null,
  csrfHeaders() {
    return session.current ? { [session.current.csrfHeader]: session.current.csrfToken } : {};
  },
  /** To the provider's sign-in, coming back to this hash route. */
  signIn(next = location.hash || '#/') {
    location.assign(`/auth/login?next=${encodeURIComponent(next.startsWith('#/') ? next : '#/')}`);
  },
  async load() {
    const res = await fetch('/auth/session', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
    session.current = res.ok ? await res.json() : null;
    return session.current;
  },
  /** Ends the session here, then at the provider (RP-initiated logout) when it offers that. */
  async signOut() {
    const res = await fetch('/auth/logout', { method: 'POST', headers: { accept: 'application/json', ...session.csrfHeaders() }, credentials: 'same-origin' });
    const answer = res.ok ? await res.json() : { redirectTo: '/' };
    session.current = null;
    session.me = null;
    location.assign(answer.redirectTo ?? '/');
  },
};
