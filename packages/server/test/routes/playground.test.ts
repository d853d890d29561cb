// routes/playground.ts: the built page with cross-origin isolation, index.html for client
// routes, and only the models the manifest lists; a clear 404 when nothing was built.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playground } from '../../src/routes/playground.js';
import { serveRoutes } from '../support/route-app.js';
import { modelsDir } from '../support/server-harness.js';

const built = mkdtempSync(path.join(os.tmpdir(), 'facecraft-playground-'));
afterAll(() => rmSync(built, { recursive: true, force: true }));

describe('routes/playground.ts', () => {
  it('without a build: 404 with a clear message; the models are still served', async () => {
    const served = await serveRoutes(playground({ dir: undefined, modelsDir, manifest: { version: 1, models: [] } }));
    try {
      const res = await fetch(`${served.base}/playground/`);
      expect(res.status).toBe(404);
      expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      const body: any = await res.json();
      expect(body.error.code).toBe('playground_not_built');
      expect(body.error.message).toMatch(/pnpm --filter @facecraft\/web build.*FACECRAFT_PLAYGROUND_DIR/);
      expect((await fetch(`${served.base}/playground/models/manifest.json`)).status).toBe(200);
    } finally {
      await served.close();
    }
  });

  it('with a build: index.html for the page and its client routes, isolation headers, nothing outside the manifest', async () => {
    writeFileSync(path.join(built, 'index.html'), '<!doctype html><title>playground</title>');
    mkdirSync(path.join(built, 'assets'), { recursive: true });
    writeFileSync(path.join(built, 'assets', 'app-1234.js'), 'console.log(1)');
    const served = await serveRoutes(playground({ dir: built, modelsDir, manifest: { version: 1, models: [] } }));
    try {
      for (const route of ['/playground', '/playground/', '/playground/some/client/route']) {
        const res = await fetch(`${served.base}${route}`);
        expect([route, res.status, res.headers.get('cross-origin-embedder-policy')]).toEqual([route, 200, 'require-corp']);
        expect(await res.text()).toContain('<title>playground</title>');
      }
      expect((await fetch(`${served.base}/playground/assets/app-1234.js`)).status).toBe(200);
      expect((await fetch(`${served.base}/playground/models/not-listed.onnx`)).status).toBe(404);
      expect((await fetch(`${served.base}/playground/`, { method: 'POST' })).status).toBe(405);
    } finally {
      await served.close();
    }
  });
});
