import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../dist/index.js';
import { silentLogger } from '../src/logger.js';
import { S3ResultStore } from '../src/store/s3-result-store.js';
import { startCephRgw, type LocalS3 } from './support/ceph-rgw.js';
import { startRedis, type LocalRedis } from './support/redis-server.js';
import { jobStatus, postJob, startChildWorker, waitForJob, type ChildWorker, type JobBody } from './support/scale-cluster.js';
import { assertBuiltServerIsCurrent, fixture, startChildServer, testEnv, type ChildServer } from './support/server-harness.js';

/**
 * Issue 14 on real services started here on 127.0.0.1: Debian's redis-server (the BullMQ queue)
 * and Ceph's RADOS Gateway (the S3 store), two API replicas (FACECRAFT_ROLE=api) and two
 * `facecraft worker` processes, each worker with one inference thread. Photos go through the
 * real pipeline; the bursts ask for a 256² segmentation and a 256² portrait to keep the suite short.
 */
const PHOTO = fixture('portrait-1.jpg');
const QUICK = { segmentation_size: '256', width: '256', height: '256' };
const BURST = 100;

let redis: LocalRedis;
let s3: LocalS3;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'facecraft-scale-'));
const apis: ChildServer[] = [];
const workers: ChildWorker[] = [];
const apiDirs = [0, 1].map((i) => ({ uploads: path.join(scratch, `api${i}-uploads`), processed: path.join(scratch, `api${i}-processed`) }));

const clusterEnv = (extra: Record<string, string>) => ({ ...s3.env, FACECRAFT_QUEUE: 'bullmq', FACECRAFT_REDIS_URL: redis.url, FACECRAFT_QUEUE_LOCK_S: '5', ...extra });
const startApi = async (i: number) => {
  const api = await startChildServer(testEnv(apiDirs[i], clusterEnv({ FACECRAFT_ROLE: 'api', FACECRAFT_MAX_CONCURRENT_JOBS: '16' })));
  await api.waitReady(30_000);
  return api;
};
const startWorker = async () => {
  const worker = startChildWorker(testEnv({ uploads: path.join(scratch, 'w-uploads'), processed: path.join(scratch, 'w-processed') }, clusterEnv({ FACECRAFT_WORKERS: '1', FACECRAFT_THREADS: '1' })));
  workers.push(worker);
  await worker.taking;
  return worker;
};
const liveWorkers = () => workers.filter((w) => w.proc.exitCode === null && w.proc.signalCode === null);

/** Runs a check; when it fails, the workers' last log lines go with the error (what each was doing). */
async function withWorkerLogs(check: () => Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    const logs = workers.map((w, i) => `--- worker ${i} (${w.proc.exitCode ?? w.proc.signalCode ?? 'running'})\n${w.output().slice(-3000)}`).join('\n');
    (error as Error).message += `\n${logs}`;
    throw error;
  }
}

/** Every key under results/<id>/ in the bucket. */
async function storedKeys(id: string): Promise<string[]> {
  const page = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `results/${id}/` }));
  return (page.Contents ?? []).map((o) => o.Key!.slice(`results/${id}/`.length)).sort();
}

