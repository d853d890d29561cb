import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Plugin } from 'vite';
import { ISOLATION_HEADERS } from './isolation-headers.js';

/**
 * onnxruntime-web's WASM runtimes (each an .mjs loader and its .wasm binary), served from the
 * playground's own origin: the plain one (14 MB), which the WASM engine loads, and the
 * WebGPU-capable one (`.jsep`, 28 MB), which only the WebGPU engine loads. A page fetches one. The files are taken from the onnxruntime-web that @facecraft/core
 * depends on, so the JS in the bundle and the WASM binary always come from one version, and
 * they sit in a folder named by that version under assets/ (long immutable caching is right).
 *
 * Why not let the bundler inline them: the bundled build of onnxruntime-web starts its WASM
 * threads by loading *its own* module URL as a worker, which after bundling is our worker chunk.
 * The stand-alone loader file has no such problem, and the app points `wasmPaths` at it.
 */
export const ORT_RUNTIME_FILES = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.jsep.mjs', 'ort-wasm-simd-threaded.jsep.wasm'] as const;

export interface OrtRuntime {
  readonly version: string;
  readonly dir: string;
  /** Path under the base URL, e.g. `assets/ort-1.30.0/`. */
  readonly publicDir: string;
}

export function locateOrtRuntime(): OrtRuntime {
  const fromCore = createRequire(createRequire(import.meta.url).resolve('@facecraft/core/package.json'));
  // package.json is not in onnxruntime-web's exports; its runtime files are.
  const dir = path.dirname(fromCore.resolve(`onnxruntime-web/${ORT_RUNTIME_FILES[0]}`));
  const { version } = JSON.parse(readFileSync(path.join(dir, '..', 'package.json'), 'utf8')) as { version: string };
  return { version, dir, publicDir: `assets/ort-${version}/` };
}

const MIME: Record<string, string> = { '.mjs': 'text/javascript; charset=utf-8', '.wasm': 'application/wasm' };

export function ortRuntimeFiles(runtime: OrtRuntime = locateOrtRuntime()): Plugin {
  let base = '/';
  return {
    name: 'facecraft:ort-runtime-files',
    configResolved(config) {
      base = config.base;
    },
    configureServer(server) {
      const prefix = `${base}${runtime.publicDir}`;
      server.middlewares.use((req, res, next) => {
        const url = req.url?.split('?')[0] ?? '';
        if (!url.startsWith(prefix)) return next();
        const name = url.slice(prefix.length);
        if (!(ORT_RUNTIME_FILES as readonly string[]).includes(name)) return next();
        // The .mjs is also the script of onnxruntime's thread workers: under COEP it needs the headers too.
        for (const [header, value] of Object.entries(ISOLATION_HEADERS)) res.setHeader(header, value);
        res.setHeader('Content-Type', MIME[path.extname(name)] ?? 'application/octet-stream');
        res.end(readFileSync(path.join(runtime.dir, name)));
      });
    },
    generateBundle() {
      for (const name of ORT_RUNTIME_FILES) {
        this.emitFile({ type: 'asset', fileName: `${runtime.publicDir}${name}`, source: readFileSync(path.join(runtime.dir, name)) });
      }
    },
  };
}
