import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { assertBuiltServerIsCurrent, scratchDirs, testEnv } from './support/server-harness.js';

// One more thread than there are cores: the override is taken as it is, and the log says why it may hurt.
const THREADS = os.availableParallelism() + 1;
const logLines: string[] = [];
let server: RunningServer;
let dirs: ReturnType<typeof scratchDirs>;

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  dirs = scratchDirs();
  server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, { FACECRAFT_WORKERS: '1', FACECRAFT_THREADS: String(THREADS), FACECRAFT_LOG_LEVEL: 'info' }), log: (line) => logLines.push(line) });
  await server.ready;
});

afterAll(async () => {
  await server?.close();
  dirs?.remove();
});

describe('FACECRAFT_THREADS', () => {
  it('sets the onnxruntime threads of every worker, shown in /status, with a warning when the cores are oversubscribed', async () => {
    const body = (await (await fetch(`${server.url}/status`)).json()) as any;
    expect(body.workers).toMatchObject({ configured: 1, threads_per_worker: THREADS, threads_configured: THREADS, cores: os.availableParallelism() });
    const listening = logLines.map((l) => JSON.parse(l)).find((l) => l.msg === 'listening');
    expect(listening).toMatchObject({ threads_per_worker: THREADS });
    expect(logLines.some((l) => l.includes('more than the') && l.includes('cores available'))).toBe(true);
  });
});
