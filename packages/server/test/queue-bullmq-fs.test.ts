import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { startRedis, type LocalRedis } from './support/redis-server.js';
import { postJob, waitForJob } from './support/scale-cluster.js';
import { waitUntil } from './support/local-services.js';
import { assertBuiltServerIsCurrent, fixture, form, scratchDirs, testEnv } from './support/server-harness.js';

/**
 * One machine with a durable queue: FACECRAFT_QUEUE=bullmq on a real redis-server started here,
 * the fs store and role all (this process takes its own jobs). The synchronous endpoints go
 * through Redis; a batch runs as a flow and lands in the output folder like before. With Redis
 * gone, requests are refused with a retryable 503 and /ready turns 503, until it is back.
 */
let redis: LocalRedis;
let server: RunningServer;
let dirs: ReturnType<typeof scratchDirs>;
const SMALL = { width: 128, height: 128, segmentation_size: 256 };

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  redis = await startRedis();
  dirs = scratchDirs();
  server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, { FACECRAFT_WORKERS: '1', FACECRAFT_QUEUE: 'bullmq', FACECRAFT_REDIS_URL: redis.url }), log: () => {} });
  await server.ready;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await redis?.stop();
  dirs?.remove();
}, 60_000);

describe('bullmq queue with the fs store on one machine (role all)', () => {
  it('POST /process waits on a queued job that this process\'s own worker makes; the result is in the output folder', async () => {
    const before = server.completedByQueueWorker();
    const res = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }, SMALL) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job_id: string; result: { output_size: { width: number } } };
    expect(body.result.output_size.width).toBe(128);
    expect(server.completedByQueueWorker()).toBe(before + 1);
    const status = (await (await fetch(`${server.url}/status`)).json()) as { deployment: unknown };
    expect(status.deployment).toEqual({ role: 'all', queue: 'bullmq', store: 'fs' });
    expect(readdirSync(path.join(dirs.processed, body.job_id)).sort()).toEqual(['portrait.jpg', 'portrait.png', 'result.json']);
    // The queued input is removed once its job has completed (just after the answer, at most).
    const inputs = () => (existsSync(path.join(dirs.processed, '.inputs')) ? readdirSync(path.join(dirs.processed, '.inputs')) : []);
    await waitUntil(async () => inputs().length === 0, 5000, () => `inputs left: ${inputs().join(', ')}`);
  }, 60_000);

  it('a batch runs as a flow and is stored as before: numbered items and batch.json', async () => {
    const res = await fetch(`${server.url}/api/v1/process/batch`, {
      method: 'POST',
      body: form({ files: [{ name: 'a.jpg', bytes: fixture('portrait-1.jpg') }, { name: 'cat.png', bytes: fixture('no-face-cat.png') }] }, SMALL),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job_id: string; successful: number; results: { success: boolean }[] };
    expect(body.successful).toBe(1);
    const dir = path.join(dirs.processed, body.job_id);
    expect(readdirSync(dir).sort()).toEqual(['0', '1', 'batch.json']);
    expect(readdirSync(path.join(dir, '0')).sort()).toEqual(['portrait.jpg', 'portrait.png', 'result.json']);
    expect(readdirSync(path.join(dir, '1'))).toEqual(['result.json']);
    expect((await fetch(`${server.url}/api/v1/download/${body.job_id}/0/png`)).status).toBe(200);
  }, 60_000);

  it('Redis gone: /ready 503 and new jobs refused with 503 queue_unavailable and Retry-After; back: accepted again', async () => {
    const stopped = redis.restart(6000);
    await waitUntil(async () => (await fetch(`${server.url}/ready`)).status === 503, 10_000, () => 'still ready without Redis');
    const refused = await postJob(server.url, fixture('portrait-1.jpg'));
    expect(refused.status).toBe(503);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('queue_unavailable');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    await stopped;
    await waitUntil(async () => (await fetch(`${server.url}/ready`)).status === 200, 20_000, () => 'not ready after Redis came back');
    const accepted = await postJob(server.url, fixture('portrait-1.jpg'), { width: '128', height: '128', segmentation_size: '256' });
    expect(accepted.status).toBe(202);
    const done = await waitForJob(server.url, ((await accepted.json()) as { job_id: string }).job_id, 60_000);
    expect(done.state).toBe('completed');
  }, 90_000);
});
