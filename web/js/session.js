// The bearer token lives in sessionStorage: it ends with the tab, and is never put in a URL.
const KEY = 'kinerja.token';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  signIn: (token) => sessionStorage.setItem(KEY, token.trim()),
  signOut: () => {
    sessionStorage.removeItem(KEY);
    session.me = null;
  },
  /** GET /api/me, cached for the tab after sign-in. */
  me: null,
};
