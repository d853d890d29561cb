import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isJobId, newJobId } from '../src/jobs/job-id.js';
import { JobLimiter } from '../src/jobs/job-limiter.js';
import { JobNotFoundError, JobStore } from '../src/jobs/job-store.js';
import { Statistics } from '../src/jobs/statistics.js';
import { silentLogger } from '../src/logger.js';

const HOUR = 3_600_000;
let dir: string;
let store: JobStore;
const portrait = (tag: number) => ({ png: new Uint8Array([0x89, 0x50, tag]), jpeg: new Uint8Array([0xff, 0xd8, tag]), result: { tag } });
const age = (id: string, hours: number) => {
  const t = new Date(Date.now() - hours * HOUR);
  utimesSync(path.join(dir, id), t, t);
};
const read = (stream: NodeJS.ReadableStream) =>
  new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => resolve(Buffer.concat(chunks))).on('error', reject);
  });

beforeEach(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'facecraft-jobs-'));
  store = new JobStore(dir, silentLogger);
  await store.init();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('job ids', () => {
  it('are random v4 UUIDs and nothing else passes', () => {
    const ids = new Set(Array.from({ length: 1000 }, newJobId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isJobId(id)).toBe(true);
    for (const bad of ['../../etc/passwd', '..', '', 'D97EF2D1-47C6-4A88-B0C7-7F7F43B94013', 'd97ef2d1-47c6-4a88-b0c7-7f7f43b94013/..', 'd97ef2d1-47c6-4a88-b0c7-7f7f43b9401', 'd97ef2d1-47c6-1a88-b0c7-7f7f43b94013']) {
      expect(isJobId(bad), bad).toBe(false);
    }
  });
});

describe('JobStore', () => {
  it('writes a job whole (through a temporary folder) and reads it back', async () => {
    const id = newJobId();
    await store.saveSingle(id, portrait(1));
    expect(readdirSync(dir)).toEqual([id]);
    expect(readdirSync(path.join(dir, id)).sort()).toEqual(['portrait.jpg', 'portrait.png', 'result.json']);
    const download = await store.openDownload(id, 'jpg');
    expect(download).toMatchObject({ size: 3, contentType: 'image/jpeg', fileName: `portrait-${id}.jpg` });
    expect([...(await read(download.stream))]).toEqual([0xff, 0xd8, 1]);
    expect(await store.readResult(id)).toEqual({ tag: 1 });
    await expect(store.openDownload('../../etc/passwd', 'png')).rejects.toBeInstanceOf(JobNotFoundError);
    await expect(store.openDownload(newJobId(), 'png')).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('keeps batch items apart; a failed item has only its result', async () => {
    const id = newJobId();
    await store.saveBatch(id, [{ portrait: portrait(1), result: { ok: true } }, { result: { error: 'no_face' } }], () => ({ total: 2 }));
    expect(await store.isBatch(id)).toBe(true);
    expect([...(await read((await store.openDownload(id, 'png', 0)).stream))]).toEqual([0x89, 0x50, 1]);
    await expect(store.openDownload(id, 'png', 1)).rejects.toThrow(/Item 1 of this job has no result/);
    // An item the batch never had, and an item of a job that is no batch: named as such, not as a missing job.
    await expect(store.openDownload(id, 'png', 7)).rejects.toThrow(/^This batch job has no item 7$/);
    const single = newJobId();
    await store.saveSingle(single, portrait(2));
    await expect(store.openDownload(single, 'png', 0)).rejects.toThrow(/is not a batch job/);
    await expect(store.openDownload(newJobId(), 'png', 0)).rejects.toThrow(/^No job with this id$/);
    await expect(store.openDownload(id, 'png')).rejects.toThrow(/batch job/);
    await expect(store.openDownload(id, 'png', 5)).rejects.toBeInstanceOf(JobNotFoundError);
    expect(await store.readResult(id)).toEqual({ total: 2 });
  });

  it('cleanup removes only jobs older than the limit, and never one being downloaded', async () => {
    const [fresh, old, downloading] = [newJobId(), newJobId(), newJobId()];
    for (const [i, id] of [fresh, old, downloading].entries()) await store.saveSingle(id, portrait(i));
    mkdirSync(path.join(dir, 'not-a-job'));
    mkdirSync(path.join(dir, `.tmp-${newJobId()}-abcd1234`));
    age(old, 25);
    age(downloading, 30);
    age('not-a-job', 100);
    const temp = readdirSync(dir).find((n) => n.startsWith('.tmp-')) as string;
    age(temp, 2);
    age(fresh, 23);

    const download = await store.openDownload(downloading, 'png');
    expect(store.isDownloading(downloading)).toBe(true);
    const first = await store.cleanup(24 * HOUR);
    expect(first).toEqual({ removed: [old], skippedActive: [downloading] });
    expect(readdirSync(dir).sort()).toEqual([downloading, fresh, 'not-a-job'].sort());
    // The stream still delivers, then the job goes on the next round.
    expect([...(await read(download.stream))]).toEqual([0x89, 0x50, 2]);
    await new Promise((r) => (download.stream.closed ? r(undefined) : download.stream.once('close', () => r(undefined))));
    expect(store.isDownloading(downloading)).toBe(false);
    expect((await store.cleanup(24 * HOUR)).removed).toEqual([downloading]);
    expect(readdirSync(dir).sort()).toEqual([fresh, 'not-a-job'].sort());
  });

  it('a download that starts while its job is being deleted is refused, not half-served', async () => {
    const id = newJobId();
    await store.saveSingle(id, portrait(7));
    const deleting = store.delete(id);
    await expect(store.openDownload(id, 'png')).rejects.toBeInstanceOf(JobNotFoundError);
    expect(await deleting).toBe(true);
    expect(existsSync(path.join(dir, id))).toBe(false);
    expect(await store.delete(id)).toBe(false);
  });
});

describe('JobLimiter and Statistics', () => {
  it('admits up to the capacity; a batch takes what is free', () => {
    const limiter = new JobLimiter(4);
    expect(limiter.tryAcquire()).toBe(true);
    expect(limiter.tryAcquireUpTo(10)).toBe(3);
    expect(limiter.tryAcquire()).toBe(false);
    expect(limiter.tryAcquireUpTo(2)).toBe(0);
    limiter.release(2);
    expect(limiter.available).toBe(2);
    expect(() => limiter.release(5)).toThrow(RangeError);
  });

  it('reports totals, success rate, mean and p95', () => {
    const stats = new Statistics();
    expect(stats.snapshot()).toMatchObject({ total: 0, successRate: 0, averageMs: 0, p95Ms: 0 });
    for (let i = 1; i <= 100; i++) stats.recordSuccess(i * 10);
    stats.recordFailure();
    stats.recordRejection();
    expect(stats.snapshot()).toEqual({ total: 101, succeeded: 100, failed: 1, rejected: 1, successRate: 0.9901, averageMs: 505, p95Ms: 950 });
  });
});
