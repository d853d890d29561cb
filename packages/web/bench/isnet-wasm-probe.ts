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
 * default entry (WebGPU-capable ort-wasm-simd-threaded.jsep.wasm), which the WebGPU engine loads.
 * Runs alternate between the configurations so that a machine's load falls on each alike. Each run
 * also reports the CPU time Chromium used during it (chromium-cpu.ts): on a shared machine wall
 * times swing 2–4× while that CPU time stays within a few per cent, so compare configurations by it
 * (with one thread it is the kernels' cost; with two it adds the thread pool's spinning).
 *
 * Measured so (2-core Xeon, Chromium 156, int8 ISNet at 768², first output only, CPU medians):
 * 1 thread 4.2 s, 2 threads 4.75 s (2.2 s wall on a quiet machine); plain and jsep builds
 * alike (4.34 / 4.36 s); enableCpuMemArena + enableMemPattern (onnxruntime-web leaves both off)
 * 4.34 s against 4.23 s; 'extended' optimisation 4.43 s against 'all' 4.34 s; all outputs or the
 * first only alike (4.19 / 4.18 s); session.enable_quant_qdq_cleanup alike (4.11 / 4.09 s).
 */
import { readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, tempProfile } from '../test/support/browser.js';
import { chromiumCpuMs } from './chromium-cpu.js';
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
  extended: { graphOptimizationLevel: 'extended' },
  qdqcleanup: { graphOptimizationLevel: 'all', extra: { session: { enable_quant_qdq_cleanup: '1' } } },
  noarena: { graphOptimizationLevel: 'all', enableCpuMemArena: false },
  fixeddims: { graphOptimizationLevel: 'all', freeDimensionOverrides: { batch_size: 1 } },
  // onnxruntime-web passes enableCpuMemArena/enableMemPattern as `!!value`: both are off unless set.
  arena: { graphOptimizationLevel: 'all', enableCpuMemArena: true },
  pattern: { graphOptimizationLevel: 'all', enableMemPattern: true },
  'arena+pattern': { graphOptimizationLevel: 'all', enableCpuMemArena: true, enableMemPattern: true },
};

const ENTRY: Record<string, string> = { wasm: 'ort.wasm.min.mjs', jsep: 'ort.min.mjs' };
const ortDir = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.wasm'));
const HEADERS = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };

const WORKER = (ORIGIN: string) => `
let ort, session, input, dims;
// Three steps, one message each, so that the runner can read the CPU clock around the timed run alone.
self.onmessage = async ({ data }) => {
  try {
    if (data.step === 'create') {
      ort ??= await import(data.entry);
      ort.env.wasm.wasmPaths = '${ORIGIN}/ort/';
      ort.env.wasm.numThreads = data.threads;
      const bytes = new Uint8Array(await (await fetch('${ORIGIN}/models/' + data.model)).arrayBuffer());
      const t0 = performance.now();
      session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], logSeverityLevel: 3, ...data.options });
      const createMs = performance.now() - t0;
      const n = data.size * data.size;
      input = new Float32Array(3 * n);
      for (let i = 0; i < input.length; i++) input[i] = ((i * 2654435761) % 997) / 997 - 0.5;
      dims = [1, 3, data.size, data.size];
      self.postMessage({ createMs, isolated: self.crossOriginIsolated });
    } else if (data.step === 'run') {
      const t = performance.now();
      const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', input, dims) };
      const out = data.firstOutput ? await session.run(feeds, [session.outputNames[0]]) : await session.run(feeds);
      const ms = performance.now() - t;
      for (const v of Object.values(out)) v.dispose?.();
      self.postMessage({ ms });
    } else {
      await session.release();
      self.postMessage({});
    }
  } catch (e) { self.postMessage({ error: String(e && e.stack || e) }); }
};`;

const PAGE = (ORIGIN: string) => `<!doctype html><script type="module">
let w;
const ask = (job) => new Promise((resolve) => { w.onmessage = (e) => resolve(e.data); w.postMessage(job); });
window.probe = async (job) => {
  if (job.step === 'create') w = new Worker('${ORIGIN}/worker.mjs', { type: 'module' });
  const answer = await ask(job);
  if (job.step === 'release' || answer.error) w.terminate();
  return answer;
};
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

const profileDir = tempProfile();
const session = { ...(await launchBrowser({ userDataDir: profileDir })), profileDir };
try {
  await session.page.goto(`${ORIGIN}/`);
  const list = (v: string | undefined) => (v ?? '').split(',').filter(Boolean);
  const configs = list(values.models).flatMap((model) =>
    list(values.sizes).flatMap((size) =>
      list(values.builds).flatMap((build) => list(values.threads).flatMap((threads) => list(values.options).map((options) => ({ model, size: Number(size), build, threads: Number(threads), options })))),
    ),
  );
  const all = new Map<string, number[]>();
  const cpu = new Map<string, number[]>();
  // Alternate: one session per configuration per round, so load is shared fairly.
  for (let round = 0; round < Number(values.runs); round++) {
    for (const c of configs) {
      const label = `${c.model} ${c.size}² ${c.build} threads=${c.threads} ${c.options}`;
      const probe = (job: Record<string, unknown>) =>
        session.page.evaluate((j) => (window as unknown as { probe(j: unknown): Promise<unknown> }).probe(j), job) as Promise<{ createMs?: number; ms?: number; isolated?: boolean; error?: string }>;
      const created = await probe({ step: 'create', entry: `${ORIGIN}/ort/${ENTRY[c.build]}`, threads: c.threads, options: OPTION_SETS[c.options], model: c.model, size: c.size });
      if (created.error) throw new Error(`${label}: ${created.error}`);
      const firstOutput = c.options !== 'default';
      await probe({ step: 'run', firstOutput }); // warm-up
      const cpuBefore = chromiumCpuMs(profileDir);
      const timed = await probe({ step: 'run', firstOutput });
      const cpuMs = chromiumCpuMs(profileDir) - cpuBefore;
      await probe({ step: 'release' });
      if (timed.error || timed.ms === undefined) throw new Error(`${label}: ${timed.error}`);
      all.set(label, [...(all.get(label) ?? []), timed.ms]);
      cpu.set(label, [...(cpu.get(label) ?? []), cpuMs]);
      console.log(`round ${round} ${label}: run ${Math.round(timed.ms)} ms, CPU ${Math.round(cpuMs)} ms (create ${Math.round(created.createMs ?? 0)} ms, isolated ${created.isolated})`);
    }
  }
  for (const [label, times] of all) {
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    console.log(`${label}: median ${Math.round(median(times))} ms wall, ${Math.round(median(cpu.get(label) ?? [0]))} ms CPU, of ${times.length}`);
  }
} finally {
  await session.close();
  rmSync(profileDir, { recursive: true, force: true });
  server.close();
}
