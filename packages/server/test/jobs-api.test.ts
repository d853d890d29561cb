import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { jobStatus, waitForJob } from './support/scale-cluster.js';
import { assertBuiltServerIsCurrent, fixture, form, schemaErrors, scratchDirs, testEnv } from './support/server-harness.js';

/**
 * POST /api/v1/jobs and GET /api/v1/jobs/{id} in the embedded default (no scale-out variables):
 * the memory queue in this process and the fs store in FACECRAFT_OUTPUT_DIR, exactly where the
 * synchronous endpoints keep their results.
 */
let server: RunningServer;
let dirs: ReturnType<typeof scratchDirs>;
const SMALL = { width: 128, height: 128, segmentation_size: 256 };

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  dirs = scratchDirs();
  server = await startServer({ host: '127.0.0.1', port: 0, env: testEnv(dirs, { FACECRAFT_WORKERS: '1' }), log: () => {} });
  await server.ready;
}, 120_000);

afterAll(async () => {
  await server?.close();
  dirs?.remove();
});

describe('jobs API on the default memory queue and fs store', () => {
  it('POST /jobs answers 202 at once; GET /jobs/{id} follows it to completed; the files are in the output folder', async () => {
    const res = await fetch(`${server.url}/api/v1/jobs`, { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }, SMALL) });
    expect(res.status).toBe(202);
    const accepted = (await res.json()) as { job_id: string; state: string; status_url: string };
    expect(accepted.state).toBe('waiting');
    expect(accepted.status_url).toBe(`/api/v1/jobs/${accepted.job_id}`);
    expect(res.headers.get('location')).toBe(accepted.status_url);

    const states = new Set<string>();
    const done = await waitForJob(server.url, accepted.job_id, 60_000, (body) => states.add(body.state));
    expect(done).toMatchObject({ state: 'completed', progress: 100, attempts: 1, png_url: `/api/v1/download/${accepted.job_id}/png` });
    expect(done.result).toMatchObject({ success: true, job_id: accepted.job_id, result: { face_detected: true, output_size: { width: 128, height: 128 } } });
    const png = Buffer.from(await (await fetch(`${server.url}${done.png_url}`)).arrayBuffer());
    expect(png.equals(readFileSync(path.join(dirs.processed, accepted.job_id, 'portrait.png')))).toBe(true);
    const doc = (await (await fetch(`${server.url}/openapi.json`)).json()) as { components: { schemas: Record<string, never> } };
    expect(schemaErrors(done, doc.components.schemas.JobStatus, doc.components.schemas)).toEqual([]);
  }, 60_000);

  it('a photo the pipeline refuses ends as failed, with its code and retryable: false', async () => {
    const res = await fetch(`${server.url}/api/v1/jobs`, { method: 'POST', body: form({ file: { name: 'cat.png', bytes: fixture('no-face-cat.png') } }, SMALL) });
    expect(res.status).toBe(202);
    const { job_id: id } = (await res.json()) as { job_id: string };
    const done = await waitForJob(server.url, id, 60_000);
    expect(done).toMatchObject({ state: 'failed', error: { code: 'no_face', retryable: false } });
    expect(done.png_url).toBeUndefined();
  }, 60_000);

  it('refuses what is not an image before queueing it (415), like POST /process', async () => {
    const res = await fetch(`${server.url}/api/v1/jobs`, { method: 'POST', body: form({ file: { name: 'x.bin', bytes: fixture('random-bytes.bin') } }) });
    expect(res.status).toBe(415);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_image');
  });

  it('a job made by the synchronous POST /process is found as completed; an unknown id is 404', async () => {
    const made = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }, SMALL) });
    const { job_id: id } = (await made.json()) as { job_id: string };
    const answer = await jobStatus(server.url, id);
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ job_id: id, state: 'completed', jpg_url: `/api/v1/download/${id}/jpg`, result: { job_id: id } });
    const unknown = await jobStatus(server.url, '00000000-0000-4000-8000-000000000000');
    expect(unknown.status).toBe(404);
    expect((unknown.body as unknown as { error: { code: string } }).error.code).toBe('job_not_found');
  }, 60_000);
});
