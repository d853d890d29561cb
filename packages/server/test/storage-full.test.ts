import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { assertBuiltServerIsCurrent, fixture, form, listFiles, scratchDirs, testEnv } from './support/server-harness.js';

/**
 * Full disks on real (tiny) tmpfs mounts: the upload folder and the result folder each fill up,
 * and the server says it is its own storage (507 storage_full, logged at error level), never the
 * client's fault or a bare 500, keeps serving, and keeps the batch items that did fit.
 * tmpfs needs root (as `npm test` has, and CI); the mounts are undone afterwards.
 */
const PAGE = 4096;
const dirs = scratchDirs('facecraft-storage-test-');
const mounts: string[] = [];
let server: RunningServer;
const logLines: Array<{ level: string; msg: string; [k: string]: unknown }> = [];

function mountTmpfs(dir: string, bytes: number): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(bytes / PAGE) * PAGE},mode=0777`, 'tmpfs', dir]);
  mounts.push(dir);
}

/** Fills a mounted folder until `leave` bytes (rounded to pages) are free. */
function fill(dir: string, leave: number): string {
  const free = Number(execFileSync('df', ['--output=avail', '-B1', dir]).toString().trim().split('\n')[1]);
  const file = path.join(dir, 'filler.bin');
  writeFileSync(file, Buffer.alloc(Math.max(0, free - leave)));
  return file;
}

const uploads = path.join(dirs.root, 'uploads-tmpfs');
const processed = path.join(dirs.root, 'processed-tmpfs');
const params = { width: 128, height: 128, segmentation_size: 256 };

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  if (process.getuid?.() !== 0) throw new Error('This test mounts tmpfs and needs root (npm test and CI run as root)');
  mountTmpfs(uploads, 256 * 1024);
  mountTmpfs(processed, 1024 * 1024);
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    env: testEnv({ uploads, processed }, { FACECRAFT_WORKERS: '1' }),
    log: (line: string) => logLines.push(JSON.parse(line)),
  });
  await server.ready;
}, 120_000);

afterAll(async () => {
  await server?.close();
  for (const dir of mounts.reverse()) execFileSync('umount', [dir]);
  dirs.remove();
});

const errorLogs = () => logLines.filter((l) => l.level === 'error');

describe('full disks', () => {
  it('a full upload folder answers 507 storage_full, logged as an error, and the server keeps serving', async () => {
    const filler = fill(uploads, 8 * 1024);
    const before = errorLogs().length;
    const res = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }, params) });
    const body: any = await res.json();
    expect([res.status, body.error.code]).toEqual([507, 'storage_full']);
    expect(body.error.message).toMatch(/storage is full/);
    expect(res.headers.get('retry-after')).toBe('60');
    expect(errorLogs().slice(before).map((l) => l.msg)).toContain('request failed');
    expect(logLines.some((l) => l.level !== 'error' && /ENOSPC/.test(JSON.stringify(l)))).toBe(false);
    // Nothing of the request is left behind, and with room again the same request works.
    expect(readdirSync(uploads)).toEqual(['filler.bin']);
    execFileSync('rm', [filler]);
    const retry = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }, params) });
    expect(retry.status).toBe(200);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 120_000);

  it('a full result folder answers 507 for a single image and keeps the batch items that fit', async () => {
    // The size of one stored item, learnt from the job just made.
    const [job] = readdirSync(processed).filter((n) => !n.startsWith('.'));
    const itemPages = readdirSync(path.join(processed, job)).reduce((pages, f) => pages + Math.ceil(statSync(path.join(processed, job, f)).size / PAGE), 0);

    fill(processed, 2 * PAGE);
    const before = errorLogs().length;
    const single = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'p.jpg', bytes: fixture('portrait-1.jpg') } }, params) });
    const singleBody: any = await single.json();
    expect([single.status, singleBody.error.code]).toEqual([507, 'storage_full']);
    expect(errorLogs().slice(before).length).toBeGreaterThan(0);
    expect(readdirSync(processed).filter((n) => n.startsWith('.tmp-'))).toEqual([]);

    // Room for one item and the batch's own files, not for three items.
    execFileSync('rm', [path.join(processed, 'filler.bin')]);
    fill(processed, (itemPages + 3) * PAGE);
    const photos = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg'].map((name) => ({ name, bytes: fixture(name) }));
    const batch = await fetch(`${server.url}/api/v1/process/batch`, { method: 'POST', body: form({ files: photos }, params) });
    const batchBody: any = await batch.json();
    expect(batch.status).toBe(200);
    expect(batchBody.total).toBe(3);
    expect(batchBody.successful).toBeGreaterThanOrEqual(1);
    expect(batchBody.failed).toBeGreaterThanOrEqual(1);
    const first = batchBody.results[0];
    expect(first.success).toBe(true);
    expect((await fetch(`${server.url}${first.png_url}`)).status).toBe(200);
    for (const item of batchBody.results.filter((r: any) => !r.success)) {
      expect([item.status, item.error.code]).toEqual([507, 'storage_full']);
      expect((await fetch(`${server.url}/api/v1/download/${batchBody.job_id}/${item.index}/png`)).status).toBe(404);
    }
    expect(errorLogs().some((l) => l.msg === 'batch item could not be stored')).toBe(true);
    expect(listFiles(processed).some((f) => f.includes('.tmp-'))).toBe(false);
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }, 180_000);
});
