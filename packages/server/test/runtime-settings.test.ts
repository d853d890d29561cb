import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { assertBuiltServerIsCurrent, scratchDirs, testEnv } from './support/server-harness.js';

// Both overrides at once, on one server: one more thread than there are cores (taken as it is,
// with a warning in the log) and the float16 segmentation model instead of the CPU's int8.
const THREADS = os.availableParallelism() + 1;
const logLines: string[] = [];
let server: RunningServer;
let dirs: ReturnType<typeof scratchDirs>;

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  dirs = scratchDirs();
  server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, { FACECRAFT_WORKERS: '1', FACECRAFT_THREADS: String(THREADS), FACECRAFT_SEGMENTATION_VARIANT: 'float16', FACECRAFT_LOG_LEVEL: 'info' }), log: (line) => logLines.push(line) });
  await server.ready;
});

afterAll(async () => {
  await server?.close();
  dirs?.remove();
});

describe('runtime settings', () => {
  it('sets the onnxruntime threads of every worker, shown in /status, with a warning when the cores are oversubscribed', async () => {
    const body = (await (await fetch(`${server.url}/status`)).json()) as any;
    expect(body.workers).toMatchObject({ configured: 1, threads_per_worker: THREADS, threads_configured: THREADS, cores: os.availableParallelism() });
    const listening = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'listening');
    expect(listening).toMatchObject({ threads_per_worker: THREADS });
    expect(logLines.some((l) => l.includes('more than the') && l.includes('cores available'))).toBe(true);
  });
});

describe('FACECRAFT_SEGMENTATION_VARIANT', () => {
  it('runs the variant it names instead of the CPU\'s preferred int8, and /status says so', async () => {
    const body = (await (await fetch(`${server.url}/status`)).json()) as any;
    expect(body.segmentation_variant).toEqual({ running: 'float16', requested: 'float16' });
    expect(body.backends.find((b: any) => b.stage === 'segmentation')).toMatchObject({ model: 'isnet', variant: 'float16' });
    expect(body.models.isnet).toMatchObject({ loaded: true, variant: 'float16' });
    expect(body.models['isnet-int8']).toMatchObject({ loaded: false, variant: 'int8' });
  });
});
