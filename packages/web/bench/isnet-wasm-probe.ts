/**
 * ISNet alone on onnxruntime-web in headless Chromium, in a module worker on a cross-origin-isolated
 * page: which WASM build and which session options make the segmentation model fastest. The page,
 * the runtime files and the models are served by a small server on 127.0.0.1 (COOP/COEP set; request
 * interception would miss the requests of onnxruntime's nested thread workers), so this needs
 * neither the playground build nor @facecraft/server.
 *
 *   tsx bench/isnet-wasm-probe.ts [--models isnet-int8.onnx --sizes 768 --runs 3 --builds wasm,jsep --threads 2 --options default]
 *
 * Every list is comma-separated; each combination is one configuration.
 *
 * Builds: `wasm` = onnxruntime-web/wasm (ort-wasm-simd-threaded.wasm), `jsep` = onnxruntime-web's
 * default entry (WebGPU-capable ort-wasm-simd-threaded.jsep.wasm), what the playground loads today.
 * Runs alternate between the configurations so that a machine's load falls on each alike.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../test/support/browser.js';
import { modelsDir } from '../test/support/playground-server.js';

const { values } = parseArgs({
  options: {
    models: { type: 'string', default: 'isnet-int8.onnx' },
    sizes: { type: 'string', default: '768' },
    runs: { type: 'string', default: '3' },
    builds: { type: 'string', default: 'wasm,jsep' },
    threads: { type: 'string', default: '2' },
    // Session option sets to compare, by name (see OPTION_SETS).
    options: { type: 'string', default: 'default' },
  },
});

// 'first-output' is not a session option: it fetches only the model's first output, as the pipeline does.
const OPTION_SETS: Record<string, Record<string, unknown>> = {
  'first-output': { graphOptimizationLevel: 'all' },
  default: { graphOptimizationLevel: 'all' },
  basic: { graphOptimizationLevel: 'basic' },
  noarena: { graphOptimizationLevel: 'all', enableCpuMemArena: false },
  fixeddims: { graphOptimizationLevel: 'all', freeDimensionOverrides: { batch_size: 1 } },
};

const ENTRY: Record<string, string> = { wasm: 'ort.wasm.min.mjs', jsep: 'ort.min.mjs' };
const ortDir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };

const WORKER = (ORIGIN: string) => `
let ort;
self.onmessage = async ({ data }) => {
  try {
    ort ??= await import(data.entry);
    ort.env.wasm.wasmPaths = '${ORIGIN}/ort/';
    ort.env.wasm.numThreads = data.threads;
    const bytes = new Uint8Array(await (await fetch('${ORIGIN}/models/' + data.model)).arrayBuffer());
    const t0 = performance.now();
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], logSeverityLevel: 3, ...data.options });
    const createMs = performance.now() - t0;
    const n = data.size * data.size;
    const input = new Float32Array(3 * n);
    for (let i = 0; i < input.length; i++) input[i] = ((i * 2654435761) % 997) / 997 - 0.5;
    const times = [];
    for (let r = 0; r <= data.runs; r++) {
      const t = performance.now();
      const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, data.size, data.size]) };
      const out = data.firstOutput ? await session.run(feeds, [session.outputNames[0]]) : await session.run(feeds);
      if (r > 0) times.push(performance.now() - t);
      for (const v of Object.values(out)) v.dispose?.();
    }
    await session.release();
    self.postMessage({ createMs, times, isolated: self.crossOriginIsolated });
  } catch (e) { self.postMessage({ error: String(e && e.stack || e) }); }
};`;

const PAGE = (ORIGIN: string) => `<!doctype html><script type="module">
window.probe = (job) => new Promise((resolve) => {
  const w = new Worker('${ORIGIN}/worker.mjs', { type: 'module' });
  w.onmessage = (e) => { w.terminate(); resolve(e.data); };
  w.postMessage(job);
});
</script>`;

// A loopback origin is a secure context, so COOP/COEP make the page cross-origin isolated.
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const file = url.pathname.startsWith('/ort/') ? path.join(ortDir, path.basename(url.pathname)) : url.pathname.startsWith('/models/') ? path.join(modelsDir, path.basename(url.pathname)) : undefined;
  let body: string | Buffer | undefined = url.pathname === '/' ? PAGE(ORIGIN) : url.pathname === '/worker.mjs' ? WORKER(ORIGIN) : undefined;
  try {
    if (file) body = readFileSync(file);
  } catch {
    body = undefined;
  }
  const type = url.pathname.endsWith('.wasm') ? 'application/wasm' : url.pathname.endsWith('.onnx') ? 'application/octet-stream' : /\.m?js$/.test(url.pathname) ? 'text/javascript' : 'text/html';
  res.writeHead(body === undefined ? 404 : 200, { ...HEADERS, 'Content-Type': type });
  res.end(body);
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const ORIGIN = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const session = await launchBrowser();
try {
  await session.page.goto(`${ORIGIN}/`);
  const list = (v: string | undefined) => (v ?? '').split(',').filter(Boolean);
  const configs = list(values.models).flatMap((model) =>
    list(values.sizes).flatMap((size) =>
      list(values.builds).flatMap((build) => list(values.threads).flatMap((threads) => list(values.options).map((options) => ({ model, size: Number(size), build, threads: Number(threads), options })))),
    ),
  );
  const all = new Map<string, number[]>();
  // Alternate: one session per configuration per round, so load is shared fairly.
  for (let round = 0; round < Number(values.runs); round++) {
    for (const c of configs) {
      const label = `${c.model} ${c.size}² ${c.build} threads=${c.threads} ${c.options}`;
      const result = (await session.page.evaluate((job) => (window as unknown as { probe(j: unknown): Promise<unknown> }).probe(job), {
        entry: `${ORIGIN}/ort/${ENTRY[c.build]}`,
        threads: c.threads,
        options: OPTION_SETS[c.options],
        model: c.model,
        firstOutput: c.options === 'first-output',
        size: c.size,
        runs: 1,
      })) as { createMs: number; times: number[]; isolated: boolean; error?: string };
      if (result.error) throw new Error(`${label}: ${result.error}`);
      all.set(label, [...(all.get(label) ?? []), ...result.times]);
      console.log(`round ${round} ${label}: run ${result.times.map((t) => Math.round(t)).join(', ')} ms (create ${Math.round(result.createMs)} ms, isolated ${result.isolated})`);
    }
  }
  for (const [label, times] of all) {
    const s = [...times].sort((a, b) => a - b);
    console.log(`${label}: median ${Math.round(s[s.length >> 1])} ms of ${s.length}`);
  }
} finally {
  await session.close();
  server.close();
}
