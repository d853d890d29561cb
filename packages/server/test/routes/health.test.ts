// routes/health.ts on its own: the probes and /status against a fake pool, and every body
// held to the schema /openapi.json publishes for it (no field it does not name).
import type { ModelManifest } from '@facecraft/core';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { JobLimiter } from '../../src/jobs/job-limiter.js';
import type { PortraitService } from '../../src/jobs/portrait-service.js';
import { Statistics } from '../../src/jobs/statistics.js';
import { createHealthRouter } from '../../src/routes/health.js';
import type { PoolRuntimeInfo, PoolView } from '../../src/workers/worker-pool.js';
import { fakePool, schemasOf, serveRouter, undocumented } from '../support/route-app.js';
import { modelsDir, schemaErrors } from '../support/server-harness.js';

const config = loadConfig({ FACECRAFT_MODELS_DIR: modelsDir, FACECRAFT_DEVICE: 'cuda' }, { defaultPlaygroundDir: '/nonexistent' });
const schemas = schemasOf(config);
const manifest: ModelManifest = {
  version: 1,
  models: [{ id: 'isnet', stage: 'segmentation', name: 'ISNet', file: 'isnet.onnx', bytes: 1, sha256: 'ab', licence: 'MIT', source: { package: 'p', version: '1.0.0', path: 'x' } } as unknown as ModelManifest['models'][number]],
};

/** A pool as /status sees it, loaded or not. */
function poolWith(info: PoolRuntimeInfo | undefined): PoolView {
  const pool = fakePool(() => Promise.reject(new Error('not here')), info);
  return info ? pool : { ...pool, isReady: false, everReady: false, readyWorkers: 0 };
}

const onCpuAfterCuda: PoolRuntimeInfo = {
  backend: 'ort-node',
  device: 'cpu',
  notice: 'CUDA is not available (no driver); running on the CPU',
  failures: [{ backend: 'ort-node', device: 'cuda', reason: 'CUDA is not available (no driver)' }],
  threads: 2,
  runtimes: [{ model: 'isnet', stage: 'segmentation', backend: 'ort-node', device: 'cpu', variant: 'float16' }],
  loadMs: 1234,
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

async function serve(info: PoolRuntimeInfo | undefined, stopping = false) {
  const router = createHealthRouter({
    config,
    pool: poolWith(info),
    limiter: new JobLimiter(4),
    stats: new Statistics(),
    service: { stopping } as PortraitService,
    manifest,
    version: '9.9.9',
    startedAt: Date.now(),
  });
  const served = await serveRouter(router);
  close = served.close;
  const get = async (path: string) => {
    const res = await fetch(`${served.base}${path}`);
    return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, any> };
  };
  return get;
}

function expectFits(body: unknown, schema: string) {
  expect(schemaErrors(body, schemas[schema], schemas)).toEqual([]);
  expect(undocumented(body, schemas[schema], schemas)).toEqual([]);
}

describe('routes/health.ts', () => {
  it('/health answers at once, whatever the models do', async () => {
    const get = await serve(undefined);
    const res = await get('/health');
    expect([res.status, res.body]).toEqual([200, { status: 'healthy' }]);
    expectFits(res.body, 'Health');
  });

  it('/ready is 503 with Retry-After while loading or stopping, 200 once a worker is up', async () => {
    let get = await serve(undefined);
    let res = await get('/ready');
    expect([res.status, res.retryAfter, res.body.reason]).toEqual([503, '5', 'loading models']);
    expectFits(res.body, 'Ready');
    await close?.();
    get = await serve(onCpuAfterCuda, true);
    expect((await get('/ready')).body.reason).toBe('shutting down');
    await close?.();
    get = await serve(onCpuAfterCuda);
    res = await get('/ready');
    expect([res.status, res.body]).toEqual([200, { ready: true, models_loaded: true, workers: { ready: 1, total: 1 } }]);
    expectFits(res.body, 'Ready');
  });

  it('/status names the device, the fallback and every backend the registry tried before it', async () => {
    const get = await serve(onCpuAfterCuda);
    const { body } = await get('/status');
    expect(body.device).toEqual({
      type: 'cpu',
      requested: 'cuda',
      name: 'CPU',
      notice: 'CUDA is not available (no driver); running on the CPU',
      failures: [{ backend: 'ort-node', device: 'cuda', reason: 'CUDA is not available (no driver)' }],
    });
    expect(body.models.isnet).toMatchObject({ loaded: true, backend: 'ort-node', device: 'cpu', variant: 'float32' });
    expectFits(body, 'Status');
  });

  it('/status before any worker is up still fits its schema', async () => {
    const get = await serve(undefined);
    const { body } = await get('/status');
    expect([body.status, body.device.type, body.device.failures]).toEqual(['starting', null, []]);
    expectFits(body, 'Status');
  });
});
