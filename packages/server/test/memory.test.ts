import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { assertBuiltServerIsCurrent, fixture, form, scratchDirs, testEnv } from './support/server-harness.js';

/**
 * Memory bounded by configuration: requests beyond FACECRAFT_MAX_CANVAS and
 * FACECRAFT_MAX_SEGMENTATION_SIZE are refused before any work; the largest allowed jobs do not
 * leave the process bigger for good (onnxruntime's arena no longer pins a run's peak); and a
 * worker is replaced between jobs when memory stands above FACECRAFT_WORKER_MAX_RSS_MB.
 */
const servers: RunningServer[] = [];
const scratch: Array<ReturnType<typeof scratchDirs>> = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const d of scratch) d.remove();
});

async function start(extra: Record<string, string>): Promise<RunningServer> {
  assertBuiltServerIsCurrent();
  const dirs = scratchDirs('facecraft-memory-test-');
  scratch.push(dirs);
  const server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, extra), log: () => {} });
  servers.push(server);
  await server.ready;
  return server;
}

const post = async (server: RunningServer, fields: Record<string, number>, route = '/api/v1/process') => {
  const res = await fetch(`${server.url}${route}`, { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-2.jpg') } }, fields) });
  const body = res.headers.get('content-type')?.includes('json') ? ((await res.json()) as any) : await res.arrayBuffer();
  return { status: res.status, body };
};
const rssMb = () => process.memoryUsage.rss() / 1048576;

describe('memory under large options', () => {
  it('refuses canvases and segmentation sizes beyond the configured limits with 400, naming the field and the limit', async () => {
    const server = await start({ FACECRAFT_WORKERS: '1', FACECRAFT_WORKER_MAX_RSS_MB: '0' });
    for (const [fields, field] of [
      [{ width: 4096, height: 4096 }, 'width'],
      [{ height: 2049 }, 'height'],
      [{ segmentation_size: 2048 }, 'segmentation_size'],
    ] as const) {
      const { status, body } = await post(server, fields);
      expect([status, body.error.code, body.error.details?.field]).toEqual([400, 'invalid_option', field]);
    }
    const quick = await post(server, { size: 4096 }, '/api/v1/process/quick');
    expect([quick.status, quick.body.error.message]).toEqual([400, 'Expected an integer from 64 to 2048 for size but received "4096"']);
    const doc: any = await (await fetch(`${server.url}/openapi.json`)).json();
    const props = doc.paths['/api/v1/process'].post.requestBody.content['multipart/form-data'].schema.properties;
    expect([props.width.maximum, props.height.maximum, props.segmentation_size.maximum]).toEqual([2048, 2048, 1024]);
    await server.close();
    servers.splice(servers.indexOf(server), 1);
  }, 120_000);

  it('after 4 jobs at the largest allowed options and 10 normal ones, RSS keeps less than half of their peak above its value after 10 normal ones (at least 400 MB allowed)', async () => {
    const server = await start({ FACECRAFT_WORKERS: '2', FACECRAFT_WORKER_MAX_RSS_MB: '0' });
    // Warm the way the measurement after the large jobs is taken (10 normal jobs): after only a
    // few the heap has not reached its working size, and the warm value alone varied by 120 MB.
    for (let i = 0; i < 10; i++) expect((await post(server, { width: 648, height: 648 })).status).toBe(200);
    const warm = rssMb();
    // The peak while the large jobs run, sampled: what must not stay behind.
    let peak = warm;
    const sampler = setInterval(() => (peak = Math.max(peak, rssMb())), 25);
    try {
      for (let round = 0; round < 2; round++) {
        const big = await Promise.all([0, 1].map(() => post(server, { width: 2048, height: 2048, segmentation_size: 1024 })));
        expect(big.map((r) => r.status)).toEqual([200, 200]);
      }
    } finally {
      clearInterval(sampler);
    }
    for (let i = 0; i < 10; i++) expect((await post(server, { width: 648, height: 648 })).status).toBe(200);
    const after = rssMb();
    console.log(`RSS warm ${warm.toFixed(0)} MB, peak during large jobs ${peak.toFixed(0)} MB, after ${after.toFixed(0)} MB (${((after / warm - 1) * 100).toFixed(1)} %)`);
    // What this guards against is a run's peak pinned for good (+5 GB with onnxruntime's arena):
    // then what stays is all of the peak's excess. What the allocator keeps after large jobs
    // varies with the collector's timing: +69 to +348 MB over warm here, 9-57 % of the excess.
    // Since the int8 ISNet joins in int8 (6e63d45) the peaks are 0.5-0.65 GB above warm instead
    // of 0.8-1.2 GB, so half the excess (the bound before) fell inside that noise (+337 MB
    // against 295 failed once in three runs). So: at most half the peak's excess, or 400 MB,
    // above the largest amount ever seen kept and below a pinned peak (with the arena turned
    // back on, checked at that commit: +635 MB kept, 100 % of the excess, and this fails).
    expect(after - warm).toBeLessThan(Math.max(400, 0.5 * (peak - warm)));
  }, 300_000);

  it('replaces a worker between jobs when memory stands above FACECRAFT_WORKER_MAX_RSS_MB, and keeps serving', async () => {
    // A ceiling every job passes: each job ends with its worker replaced.
    const server = await start({ FACECRAFT_WORKERS: '1', FACECRAFT_WORKER_MAX_RSS_MB: '64' });
    expect((await post(server, { width: 256, height: 256 })).status).toBe(200);
    const status = async () => ((await (await fetch(`${server.url}/status`)).json()) as any).workers;
    expect((await status()).recycled).toBe(1);
    // The next job waits for the fresh worker instead of failing.
    const next = await post(server, { width: 256, height: 256 });
    expect(next.status).toBe(200);
    expect((await status()).recycled).toBe(2);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 180_000);
});