/** Posts to alternate APIs, retrying a 503 after its Retry-After (a client doing the right thing). */
async function submit(apiUrl: string, fields: Record<string, string> = QUICK): Promise<string> {
  for (let tries = 0; ; tries++) {
    const res = await postJob(apiUrl, PHOTO, fields).catch(() => undefined);
    if (res?.status === 202) return ((await res.json()) as { job_id: string }).job_id;
    if (res && res.status !== 503) throw new Error(`POST /jobs: ${res.status} ${await res.text()}`);
    if (res) {
      const body = (await res.json()) as { error: { code: string } };
      expect(['queue_unavailable', 'storage_unavailable']).toContain(body.error.code);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    if (tries > 60) throw new Error('POST /jobs kept failing');
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  // Both awaited even when one fails, so afterAll stops whichever did start.
  const started = await Promise.allSettled([startRedis().then((r) => (redis = r)), startCephRgw().then((c) => (s3 = c))]);
  for (const result of started) if (result.status === 'rejected') throw result.reason;
  apis.push(...(await Promise.all([startApi(0), startApi(1)])));
  await Promise.all([startWorker(), startWorker()]);
}, 240_000);

afterAll(async () => {
  await Promise.all([...apis.map((a) => a.stop('SIGKILL')), ...workers.map((w) => w.stop('SIGKILL'))]);
  await Promise.all([redis?.stop(), s3?.stop()]);
  rmSync(scratch, { recursive: true, force: true });
}, 60_000);

describe('scale-out: 2 API replicas, 2 workers, Redis and a Ceph S3 store', () => {
  it('a job posted to API A is polled and downloaded, byte-identical, from API B', async () => {
    const [a, b] = apis;
    const posted = await postJob(a.url, PHOTO);
    expect(posted.status).toBe(202);
    const { job_id: id, status_url: statusUrl } = (await posted.json()) as { job_id: string; status_url: string };
    expect(posted.headers.get('location')).toBe(statusUrl);
    const done = await waitForJob(b.url, id, 60_000);
    expect(done).toMatchObject({ job_id: id, state: 'completed', progress: 100, png_url: `/api/v1/download/${id}/png`, jpg_url: `/api/v1/download/${id}/jpg` });
    expect(done.result).toMatchObject({ success: true, job_id: id, result: { face_detected: true } });

    const stored = await s3.client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `results/${id}/portrait.png` }));
    const storedPng = Buffer.from(await stored.Body!.transformToByteArray());
    for (const api of [b, a]) {
      const png = await fetch(`${api.url}${done.png_url}`);
      expect(png.status).toBe(200);
      expect(png.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await png.arrayBuffer()).equals(storedPng)).toBe(true);
    }
    expect(await storedKeys(id)).toEqual(['portrait.jpg', 'portrait.png', 'result.json']);
    // The input was removed once the job completed: only the result stays.
    const inputs = await s3.client.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix: `inputs/${id}` }));
    expect(inputs.KeyCount ?? 0).toBe(0);
    expect((await jobStatus(b.url, '00000000-0000-4000-8000-000000000000')).status).toBe(404);
  }, 90_000);

  it('the synchronous endpoints keep their answers by waiting on a queued job', async () => {
    const form = new FormData();
    form.append('file', new Blob([PHOTO], { type: 'image/jpeg' }), 'photo.jpg');
    const res = await fetch(`${apis[1].url}/api/v1/process`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job_id: string; png_url: string; result: { face_detected: boolean } };
    expect(body.result.face_detected).toBe(true);
    const png = await fetch(`${apis[0].url}${body.png_url}`);
    expect(png.status).toBe(200);
    expect((await png.arrayBuffer()).byteLength).toBeGreaterThan(1000);

    const noFace = new FormData();
    noFace.append('file', new Blob([fixture('no-face-cat.png')], { type: 'image/png' }), 'cat.png');
    const refused = await fetch(`${apis[0].url}/api/v1/process`, { method: 'POST', body: noFace });
    expect(refused.status).toBe(422);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('no_face');
  }, 90_000);

  it('a batch is a parent job with one child per image: items made by either worker, each with its own result or error', async () => {
    const form = new FormData();
    form.append('segmentation_size', '256');
    form.append('files', new Blob([PHOTO], { type: 'image/jpeg' }), 'one.jpg');
    form.append('files', new Blob([fixture('no-face-cat.png')], { type: 'image/png' }), 'cat.png');
    form.append('files', new Blob([fixture('random-bytes.bin')]), 'noise.bin');
    form.append('files', new Blob([fixture('portrait-2.jpg')], { type: 'image/jpeg' }), 'two.jpg');
    const res = await fetch(`${apis[0].url}/api/v1/process/batch`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { job_id: string; total: number; successful: number; results: { index: number; filename: string; success: boolean; png_url?: string; error?: { code: string } }[] };
    expect(res.headers.get('x-job-id')).toBe(body.job_id);
    expect(body).toMatchObject({ total: 4, successful: 2, failed: 2 });
    expect(body.results.map((r) => [r.index, r.filename, r.success, r.error?.code])).toEqual([
      [0, 'one.jpg', true, undefined],
      [1, 'cat.png', false, 'no_face'],
      [2, 'noise.bin', false, 'invalid_image'],
      [3, 'two.jpg', true, undefined],
    ]);
    const item = await fetch(`${apis[1].url}${body.results[3].png_url}`);
    expect(item.status).toBe(200);
    expect(item.headers.get('content-type')).toBe('image/png');
    const job = await jobStatus(apis[1].url, body.job_id);
    expect(job.body).toMatchObject({ state: 'completed', result: { job_id: body.job_id, total: 4, successful: 2 } });
    expect(job.body.png_url).toBeUndefined();
    expect(await storedKeys(body.job_id)).toEqual(['0/portrait.jpg', '0/portrait.png', '0/result.json', '1/result.json', '2/result.json', '3/portrait.jpg', '3/portrait.png', '3/result.json', 'batch.json']);
  }, 120_000);

  it('SIGKILL of the worker holding a job at ≥ 20 %: the other worker completes it; nothing lost or stored twice', async () => {
    // The target at full size, so it is on its worker long enough to be caught; three light ones beside it.
    const target = await submit(apis[0].url, {});
    const ids = [target, ...(await Promise.all([submit(apis[1].url), submit(apis[0].url), submit(apis[1].url)]))];
    let killed: ChildWorker | undefined;
    let progressAtKill = 0;
    try {
      await withWorkerLogs(async () => {
        await waitForJob(apis[1].url, target, 120_000, (body) => {
          if (killed || body.state !== 'active' || body.progress < 20) return;
          const holder = liveWorkers().find((w) => w.output().includes(`"msg":"job started","job_id":"${target}"`));
          if (!holder) return;
          progressAtKill = body.progress;
          killed = holder;
          holder.proc.kill('SIGKILL');
        }, 100);
        expect(killed, 'the job finished before its worker could be killed').toBeDefined();
        expect(progressAtKill).toBeGreaterThanOrEqual(20);
        expect(killed!.done()).not.toContain(target);

        const finished = await Promise.all(ids.map((id) => waitForJob(apis[0].url, id, 180_000)));
        expect(finished.map((j) => j.state)).toEqual(['completed', 'completed', 'completed', 'completed']);
        const survivor = liveWorkers()[0];
        expect(survivor.done()).toContain(target);
        for (const id of ids) expect(await storedKeys(id)).toEqual(['portrait.jpg', 'portrait.png', 'result.json']);
      });
    } finally {
      while (liveWorkers().length < 2) await startWorker();
    }
  }, 420_000);

  it(`a burst of ${BURST} jobs across both APIs: every one completes exactly once`, async () => {
    while (liveWorkers().length < 2) await startWorker();
    const before = new Set(workers.flatMap((w) => w.done()));
    const ids = await Promise.all(Array.from({ length: BURST }, (_, i) => submit(apis[i % 2].url)));
    expect(new Set(ids).size).toBe(BURST);
    let finished: JobBody[] = [];
    await withWorkerLogs(async () => {
      finished = await Promise.all(ids.map((id, i) => waitForJob(apis[(i + 1) % 2].url, id, 840_000, undefined, 2000)));
    });
    expect(finished.filter((j) => j.state !== 'completed')).toEqual([]);
    const doneLines = workers.flatMap((w) => w.done()).filter((id) => !before.has(id));
    // Completed once each: no job was completed by two workers.
    expect(doneLines.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
    // Both workers took part.
    expect(liveWorkers().filter((w) => w.done().some((id) => ids.includes(id))).length).toBe(2);
    const keys = await Promise.all(ids.map(storedKeys));
    expect(keys.filter((k) => k.join() !== 'portrait.jpg,portrait.png,result.json')).toEqual([]);
  }, 900_000);

  it('an API restart loses nothing', async () => {
    const ids = await Promise.all(Array.from({ length: 6 }, () => submit(apis[0].url)));
    expect(await apis[0].stop('SIGTERM')).toBe(0);
    apis[0] = await startApi(0);
    const finished = await Promise.all(ids.map((id) => waitForJob(apis[0].url, id, 120_000)));
    expect(finished.map((j) => j.state)).toEqual(ids.map(() => 'completed'));
  }, 180_000);

  it('Redis restarted mid-burst: queued jobs resume; requests meanwhile get a retryable 503, never a silent loss', async () => {
    const first = await Promise.all(Array.from({ length: 10 }, (_, i) => submit(apis[i % 2].url)));
    const restarting = redis.restart(1500);
    // Posted while Redis is going down, away and coming back: each is taken (202) or refused with a retryable 503 and retried.
    const during = await Promise.all(Array.from({ length: 6 }, async (_, i) => {
      await new Promise((r) => setTimeout(r, 300 * i));
      return submit(apis[i % 2].url);
    }));
    await restarting;
    const ids = [...first, ...during];
    const finished: JobBody[] = await Promise.all(ids.map((id, i) => waitForJob(apis[i % 2].url, id, 180_000)));
    for (const job of finished) {
      if (job.state === 'failed') expect(job.error).toMatchObject({ retryable: true });
      else expect(job.state).toBe('completed');
    }
    expect(finished.filter((j) => j.state === 'completed').length).toBeGreaterThanOrEqual(ids.length - 2);
  }, 300_000);

  it('FACECRAFT_S3_PRESIGNED_DOWNLOADS=true: downloads redirect to a presigned URL of the bucket with the same bytes', async () => {
    const id = await submit(apis[0].url);
    await waitForJob(apis[0].url, id, 60_000);
    const dirs = { uploads: path.join(scratch, 'presigned-uploads'), processed: path.join(scratch, 'presigned-processed') };
    const api = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, clusterEnv({ FACECRAFT_ROLE: 'api', FACECRAFT_S3_PRESIGNED_DOWNLOADS: 'true' })), log: () => {} });
    try {
      const redirect = await fetch(`${api.url}/api/v1/download/${id}/jpg`, { redirect: 'manual' });
      expect(redirect.status).toBe(302);
      const location = redirect.headers.get('location')!;
      expect(location.startsWith(`${s3.endpoint}/${s3.bucket}/results/${id}/portrait.jpg?`)).toBe(true);
      const direct = await fetch(location);
      expect(direct.status).toBe(200);
      expect(direct.headers.get('content-disposition')).toBe(`attachment; filename="portrait-${id}.jpg"`);
      const streamed = await fetch(`${apis[1].url}/api/v1/download/${id}/jpg`);
      expect(Buffer.from(await direct.arrayBuffer()).equals(Buffer.from(await streamed.arrayBuffer()))).toBe(true);
      expect((await fetch(`${api.url}/api/v1/download/00000000-0000-4000-8000-000000000000/png`, { redirect: 'manual' })).status).toBe(404);
    } finally {
      await api.close();
    }
  }, 90_000);

  it('cleanup removes old jobs from the bucket (FACECRAFT_CLEANUP_AGE_HOURS on the s3 store)', async () => {
    const id = await submit(apis[1].url);
    await waitForJob(apis[1].url, id, 60_000);
    const store = new S3ResultStore({ ...s3, forcePathStyle: true, presignedDownloads: false }, silentLogger);
    try {
      const hour = 3_600_000;
      expect((await store.cleanup(hour)).removed).toEqual([]);
      expect(await storedKeys(id)).toHaveLength(3);
      const { removed } = await store.cleanup(hour, Date.now() + 2 * hour);
      expect(removed).toContain(id);
      expect(await storedKeys(id)).toEqual([]);
      expect((await jobStatus(apis[0].url, id)).status).toBe(404);
      expect((await fetch(`${apis[0].url}/api/v1/download/${id}/png`)).status).toBe(404);
    } finally {
      store.close();
    }
  }, 90_000);

  it('the api role writes nothing to local disk but transient upload buffers', () => {
    for (const dirs of apiDirs) {
      expect(existsSync(dirs.processed) ? readdirSync(dirs.processed) : []).toEqual([]);
      expect(readdirSync(dirs.uploads)).toEqual([]);
    }
  });
});
