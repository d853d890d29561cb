import { existsSync, mkdirSync, readdirSync, utimesSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { waitUntil } from './support/local-services.js';
import { assertBuiltServerIsCurrent, fixture, form, listFiles, scratchDirs, startChildServer, testEnv } from './support/server-harness.js';

/** Results survive a restart, old ones are cleaned up, and SIGTERM lets a job in flight finish. */
const dirs = scratchDirs();
const env = testEnv(dirs, { FACECRAFT_WORKERS: '1', FACECRAFT_CLEANUP_AGE_HOURS: '24' });
afterAll(() => dirs.remove());

const processPhoto = (url: string, name: string) =>
  fetch(`${url}/api/v1/process`, { method: 'POST', body: form({ file: { name, bytes: fixture(name) } }, { width: 300, height: 300 }) });
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer());

describe('restart, cleanup and shutdown', () => {
  it('keeps jobs across a restart, removes only those older than FACECRAFT_CLEANUP_AGE_HOURS, and exits 0 on SIGTERM after finishing its job', async () => {
    assertBuiltServerIsCurrent();
    const first = await startChildServer(env);
    await first.waitReady();
    const kept: any = await (await processPhoto(first.url, 'portrait-1.jpg')).json();
    const aged: any = await (await processPhoto(first.url, 'portrait-2.jpg')).json();
    expect([kept.success, aged.success]).toEqual([true, true]);
    const keptPng = await bytesOf(await fetch(`${first.url}${kept.png_url}`));
    const keptJpg = await bytesOf(await fetch(`${first.url}${kept.jpg_url}`));

    // SIGTERM while a job runs: the job completes and is answered, then the process exits 0.
    const inFlight = processPhoto(first.url, 'portrait-3.jpg');
    // Wait until the server reports the job as running (a slow machine may take longer than a fixed pause).
    let inProgress = -1;
    await waitUntil(
      async () => (inProgress = ((await fetch(`${first.url}/status`).then((r) => r.json())) as any).queue.in_progress) === 1,
      20_000,
      () => `queue.in_progress stayed ${inProgress}, expected 1`,
    );
    first.proc.kill('SIGTERM');
    const lastResponse = await inFlight;
    expect(lastResponse.status).toBe(200);
    const last: any = await lastResponse.json();
    expect(last.success).toBe(true);
    expect(await first.exited).toBe(0);
    expect(first.output()).toMatch(/SIGTERM received/);
    await expect(fetch(`${first.url}/health`)).rejects.toThrow();
    expect(existsSync(path.join(dirs.processed, last.job_id, 'portrait.png'))).toBe(true);

    // Between the runs: one job is made 25 hours old, one 23; a stranger folder and a stale temp folder appear.
    const setAge = (name: string, hours: number) => {
      const t = new Date(Date.now() - hours * 3_600_000);
      utimesSync(path.join(dirs.processed, name), t, t);
    };
    setAge(aged.job_id, 25);
    setAge(last.job_id, 23);
    mkdirSync(path.join(dirs.processed, 'keep-me'));
    setAge('keep-me', 1000);
    const temp = `.tmp-${kept.job_id}-0badf00d`;
    mkdirSync(path.join(dirs.processed, temp));
    setAge(temp, 2);
    mkdirSync(path.join(dirs.uploads, 'left-by-a-crash'), { recursive: true });

    const second = await startChildServer(env);
    try {
      await second.waitReady();
      const deadline = Date.now() + 10_000;
      // Cleanup runs at start-up, beside model loading.
      while ((existsSync(path.join(dirs.processed, aged.job_id)) || existsSync(path.join(dirs.processed, temp))) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(readdirSync(dirs.processed).sort()).toEqual([kept.job_id, last.job_id, 'keep-me'].sort());
      expect(listFiles(dirs.uploads)).toEqual([]);

      const png = await fetch(`${second.url}${kept.png_url}`);
      expect(png.status).toBe(200);
      expect((await bytesOf(png)).equals(keptPng)).toBe(true);
      expect((await bytesOf(await fetch(`${second.url}${kept.jpg_url}`))).equals(keptJpg)).toBe(true);
      expect((await fetch(`${second.url}${last.png_url}`)).status).toBe(200);
      const gone = await fetch(`${second.url}${aged.png_url}`);
      expect(gone.status).toBe(404);
      expect(((await gone.json()) as any).error.code).toBe('job_not_found');
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  });
});
