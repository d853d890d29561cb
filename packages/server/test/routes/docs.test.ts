// routes/docs.ts on its own: Swagger UI from the package on disk (no CDN), the document it is
// handed, and nothing else under /docs.
import { describe, expect, it } from 'vitest';
import { createDocsRouter } from '../../src/routes/docs.js';
import { serveRouter } from '../support/route-app.js';

describe('routes/docs.ts', () => {
  it('serves / → /docs, the page, its own assets, and the OpenAPI document it is given', async () => {
    const doc = { openapi: '3.0.3', info: { title: 'x' } };
    const served = await serveRouter(createDocsRouter(() => doc));
    const get = (path: string) => fetch(`${served.base}${path}`, { redirect: 'manual' });
    try {
      const root = await get('/');
      expect([root.status, root.headers.get('location')]).toEqual([302, '/docs']);
      for (const path of ['/docs', '/docs/']) {
        const page = await get(path);
        expect([page.status, page.headers.get('content-type')]).toEqual([200, 'text/html; charset=utf-8']);
        // Every script and style is this server's own: no CDN.
        expect(await page.text()).not.toMatch(/https?:\/\//);
      }
      const css = await get('/docs/swagger-ui.css');
      expect([css.status, css.headers.get('cache-control')]).toEqual([200, 'public, max-age=86400']);
      for (const path of ['/docs/index.html', '/docs/..%2Fpackage.json']) {
        const res = await get(path);
        expect([path, res.status, ((await res.json()) as any).error.code]).toEqual([path, 404, 'not_found']);
      }
      const openapi = await get('/openapi.json');
      expect([openapi.status, await openapi.json()]).toEqual([200, doc]);
    } finally {
      await served.close();
    }
  });
});
