import path from 'node:path';
import { createRequire } from 'node:module';
import type Router from '@koa/router';
import { notFound } from '../errors.js';
import { sendFile } from '../static/send-file.js';
import { createRouter, routerPath, type RouteSpec } from './route-spec.js';

/** Swagger UI from the swagger-ui-dist package in node_modules: no CDN, works offline. */
const SWAGGER_DIR = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const SWAGGER_FILES = new Set(['swagger-ui.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-16x16.png', 'favicon-32x32.png', 'swagger-ui.css.map', 'swagger-ui-bundle.js.map']);

export const docsRouteSpecs = {
  docs: {
    method: 'get',
    path: '/docs',
    operationId: 'docs',
    summary: 'Interactive API documentation (Swagger UI)',
    tags: ['docs'],
    secured: false,
    responses: { 200: { description: 'Swagger UI page', kind: 'html' } },
  },
  openapi: {
    method: 'get',
    path: '/openapi.json',
    operationId: 'openapi',
    summary: 'This OpenAPI document',
    tags: ['docs'],
    secured: false,
    responses: { 200: { description: 'OpenAPI 3.0 document', kind: 'json' } },
  },
  root: {
    method: 'get',
    path: '/',
    operationId: 'root',
    summary: 'Redirects to /docs',
    tags: ['docs'],
    secured: false,
    responses: { 302: { description: 'Redirect to /docs', kind: 'redirect' } },
  },
} as const satisfies Record<string, RouteSpec>;

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Facecraft API</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });
  </script>
</body>
</html>
`;

export function createDocsRouter(openapi: () => unknown): Router {
  const router = createRouter();
  router.get(routerPath(docsRouteSpecs.root), (ctx) => {
    ctx.redirect('/docs');
  });
  for (const p of ['/docs', '/docs/']) {
    router.get(p, (ctx) => {
      ctx.type = 'text/html; charset=utf-8';
      ctx.set('Cache-Control', 'no-cache');
      ctx.body = PAGE;
    });
  }
  router.get('/docs/:asset', async (ctx) => {
    const asset = ctx.params.asset as string;
    if (!SWAGGER_FILES.has(asset) || !(await sendFile(ctx, path.join(SWAGGER_DIR, asset), { 'Cache-Control': 'public, max-age=86400' }))) {
      throw notFound('not_found', 'No such documentation file');
    }
  });
  router.get(routerPath(docsRouteSpecs.openapi), (ctx) => {
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = openapi();
  });
  return router;
}
