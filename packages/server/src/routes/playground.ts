import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ModelManifest } from '@facecraft/core';
import type { Middleware } from 'koa';
import { HttpError, notFound } from '../errors.js';
import { resolveInside, sendFile } from '../static/send-file.js';

/** Cross-origin isolation (WASM threads in the page) and a same-origin resource policy. */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
});
const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

export interface PlaygroundOptions {
  /** The built playground; undefined when there is none (then /playground answers 404). */
  readonly dir: string | undefined;
  readonly modelsDir: string;
  readonly manifest: ModelManifest;
}

/**
 * /playground/: the Vite build of @facecraft/web (index.html for /playground and /playground/,
 * and for extension-less paths below it), and /playground/models/: the model folder's manifest
 * and the files it lists, nothing else. Everything under /playground carries ISOLATION_HEADERS.
 */
export function playground(options: PlaygroundOptions): Middleware {
  const modelFiles = new Set(['manifest.json', ...options.manifest.models.map((m) => m.file)]);
  // The browser picks its variant from the manifest it is sent: when a model was not assembled
  // here (e.g. the browser-only float32 ISNet in a folder from `facecraft models`), the manifest
  // served leaves it out, so that no browser chooses a file the server cannot send.
  const absent = options.manifest.models.filter((m) => !existsSync(path.join(options.modelsDir, m.file)));
  const servedManifest = absent.length === 0 ? undefined : JSON.stringify({ ...options.manifest, models: options.manifest.models.filter((m) => !absent.includes(m)) });
  return async function servePlayground(ctx, next) {
    if (ctx.path !== '/playground' && !ctx.path.startsWith('/playground/')) return next();
    ctx.set(ISOLATION_HEADERS);
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      throw new HttpError('method_not_allowed', `${ctx.method} is not allowed on ${ctx.path}`);
    }
    const rest = ctx.path.slice('/playground'.length);

    if (rest.startsWith('/models/')) {
      let name: string;
      try {
        name = decodeURIComponent(rest.slice('/models/'.length));
      } catch {
        throw notFound('not_found', 'No such model file');
      }
      if (!modelFiles.has(name)) throw notFound('not_found', 'No such model file');
      if (name === 'manifest.json' && servedManifest !== undefined) {
        ctx.set('Cache-Control', REVALIDATE);
        ctx.type = 'application/json';
        ctx.body = servedManifest;
        return;
      }
      const sent = await sendFile(ctx, path.join(options.modelsDir, name), { 'Cache-Control': name === 'manifest.json' ? REVALIDATE : IMMUTABLE });
      if (!sent) throw notFound('not_found', `The model file ${name} is missing on the server (run \`pnpm models\`)`);
      return;
    }

    if (!options.dir) {
      throw notFound(
        'playground_not_built',
        'The web playground is not installed: build it with `pnpm --filter @facecraft/web build`, or point FACECRAFT_PLAYGROUND_DIR at a built copy',
      );
    }
    const index = path.join(options.dir, 'index.html');
    if (rest === '' || rest === '/' || rest === '/index.html') {
      if (await sendFile(ctx, index, { 'Cache-Control': REVALIDATE })) return;
      throw notFound('playground_not_built', 'The web playground folder has no index.html');
    }
    const file = resolveInside(options.dir, rest);
    if (!file) throw notFound('not_found', 'No such file in the playground');
    const hashed = rest.startsWith('/assets/');
    if (await sendFile(ctx, file, { 'Cache-Control': hashed ? IMMUTABLE : REVALIDATE })) return;
    // A client-side route (no file extension): the page itself.
    if (!path.extname(file) && (await sendFile(ctx, index, { 'Cache-Control': REVALIDATE }))) return;
    throw notFound('not_found', 'No such file in the playground');
  };
}
