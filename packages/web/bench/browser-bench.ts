/**
 * In-browser timings of the playground: the real page, served by @facecraft/server (or vite preview
 * before it exists), in Debian's headless Chromium, on WASM and on WebGPU (SwiftShader, a software
 * adapter, unless the machine has a GPU Chromium can use). Per device: model load on a fresh
 * profile, one warm-up run, then the median of N runs per stage (15 on WASM, 3 on WebGPU, unless --runs).
 *
 *   pnpm --filter @facecraft/web bench [-- --runs 3 --segmentation 768 --devices wasm,webgpu --photo FILE --out FILE]
 *
 * With `--devices` naming one engine, the other engines' figures already in the output file are
 * kept (each engine's result carries its own date and segmentation size), so a slow SwiftShader
 * run need not be repeated, and SwiftShader may run at a smaller size than WASM.
 *
 * Writes bench/results/browser.json at the repository root (the date is inside), or `--out FILE`. Needs packages/web/dist
 * (`pnpm --filter @facecraft/web build`) and the models (`pnpm models`).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { launchBrowser, tempProfile } from '../test/support/browser.js';
import { openPlayground, processPhoto, waitForModels } from '../test/support/playground-page.js';
import { fixturesDir, repoRoot, startPlaygroundServer } from '../test/support/playground-server.js';
import { chromiumCpuMs } from './chromium-cpu.js';

interface LastRun {
  readonly engine: string;
  readonly timings: Record<string, number>;
  readonly totalMs: number;
  readonly runtimes: { model: string; device: string; variant?: string }[];
  readonly models?: { loadMs: number; wasmThreads: number; crossOriginIsolated: boolean; inWorker: boolean; notice?: string };
}

const { values } = parseArgs({
  options: {
    // Default: 15 on WASM (V8 takes about three portraits to compile the hot code again, see the
    // README, so a median over few runs measures that warm-up more than the steady state), 3 on
    // WebGPU (SwiftShader takes minutes a portrait).
    runs: { type: 'string' },
    segmentation: { type: 'string', default: '768' },
    devices: { type: 'string', default: 'wasm,webgpu' },
    photo: { type: 'string', default: path.join(fixturesDir, 'portrait-1.jpg') },
    // A/B runs write elsewhere so that the committed figures stay the last full run's.
    out: { type: 'string', default: path.join(repoRoot, 'bench/results/browser.json') },
  },
});
const runsFor = (device: 'wasm' | 'webgpu') => Math.max(3, Number(values.runs ?? (device === 'wasm' ? 15 : 3)));
const segmentation = Number(values.segmentation);
const devices = (values.devices ?? '').split(',').filter((d): d is 'wasm' | 'webgpu' => d === 'wasm' || d === 'webgpu');

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x: number) => Math.round(x * 10) / 10;
const machineInfo = () => ({ cpu: os.cpus()[0]?.model ?? 'unknown', cores: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), platform: `${os.platform()} ${os.release()}` });

const server = await startPlaygroundServer();
const results: Record<string, unknown> = {};
let chromiumVersion = '';
try {
  for (const device of devices) {
    const profileDir = tempProfile();
    const session = await launchBrowser({ webgpu: device === 'webgpu', userDataDir: profileDir });
    chromiumVersion = session.context.browser()?.version() ?? chromiumVersion;
    try {
      const { page } = session;
      // Other work on the machine slows every stage alike: the 1-minute load average is kept with the figures.
      const loadBefore = os.loadavg()[0];
      const started = Date.now();
      await openPlayground(page, `${server.playgroundUrl}?device=${device}&segmentation=${segmentation}`);
      if ((await waitForModels(page, 600_000)) !== 'ready') throw new Error(`${device}: the models did not load`);
      const firstLoadMs = Date.now() - started;
      const samples: LastRun[] = [];
      // CPU the browser used per run (all its processes: page, worker, onnxruntime's threads), which
      // other work on the machine hardly changes; wall time on a shared 2-core machine does.
      const cpuMs: number[] = [];
      const runs = runsFor(device);
      for (let i = 0; i <= runs; i++) {
        const cpuBefore = chromiumCpuMs(profileDir);
        const state = await processPhoto(page, values.photo as string, 900_000);
        const cpuRun = chromiumCpuMs(profileDir) - cpuBefore;
        if (state !== 'done') throw new Error(`${device}: run ${i} ended in ${state}: ${await page.getByTestId('error').textContent()}`);
        const last = (await page.evaluate(() => (globalThis as { facecraftPlayground?: unknown }).facecraftPlayground)) as LastRun;
        if (i > 0) {
          samples.push(last); // run 0 is the warm-up (shader compilation, first allocations)
          if (cpuBefore >= 0) cpuMs.push(cpuRun);
        }
        console.log(`${device} ${i === 0 ? 'warm-up' : `run ${i}`}: ${Math.round(last.totalMs)} ms on ${last.engine}, browser CPU ${cpuRun} ms`);
      }
      const stages = Object.keys(samples[0].timings);
      const last = samples[samples.length - 1];
      results[device] = {
        engine: last.engine,
        // Each engine names its machine and browser: an engine not rerun keeps its own (see below).
        machine: machineInfo(),
        chromium: chromiumVersion,
        segmentationSize: segmentation,
        modelDevices: Object.fromEntries(last.runtimes.map((r) => [r.model, r.device])),
        modelVariants: Object.fromEntries(last.runtimes.map((r) => [r.model, r.variant ?? 'float32'])),
        notice: last.models?.notice,
        wasmThreads: last.models?.wasmThreads,
        crossOriginIsolated: last.models?.crossOriginIsolated,
        inWorker: last.models?.inWorker,
        firstVisitModelLoadMs: firstLoadMs,
        medianMs: Object.fromEntries(stages.map((s) => [s, round(median(samples.map((r) => r.timings[s] ?? 0)))])),
        medianTotalMs: round(median(samples.map((r) => r.totalMs))),
        runsMs: samples.map((r) => round(r.totalMs)),
        // Browser CPU per run (10 ms ticks; includes the page's own work around the run).
        ...(cpuMs.length ? { medianCpuMs: round(median(cpuMs)), runsCpuMs: cpuMs } : {}),
        loadAverage: { before: round(loadBefore), after: round(os.loadavg()[0]) },
        date: new Date().toISOString(),
      };
    } finally {
      await session.close();
      rmSync(profileDir, { recursive: true, force: true });
    }
  }
} finally {
  await server.close();
}

const now = new Date();
const report = {
  kind: 'browser',
  date: now.toISOString(),
  machine: machineInfo(),
  chromium: chromiumVersion,
  node: process.version,
  photo: path.basename(values.photo as string),
  options: { width: 648, height: 648 },
  warmupRuns: 1,
  results: results as Record<string, unknown>,
};
const file = path.resolve(values.out as string);
// Engines not run this time keep their earlier figures (same photo only), each with its segmentation
// size (older files kept one size for all engines in options).
if (existsSync(file)) {
  const earlier = JSON.parse(readFileSync(file, 'utf8')) as { photo?: string; machine?: unknown; chromium?: string; options?: { segmentationSize?: number }; results?: Record<string, { segmentationSize?: number; machine?: unknown; chromium?: string }> };
  if (earlier.photo === report.photo) {
    const kept = Object.entries(earlier.results ?? {})
      .filter(([device]) => !(device in results))
      .map(([device, e]) => [device, { ...e, segmentationSize: e.segmentationSize ?? earlier.options?.segmentationSize, machine: e.machine ?? earlier.machine, chromium: e.chromium ?? earlier.chromium }] as const)
      .filter(([, e]) => e.segmentationSize !== undefined);
    report.results = { ...Object.fromEntries(kept), ...results };
  }
}
mkdirSync(path.dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(results, null, 2));
console.log(`wrote ${path.relative(process.cwd(), file)}`);
