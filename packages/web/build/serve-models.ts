import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Connect, Plugin } from 'vite';
import { ISOLATION_HEADERS } from './isolation-headers.js';

/**
 * For `vite dev` / `vite preview` only: the models folder (manifest.json + the files it lists)
 * under `<base>models/`, as @facecraft/server serves it. Only files named in the manifest are
 * served, so no other path of the folder can be reached.
 */
export function serveModels(modelsDir: string): Plugin {
  let base = '/';
  const middleware = (): Connect.NextHandleFunction => (req, res, next) => {
    const url = decodeURIComponent(req.url?.split('?')[0] ?? '');
    const prefix = `${base}models/`;
    if (!url.startsWith(prefix)) return next();
    const name = url.slice(prefix.length);
    const manifestPath = path.join(modelsDir, 'manifest.json');
    if (!existsSync(manifestPath)) return next();
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { models: { file: string }[] };
    const allowed = new Set(['manifest.json', ...manifest.models.map((m) => m.file)]);
    if (!allowed.has(name) || !existsSync(path.join(modelsDir, name))) return next();
    const file = path.join(modelsDir, name);
    for (const [header, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(header, value);
    res.setHeader('Content-Type', name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    res.setHeader('Cache-Control', name === 'manifest.json' ? 'no-cache' : 'public, max-age=31536000, immutable');
    createReadStream(file).pipe(res);
  };
  return {
    name: 'facecraft:serve-models',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      server.middlewares.use(middleware());
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware());
    },
  };
}
