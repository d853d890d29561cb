// routes/process.ts on its own: the three POST routes with a real PortraitService in front of
// a fake pool (no worker threads, no models loaded by the routes), so each answer's shape, the
// form → options mapping and the early refusals are checked in a second or two.
import type { PortraitOptionsInput } from '@facecraft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { JobLimiter } from '../../src/jobs/job-limiter.js';
import { PortraitService } from '../../src/jobs/portrait-service.js';
import { Statistics } from '../../src/jobs/statistics.js';
import { silentLogger } from '../../src/logger.js';
import { apiKeyCheck } from '../../src/middleware/api-key.js';
import { createProcessRouter } from '../../src/routes/process.js';
import { createResultStore } from '../../src/store/create-result-store.js';
import type { PortraitJobResult } from '../../src/workers/worker-pool.js';
import { fakePool, madePortrait, schemasOf, serveRoutes, underApiPrefix, undocumented } from '../support/route-app.js';
import { fixture, form, schemaErrors, scratchDirs, testEnv } from '../support/server-harness.js';

const dirs = scratchDirs();
const config = loadConfig(testEnv(dirs, { FACECRAFT_DEFAULT_WIDTH: '500' }), { defaultPlaygroundDir: '/nonexistent' });
const schemas = schemasOf(config);
/** What the pool was asked to do, in order. */
const runs: PortraitOptionsInput[] = [];
let job: PortraitJobResult;
let served: Awaited<ReturnType<typeof serveRoutes>>;

beforeAll(async () => {
  job = await madePortrait();
  const pool = fakePool(async (_bytes, options) => {
    runs.push(options);
    return job;
  });
  const service = new PortraitService({ pool, limiter: new JobLimiter(4), stats: new Statistics(), logger: silentLogger });
  const router = createProcessRouter({ config, service, store: createResultStore(config, silentLogger), logger: silentLogger, requireApiKey: apiKeyCheck(undefined).requireApiKey });
  served = await serveRoutes(underApiPrefix(router));
}, 120_000);

afterAll(async () => {
  await served?.close();
  dirs.remove();
});

const photo = () => ({ name: 'photo.jpg', bytes: fixture('portrait-1.jpg') });
const post = (path: string, body: FormData) => fetch(`${served.base}/api/v1${path}`, { method: 'POST', body });

function expectFits(body: unknown, schema: string) {
  expect(schemaErrors(body, schemas[schema], schemas)).toEqual([]);
  expect(undocumented(body, schemas[schema], schemas)).toEqual([]);
}

describe('routes/process.ts', () => {
  it('POST /process: the form becomes pipeline options, the answer is a ProcessResponse', async () => {
    runs.length = 0;
    const res = await post('/process', form({ file: photo() }, { face_margin: '0.25', use_oval_mask: 'no', return_base64: 'true' }));
    const body = (await res.json()) as Record<string, any>;
    expect(res.status).toBe(200);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ width: 500, faceMargin: 0.25, ovalMask: false });
    expect(body).toMatchObject({ success: true, png_url: `/api/v1/download/${body.job_id}/png`, jpg_url: `/api/v1/download/${body.job_id}/jpg` });
    expect(Buffer.from(body.png_base64, 'base64').equals(Buffer.from(job.png))).toBe(true);
    expectFits(body, 'ProcessResponse');
  });

  it('POST /process/quick answers the PNG itself', async () => {
    const res = await post('/process/quick', form({ file: photo() }, { size: '300' }));
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(job.png))).toBe(true);
    expect(runs.at(-1)).toMatchObject({ width: 300, height: 300 });
  });

  it('POST /process/batch: each item made or failed on its own, the answer is a BatchResponse', async () => {
    const res = await post('/process/batch', form({ files: [photo(), { name: 'noise.jpg', bytes: fixture('random-bytes.bin') }] }));
    const answer = (await res.json()) as Record<string, any>;
    expect(res.status).toBe(200);
    expect(answer).toMatchObject({ success: false, total: 2, successful: 1, failed: 1 });
    expect(answer.results[1]).toMatchObject({ index: 1, success: false, status: 415, error: { code: 'invalid_image' } });
    expectFits(answer, 'BatchResponse');
  });

  it('refuses bad options and non-images before the pool sees them', async () => {
    runs.length = 0;
    const bad = await post('/process', form({ file: photo() }, { face_margin: '9' }));
    expect([bad.status, ((await bad.json()) as any).error.code]).toEqual([400, 'invalid_option']);
    const notImage = await post('/process', form({ file: { name: 'x.jpg', bytes: fixture('random-bytes.bin') } }));
    expect([notImage.status, ((await notImage.json()) as any).error.code]).toEqual([415, 'invalid_image']);
    const none = await post('/process', form({}, { width: '500' }));
    expect([none.status, ((await none.json()) as any).error.code]).toEqual([400, 'missing_file']);
    expect(runs).toEqual([]);
  });
});
