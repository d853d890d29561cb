import { afterAll, describe, expect, it } from 'vitest';
import { assertBuiltServerIsCurrent, fixture, form, scratchDirs, startChildServer, testEnv } from './support/server-harness.js';

/** FACECRAFT_JOB_TIMEOUT_S on the real worker: a job past the limit is answered 504 and its worker replaced. */
const dirs = scratchDirs();
afterAll(() => dirs.remove());

describe('a job that runs past FACECRAFT_JOB_TIMEOUT_S (real models, real photo)', () => {
  it('gets 504 processing_timeout while the server keeps answering, and a fresh worker comes back ready', async () => {
    assertBuiltServerIsCurrent();
    // A full portrait takes over a second on the CPU; 0.2 s is sure to run out mid-pipeline.
    const server = await startChildServer(testEnv(dirs, { FACECRAFT_WORKERS: '1', FACECRAFT_JOB_TIMEOUT_S: '0.2' }));
    try {
      await server.waitReady();
      const body = form({ file: { name: 'portrait-1.jpg', bytes: fixture('portrait-1.jpg') } });
      const res = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body, signal: AbortSignal.timeout(30_000) });
      expect(res.status).toBe(504);
      const error: any = await res.json();
      expect(error.error.code).toBe('processing_timeout');
      expect(error.error.message).toMatch(/longer than 0\.2 s/);
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect(server.output()).toMatch(/job ran past the time limit; retiring its worker/);
      // The replacement loads its models and the server reports ready again, with the failure counted;
      // the timed-out worker ends the job it was in and exits by itself (terminating a thread under an
      // onnxruntime call would abort the whole process).
      await server.waitReady(60_000);
      const deadline = Date.now() + 60_000;
      let status: any;
      do {
        status = await (await fetch(`${server.url}/status`)).json();
        if (status.workers.retiring === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      } while (Date.now() < deadline);
      expect(status.workers).toMatchObject({ configured: 1, ready: 1, retiring: 0 });
      expect(status.statistics.failed).toBe(1);
      expect(status.queue.in_progress).toBe(0);
      expect(server.output()).toMatch(/retired worker exited/);
      // The next job, on the fresh worker, is stopped in time too; SIGTERM then lets the retiring
      // worker end that job before the process exits (cleanly: exit code 0, checked below).
      const again = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'portrait-2.jpg', bytes: fixture('portrait-2.jpg') } }) });
      expect(again.status).toBe(504);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });
});
