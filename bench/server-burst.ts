// `pnpm bench` (server part): what the thread policy gives a server. For each worker count, a
// server on this machine with the default threads (cores ÷ workers, as /status shows them):
// latency = median of single /api/v1/process requests one after another; throughput = a burst
// of concurrent requests, photos per second over the whole burst. Writes bench/results/server-burst.json.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServer } from '@facecraft/server';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PHOTOS = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg'];

const { values } = parseArgs({
  options: {
    workers: { type: 'string', default: `1,${Math.max(2, os.availableParallelism())}` },
    runs: { type: 'string', default: '5' },
    burst: { type: 'string', default: '8' },
  },
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const photos = await Promise.all(PHOTOS.map((p) => readFile(path.join(root, 'packages/core/test/fixtures', p))));

const rows = [];
for (const workers of values.workers.split(',').map(Number)) {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'facecraft-burst-'));
  const env: Record<string, string | undefined> = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('FACECRAFT_')));
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    env: { ...env, FACECRAFT_WORKERS: String(workers), FACECRAFT_DEVICE: 'cpu', FACECRAFT_LOG_LEVEL: 'warn', FACECRAFT_MAX_CONCURRENT_JOBS: '64', FACECRAFT_UPLOAD_DIR: path.join(scratch, 'up'), FACECRAFT_OUTPUT_DIR: path.join(scratch, 'out'), FACECRAFT_MODELS_DIR: path.join(root, 'models') },
    log: () => {},
  });
  await server.ready;
  const once = async (i: number) => {
    const form = new FormData();
    form.append('file', new Blob([photos[i % photos.length]]), PHOTOS[i % photos.length]);
    const started = performance.now();
    const res = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form });
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/api/v1/process answered ${res.status}`);
    return performance.now() - started;
  };
  // Warm every worker, then single requests (latency), then everything at once (throughput).
  await Promise.all(Array.from({ length: workers }, (_, i) => once(i)));
  const latencies = [];
  for (let i = 0; i < Number(values.runs); i++) latencies.push(await once(i));
  const burst = Number(values.burst);
  const started = performance.now();
  await Promise.all(Array.from({ length: burst }, (_, i) => once(i)));
  const burstMs = performance.now() - started;
  const status = (await (await fetch(`${server.url}/status`)).json()) as { workers: { threads_per_worker: number }; segmentation_variant: { running: string } };
  const row = {
    workers,
    threadsPerWorker: status.workers.threads_per_worker,
    segmentationVariant: status.segmentation_variant.running,
    latencyMedianMs: Math.round(median(latencies)),
    burst,
    burstMs: Math.round(burstMs),
    photosPerSecond: Math.round((burst / (burstMs / 1000)) * 100) / 100,
  };
  rows.push(row);
  console.log(`${workers} worker(s) × ${row.threadsPerWorker} threads, ISNet ${row.segmentationVariant}: latency ${row.latencyMedianMs} ms, burst of ${burst} in ${row.burstMs} ms (${row.photosPerSecond} photos/s)`);
  await server.close();
  await rm(scratch, { recursive: true, force: true });
}

const result = { name: 'server-burst', date: new Date().toISOString(), machine: { cpu: os.cpus()[0]?.model.trim() ?? 'unknown', cores: os.availableParallelism() }, rows };
await mkdir(path.join(root, 'bench/results'), { recursive: true });
await writeFile(path.join(root, 'bench/results/server-burst.json'), `${JSON.stringify(result, null, 2)}\n`);
