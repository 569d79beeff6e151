// The OpenAPI document and a Swagger UI page served from swagger-ui-dist (no CDN), under their own
// Content-Security-Policy (api/security-headers.ts).
import express, { Router } from 'express';

// swagger-ui-dist ships no types; this is all we use of it.
const { getAbsoluteFSPath } = require('swagger-ui-dist') as { getAbsoluteFSPath(): string };

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Kinerja API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

/**
 * The docs share the page's origin, so Swagger UI must not keep a bearer token in localStorage
 * (where any script of the origin could read it long after): an authorization lasts for the tab.
 */
export const SWAGGER_UI_OPTIONS = { url: '/api/openapi.json', dom_id: '#swagger-ui', persistAuthorization: false } as const;

const INIT = `window.ui = SwaggerUIBundle(${JSON.stringify(SWAGGER_UI_OPTIONS)});`;

export function docsRoutes(document: () => unknown): Router {
  const router = Router();
  router.get('/api/openapi.json', (_req, res) => res.json(document()));
  router.get('/api/docs', (_req, res) => res.type('html').send(PAGE));
  router.get('/api/docs/init.js', (_req, res) => res.type('application/javascript').send(INIT));
  router.use('/api/docs/assets', express.static(getAbsoluteFSPath(), { index: false, maxAge: '1h' }));
  return router;
}
