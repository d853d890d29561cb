import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import { ISOLATION_HEADERS } from './build/isolation-headers.js';
import { locateOrtRuntime, ortRuntimeFiles } from './build/ort-runtime-files.js';
import { serveModels } from './build/serve-models.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ort = locateOrtRuntime();
const modelsDir = path.resolve(process.env.FACECRAFT_MODELS_DIR ?? path.join(here, '../../models'));
// `vite dev` forwards the API to a running @facecraft/server (e.g. `facecraft serve`).
const apiTarget = process.env.FACECRAFT_API_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  base: '/playground/',
  define: {
    __ORT_RUNTIME_DIR__: JSON.stringify(ort.publicDir),
  },
  resolve: {
    // onnxruntime-web's build without the WASM loader inlined: the loader and binary come
    // from assets/ort-<version>/ (see build/ort-runtime-files.ts).
    conditions: ['onnxruntime-web-use-extern-wasm', ...defaultClientConditions],
  },
  worker: { format: 'es' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // onnxruntime-web's JS is ~400 kB; it is loaded by the worker only.
    chunkSizeWarningLimit: 800,
  },
  server: { headers: { ...ISOLATION_HEADERS }, proxy: { '/api': apiTarget } },
  preview: { headers: { ...ISOLATION_HEADERS }, proxy: { '/api': apiTarget } },
  plugins: [ortRuntimeFiles(ort), serveModels(modelsDir)],
});
