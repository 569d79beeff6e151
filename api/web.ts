// The page officials and evaluators use (web/): static files with no build step, served at `/`
// with strict security headers (api/security-headers.ts). The page computes capaian as officials type with the very module
// the evaluation uses: domain/achievement.ts and domain/predicates.ts are pure (no imports but
// types), so they are transpiled once at start-up (esbuild, already installed with tsx; types are
// only stripped) and served as ES modules under /lib/. One source of the rules, no browser fork,
// and no round trip per keystroke, which a preview endpoint would need. Likewise the limits and the
// time zones' names (domain/limits.ts, domain/time-zones.ts), which the page and the API share.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express, { Router } from 'express';
import { transformSync } from 'esbuild';

const WEB_DIR = path.join(__dirname, '..', 'web');
const DOMAIN_DIR = path.join(__dirname, '..', 'domain');
/** Domain modules the browser may import; each must be pure (only `import type`). */
const SHARED_MODULES = ['achievement', 'predicates', 'limits', 'budget-line-kind', 'time-zones', 'labels', 'escalation-level'] as const;

function sharedModules(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of SHARED_MODULES) {
    const source = readFileSync(path.join(DOMAIN_DIR, `${name}.ts`), 'utf8');
    if (/^import (?!type )/m.test(source)) throw new Error(`domain/${name}.ts imports values; the browser copy would not load`);
    const { code } = transformSync(source, { loader: 'ts', format: 'esm', target: 'es2020', sourcefile: `domain/${name}.ts` });
    out.set(`/lib/${name}.js`, `// Generated from domain/${name}.ts at start-up; do not edit.\n${code}`);
  }
  return out;
}

export function webRoutes(): Router {
  const router = Router();
  const modules = sharedModules();
  // /api (and its 404) is not the page's business
  router.use((req, _res, next) => (req.path === '/api' || req.path.startsWith('/api/') ? next('router') : next()));
  router.get('/lib/:file', (req, res, next) => {
    const code = modules.get(req.path);
    if (code === undefined) return next();
    res.type('application/javascript').setHeader('Cache-Control', 'no-cache').send(code);
  });
  // browsers and tools that ask for the conventional icon without reading the page get the page's
  router.get('/favicon.ico', (_req, res) => res.redirect(301, '/favicon.svg'));
  router.use(express.static(WEB_DIR, { index: 'index.html', maxAge: 0, etag: true, lastModified: true, fallthrough: true }));
  return router;
}
