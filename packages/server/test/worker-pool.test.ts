import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { adoptGuard, guardImage } from '@facecraft/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { JobTimeoutError, WorkerCrashedError } from '../src/errors.js';
import { JobLimiter } from '../src/jobs/job-limiter.js';
import { JobStore } from '../src/jobs/job-store.js';
import { PortraitService } from '../src/jobs/portrait-service.js';
import { Statistics } from '../src/jobs/statistics.js';
import { createLogger, silentLogger } from '../src/logger.js';
import { WorkerPool } from '../src/workers/worker-pool.js';
import { fixture, form, modelsDir, scratchDirs } from './support/server-harness.js';

const FAKE_WORKER = new URL('./support/fake-portrait-worker.mjs', import.meta.url);
const pools: WorkerPool[] = [];
async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
const newPool = (size = 1, jobTimeoutMs = 0) => {
  const pool = new WorkerPool({ size, workerData: {}, logger: silentLogger, workerUrl: FAKE_WORKER, respawnDelayMs: 20, jobTimeoutMs });
  pools.push(pool);
  return pool;
};
afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close()));
});

describe('WorkerPool (with a stand-in worker; the real one is exercised by the server tests)', () => {
  it('transfers the image buffer to the worker instead of copying it', async () => {
    const pool = newPool();
    await pool.ready;
    const bytes = new Uint8Array(1000);
    const result = await pool.run(bytes, { width: 100 });
    expect(bytes.byteLength).toBe(0); // detached: it moved to the worker
    expect([...result.png]).toEqual([0x89, 0x50, 0x4e, 0x47, 1000 & 0xff]);
  });

  it('fails the job of a worker that exits or throws, replaces the worker, and goes on', async () => {
    const pool = newPool();
    await pool.ready;
    await expect(pool.run(new Uint8Array(4), { width: 901 })).rejects.toBeInstanceOf(WorkerCrashedError);
    expect(pool.isReady).toBe(false);
    expect((await pool.run(new Uint8Array(4), { width: 100 })).png.length).toBe(5);
    expect(pool.isReady).toBe(true);
    await expect(pool.run(new Uint8Array(4), { width: 902 })).rejects.toBeInstanceOf(WorkerCrashedError);
    expect((await pool.run(new Uint8Array(4), { width: 100 })).png.length).toBe(5);
  });

  it('answers a job past the time limit at once and serves the next on a fresh worker, while the old one ends its job and exits', async () => {
    const lines: string[] = [];
    const pool = new WorkerPool({ size: 1, workerData: {}, logger: createLogger('info', (l) => lines.push(l)), workerUrl: FAKE_WORKER, jobTimeoutMs: 200 });
    pools.push(pool);
    await pool.ready;
    const slow = pool.run(new Uint8Array(1), { width: 905 });
    const next = pool.run(new Uint8Array(7), { width: 100 });
    expect(pool.waiting).toBe(1);
    const error = await slow.then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as JobTimeoutError).seconds).toBe(0.2);
    // The job that waited behind it runs on the replacement while the old worker is still in its job.
    expect([...(await next).png]).toEqual([0x89, 0x50, 0x4e, 0x47, 7]);
    expect(pool.retiring).toBe(1);
    await waitFor(() => pool.retiring === 0, 5000);
    expect(pool.isReady).toBe(true);
    const messages = lines.map((l) => JSON.parse(l).msg as string);
    expect(messages).toContain('job ran past the time limit; retiring its worker');
    expect(messages).toContain('retired worker exited');
    // A job that finishes in time is not touched by the limit.
    expect((await pool.run(new Uint8Array(2), { width: 100 })).png.length).toBe(5);
  });

  it('retires at most as many workers as it has slots; beyond that a slot waits for its old worker to exit', async () => {
    const pool = newPool(1, 100);
    await pool.ready;
    await expect(pool.run(new Uint8Array(1), { width: 905 })).rejects.toBeInstanceOf(JobTimeoutError);
    expect(pool.retiring).toBe(1); // replaced at once
    await waitFor(() => pool.isReady, 2000);
    await expect(pool.run(new Uint8Array(1), { width: 905 })).rejects.toBeInstanceOf(JobTimeoutError);
    // Two retiring for one slot: no third copy of the models; the slot is filled when one exits.
    expect(pool.retiring).toBe(2);
    expect(pool.readyWorkers).toBe(0);
    expect((await pool.run(new Uint8Array(4), { width: 100 })).png[4]).toBe(4);
    await waitFor(() => pool.retiring === 0, 5000);
    expect(pool.isReady).toBe(true);
  });

  it('queues beyond its workers in order, drops a waiting job whose client left, and drains', async () => {
    const pool = newPool(1);
    await pool.ready;
    const hung = pool.run(new Uint8Array(1), { width: 903 });
    const controller = new AbortController();
    const waiting = pool.run(new Uint8Array(2), { width: 100 }, controller.signal);
    expect(pool.waiting).toBe(1);
    controller.abort(new Error('client gone'));
    await expect(waiting).rejects.toThrow('client gone');
    expect(pool.waiting).toBe(0);
    void hung.catch(() => {});
  });
});

