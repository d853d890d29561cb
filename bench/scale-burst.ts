// Scale-out throughput (issue 14): one API replica (FACECRAFT_ROLE=api), a Redis queue and a Ceph
// S3 store started here on 127.0.0.1, and 1 then 2 `facecraft worker` processes, each limited to
// one inference thread (so on 2 cores the cores are the limit). For each worker count: a burst of
// --burst jobs posted at once to POST /api/v1/jobs, timed until every one is completed; --runs
// bursts, the median kept. Writes bench/results/scale-burst.json.
//   pnpm exec tsx bench/scale-burst.ts [--burst 40] [--runs 3] [--workers 1,2]
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startCephRgw } from '../packages/server/test/support/ceph-rgw.js';
import { startRedis } from '../packages/server/test/support/redis-server.js';
import { postJob, startChildWorker, waitForJob, type ChildWorker } from '../packages/server/test/support/scale-cluster.js';
import { startChildServer, testEnv } from '../packages/server/test/support/server-harness.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { burst: { type: 'string', default: '40' }, runs: { type: 'string', default: '3' }, workers: { type: 'string', default: '1,2' } } });
const burst = Number(values.burst);
const runs = Number(values.runs);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const photo = await readFile(path.join(root, 'packages/core/test/fixtures/portrait-1.jpg'));

const scratch = await mkdtemp(path.join(os.tmpdir(), 'facecraft-scale-bench-'));
const [redis, s3] = await Promise.all([startRedis(), startCephRgw()]);
const cluster = { ...s3.env, FACECRAFT_QUEUE: 'bullmq', FACECRAFT_REDIS_URL: redis.url, FACECRAFT_CLEANUP_AGE_HOURS: '0' };
const dirs = (name: string) => ({ uploads: path.join(scratch, `${name}-up`), processed: path.join(scratch, `${name}-out`) });
const api = await startChildServer(testEnv(dirs('api'), { ...cluster, FACECRAFT_ROLE: 'api' }));
const workers: ChildWorker[] = [];
const rows = [];
const stopAll = async () => {
  await Promise.all([api.stop('SIGTERM'), ...workers.map((w) => w.stop('SIGTERM'))]);
  await Promise.all([redis.stop(), s3.stop()]);
  await rm(scratch, { recursive: true, force: true });
};
// Interrupted: the services started here go with it.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopAll().finally(() => process.exit(130)));
try {
  await api.waitReady(30_000);
  const burstOnce = async () => {
    const started = performance.now();
    const ids = await Promise.all(
      Array.from({ length: burst }, async () => {
        const res = await postJob(api.url, photo);
        if (res.status !== 202) throw new Error(`POST /jobs answered ${res.status}: ${await res.text()}`);
        return ((await res.json()) as { job_id: string }).job_id;
      }),
    );
    const done = await Promise.all(ids.map((id) => waitForJob(api.url, id, 1_800_000)));
    const failed = done.filter((j) => j.state !== 'completed');
    if (failed.length > 0) throw new Error(`${failed.length} jobs failed: ${JSON.stringify(failed[0])}`);
    return performance.now() - started;
  };
  for (const count of values.workers.split(',').map(Number)) {
    while (workers.length < count) workers.push(startChildWorker(testEnv(dirs(`w${workers.length}`), { ...cluster, FACECRAFT_WORKERS: '1', FACECRAFT_THREADS: '1' })));
    await Promise.all(workers.map((w) => w.taking));
    // Warm each worker's sessions before timing.
    await Promise.all(Array.from({ length: count * 2 }, async () => waitForJob(api.url, ((await (await postJob(api.url, photo)).json()) as { job_id: string }).job_id, 120_000)));
    const times = [];
    for (let run = 0; run < runs; run++) times.push(await burstOnce());
    const row = { workers: count, threadsPerWorker: 1, burst, runsMs: times.map(Math.round), medianMs: Math.round(median(times)), photosPerSecond: Math.round((burst / (median(times) / 1000)) * 100) / 100 };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
} finally {
  await stopAll();
}
const one = rows.find((r) => r.workers === 1);
const two = rows.find((r) => r.workers === 2);
const result = {
  what: 'Burst of jobs through POST /api/v1/jobs (default options: 768² int8 ISNet), 1 API replica, Redis queue, Ceph RGW store; each worker a separate process with 1 inference thread',
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGiB: Math.round(os.totalmem() / 1024 ** 3), node: process.version },
  measuredAt: new Date().toISOString(),
  // Other work on the machine shows here: the bursts share its cores with it.
  loadAverage1m: Math.round(os.loadavg()[0] * 10) / 10,
  rows,
  ...(one && two ? { twoWorkersTimeRatio: Math.round((two.medianMs / one.medianMs) * 1000) / 1000 } : {}),
};
await mkdir(path.join(root, 'bench/results'), { recursive: true });
await writeFile(path.join(root, 'bench/results/scale-burst.json'), `${JSON.stringify(result, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
