// routes/jobs.ts on its own: POST /jobs, GET /jobs/{id}, the downloads and DELETE, on the
// in-process queue and the folder store, with a fake pool in place of the worker threads.
import { NoFaceError } from '@facecraft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { JobLimiter } from '../../src/jobs/job-limiter.js';
import { PortraitService } from '../../src/jobs/portrait-service.js';
import { Statistics } from '../../src/jobs/statistics.js';
import { silentLogger } from '../../src/logger.js';
import { apiKeyCheck } from '../../src/middleware/api-key.js';
import { MemoryJobQueue } from '../../src/queue/memory-job-queue.js';
import { createJobsRouter } from '../../src/routes/jobs.js';
import { createResultStore } from '../../src/store/create-result-store.js';
import type { PortraitJobResult } from '../../src/workers/worker-pool.js';
import { fakePool, madePortrait, schemasOf, serveRoutes, underApiPrefix, undocumented } from '../support/route-app.js';
import { fixture, form, schemaErrors, scratchDirs, testEnv } from '../support/server-harness.js';

const dirs = scratchDirs();
const config = loadConfig(testEnv(dirs), { defaultPlaygroundDir: '/nonexistent' });
const schemas = schemasOf(config);
let job: PortraitJobResult;
let served: Awaited<ReturnType<typeof serveRoutes>>;

beforeAll(async () => {
  job = await madePortrait();
  // Width 321 stands for a photo without a face.
  const pool = fakePool(async (_bytes, options) => {
    if (options.width === 321) throw new NoFaceError();
    return job;
  });
  const service = new PortraitService({ pool, limiter: new JobLimiter(4), stats: new Statistics(), logger: silentLogger });
  const store = createResultStore(config, silentLogger);
  const queue = new MemoryJobQueue({ run: (bytes, options) => service.process(bytes, options), store, logger: silentLogger, beforeSubmit: () => service.assertAccepting() });
  served = await serveRoutes(underApiPrefix(createJobsRouter({ config, store, queue, service, logger: silentLogger, requireApiKey: apiKeyCheck(undefined).requireApiKey })));
}, 120_000);

afterAll(async () => {
  await served?.close();
  dirs.remove();
});

const api = (path: string, init?: RequestInit) => fetch(`${served.base}/api/v1${path}`, init);
const json = async (res: Response) => (await res.json()) as Record<string, any>;

function expectFits(body: unknown, schema: string) {
  expect(schemaErrors(body, schemas[schema], schemas)).toEqual([]);
  expect(undocumented(body, schemas[schema], schemas)).toEqual([]);
}

/** GET /jobs/{id} until the job has ended. */
async function settled(id: string): Promise<Record<string, any>> {
  for (let i = 0; i < 200; i++) {
    const body = await json(await api(`/jobs/${id}`));
    if (body.state === 'completed' || body.state === 'failed') return body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not end`);
}

describe('routes/jobs.ts', () => {
  it('queues a photo (202 + Location), follows it to completed, serves its files, deletes it', async () => {
    const res = await api('/jobs', { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }) });
    const accepted = await json(res);
    expect([res.status, res.headers.get('location')]).toEqual([202, `/api/v1/jobs/${accepted.job_id}`]);
    expectFits(accepted, 'JobAccepted');

    const done = await settled(accepted.job_id);
    expect(done).toMatchObject({ state: 'completed', progress: 100, attempts: 1, png_url: `/api/v1/download/${accepted.job_id}/png` });
    expectFits(done, 'JobStatus');

    const png = await api(`/download/${accepted.job_id}/png`);
    expect([png.status, png.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await png.arrayBuffer()).equals(Buffer.from(job.png))).toBe(true);
    expect((await api(`/download/${accepted.job_id}/jpeg`)).headers.get('content-type')).toBe('image/jpeg');

    const deleted = await json(await api(`/jobs/${accepted.job_id}`, { method: 'DELETE' }));
    expect(deleted).toMatchObject({ success: true, job_id: accepted.job_id });
    expectFits(deleted, 'DeleteResponse');
    expect((await api(`/download/${accepted.job_id}/png`)).status).toBe(404);
  });

  it('a job the pipeline refuses ends as failed with its code, not retryable', async () => {
    const accepted = await json(await api('/jobs', { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }, { width: 321 }) }));
    const failed = await settled(accepted.job_id);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'no_face', retryable: false } });
    expectFits(failed, 'JobStatus');
  });

  it('checks ids and formats by pattern: a non-id is a job that does not exist, a bad format is 400', async () => {
    for (const path of ['/jobs/..%2f..%2fetc', '/jobs/123', '/download/nope/png']) {
      const res = await api(path);
      expect([path, res.status, (await json(res)).error.code]).toEqual([path, 404, 'job_not_found']);
    }
    const res = await api('/download/123e4567-e89b-42d3-a456-426614174000/gif');
    expect([res.status, (await json(res)).error.code]).toEqual([400, 'invalid_parameter']);
  });
});
