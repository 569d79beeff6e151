// A plain page in the app's look, in Bahasa Indonesia, for what a browser reaches outside the app
// itself: a sign-in that cannot go on, an address that does not exist. API clients get problem
// documents instead; these are top-level navigations.
import type { Response } from 'express';

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export function htmlPage(res: Response, status: number, title: string, text: string, link: { href: string; label: string }, testId = 'page-problem'): void {
  res.status(status).type('html').setHeader('Cache-Control', 'no-store');
  res.send(`<!doctype html><html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)} — Kinerja</title><link rel="stylesheet" href="/css/app.css"></head>
<body><main id="main"><section class="card narrow" data-testid="${escape(testId)}"><h1>${escape(title)}</h1><p>${escape(text)}</p>
<p><a href="${escape(link.href)}">${escape(link.label)}</a></p></section></main></body></html>`);
}