/** A real app and HTTP server around a stand-in pool; `lines` collects the warn+ logs. */
async function serveWith(pool: WorkerPool) {
  const dirs = scratchDirs();
  const lines: string[] = [];
  const config = loadConfig({ FACECRAFT_MODELS_DIR: modelsDir, FACECRAFT_UPLOAD_DIR: dirs.uploads, FACECRAFT_OUTPUT_DIR: dirs.processed }, { defaultPlaygroundDir: '/nonexistent' });
  const logger = createLogger('warn', (l) => lines.push(l));
  const limiter = new JobLimiter(2);
  const stats = new Statistics();
  const store = new JobStore(dirs.processed, logger);
  await store.init();
  const app = createApp({ config, logger, pool, limiter, service: new PortraitService({ pool, limiter, stats, logger }), store, stats, manifest: { version: 1, models: [] }, version: 'test', startedAt: Date.now() });
  const server = createServer(app.callback()).listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.close();
    dirs.remove();
  };
  return { base, lines, limiter, stats, close };
}

const photo = (size: number) => form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }, { size });

describe('the HTTP answer when a worker crashes or hangs', () => {
  it('is a 500 JSON worker_crashed (not a hung request), and the next request is served', async () => {
    const pool = newPool();
    const { base, lines, limiter, stats, close } = await serveWith(pool);
    try {
      await pool.ready;
      const crashed = await fetch(`${base}/api/v1/process/quick`, { method: 'POST', body: photo(901), signal: AbortSignal.timeout(10_000) });
      expect(crashed.status).toBe(500);
      const body: any = await crashed.json();
      expect(body.error.code).toBe('worker_crashed');
      expect(JSON.stringify(body)).not.toMatch(/exit|code 3|stack/i);
      expect(lines.some((l) => l.includes('"level":"error"') && l.includes('worker_crashed') === false && l.includes('request failed'))).toBe(true);
      // The replacement worker is starting: the next request waits for it in the queue.
      const ok = await fetch(`${base}/api/v1/process/quick`, { method: "POST", body: photo(300) });
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('image/png');
      expect(stats.snapshot()).toMatchObject({ succeeded: 1, failed: 1 });
      expect(limiter.inUse).toBe(0);
    } finally {
      close();
    }
  });

  it('is a 504 JSON processing_timeout when a job outlives FACECRAFT_JOB_TIMEOUT_S, and the next request is served', async () => {
    const pool = newPool(1, 500);
    const { base, lines, limiter, stats, close } = await serveWith(pool);
    try {
      await pool.ready;
      const stuck = await fetch(`${base}/api/v1/process/quick`, { method: 'POST', body: photo(905), signal: AbortSignal.timeout(10_000) });
      expect(stuck.status).toBe(504);
      const body: any = await stuck.json();
      expect(body.error.code).toBe('processing_timeout');
      expect(body.error.message).toMatch(/longer than 0\.5 s/);
      expect(lines.some((l) => l.includes('"level":"error"') && l.includes('request failed'))).toBe(true);
      const ok = await fetch(`${base}/api/v1/process/quick`, { method: 'POST', body: photo(300), signal: AbortSignal.timeout(10_000) });
      expect(ok.status).toBe(200);
      expect(stats.snapshot()).toMatchObject({ succeeded: 1, failed: 1 });
      expect(limiter.inUse).toBe(0);
    } finally {
      close();
    }
  });
});

describe('WorkerPool with the real worker: the upload header crosses the hop', () => {
  it('the worker takes the header the main thread read instead of reading it again', { timeout: 120_000 }, async () => {
    const pool = new WorkerPool({ size: 1, workerData: { modelsDir, device: 'cpu', threads: 1 }, logger: silentLogger });
    pools.push(pool);
    await pool.ready;
    const bytes = () => new Uint8Array(fixture('portrait-1.jpg'));
    const honest = guardImage(bytes(), { maxPixels: 50_000_000 });
    // A header that overstates the photo (734² really): only a worker that used it refuses.
    const header = { ...honest.header, width: 5000, height: 5000, displaySize: { width: 5000, height: 5000 } };
    const overstated = adoptGuard(bytes(), { header, maxPixels: Infinity });
    await expect(pool.run(overstated, { maxPixels: 1_000_000 })).rejects.toMatchObject({ code: 'image_too_large', details: { width: 5000, height: 5000 } });
    // The same photo with the header as read is made, under the request's own limit.
    expect((await pool.run(honest, { maxPixels: 1_000_000, removeBackground: false })).report.input).toMatchObject({ width: 734, height: 734 });
  });
});
