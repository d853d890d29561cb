// Fuzz: hundreds of odd but valid images (collages of many faces, faces cut by the edges, tiny,
// turned, greyscale, blurred, no face at all, 1×1 to 5000×3) through a real server on the real
// models. Every answer must be a 200 or a 4xx JSON with a stable code — never a 5xx — and the
// server must stay healthy and still make a normal portrait afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../dist/index.js';
import { makeFuzzImages, type FuzzImage } from './support/fuzz-images.js';
import { assertBuiltServerIsCurrent, fixture, form, scratchDirs, testEnv } from './support/server-harness.js';

/** The codes an odd image may be refused with: each a 4xx with a documented meaning. */
const STABLE_CODES = new Set(['no_face', 'multiple_faces', 'invalid_image', 'image_too_large']);
/** Requests in flight at once: under the server's admission limit (min(4, 2 workers + queue)), so nothing is turned away as busy. */
const CONCURRENCY = 3;
/** Every this many images goes to /process/quick instead (it runs segmentation at its full default size, so only a share). */
const QUICK_EVERY = 20;
const BATCH_SIZE = 12;

interface Outcome {
  readonly name: string;
  readonly kind: string;
  readonly route: 'process' | 'quick' | 'batch';
  readonly status: number;
  readonly code?: string;
  readonly reason?: string;
  readonly json: boolean;
}

let server: RunningServer;
let dirs: ReturnType<typeof scratchDirs>;
let images: FuzzImage[];
const outcomes: Outcome[] = [];
const healthStatuses: number[] = [];
/** The server's log lines at level error: an unexpected failure is logged there with its stack. */
const errorLines: string[] = [];
let runMs = 0;

async function errorOf(res: Response): Promise<{ json: boolean; code?: string; reason?: string }> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('application/json')) return { json: false };
  const body = (await res.json()) as { error?: { code?: string; details?: { reason?: string } } };
  return { json: true, code: body.error?.code, reason: body.error?.details?.reason };
}

async function sendOne(image: FuzzImage, route: 'process' | 'quick'): Promise<Outcome> {
  const res =
    route === 'process'
      ? await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: image.name, bytes: image.bytes } }, { segmentation_size: 320 }) })
      : await fetch(`${server.url}/api/v1/process/quick`, { method: 'POST', body: form({ file: { name: image.name, bytes: image.bytes } }, { size: 320 }) });
  if (res.status === 200) {
    if (route === 'process') {
      const body = (await res.json()) as { success: boolean };
      return { name: image.name, kind: image.kind, route, status: 200, json: body.success === true };
    }
    const png = Buffer.from(await res.arrayBuffer());
    return { name: image.name, kind: image.kind, route, status: 200, json: res.headers.get('content-type') === 'image/png' && png.length > 0 };
  }
  return { name: image.name, kind: image.kind, route, status: res.status, ...(await errorOf(res)) };
}

async function sendBatch(batch: readonly FuzzImage[]): Promise<Outcome[]> {
  const res = await fetch(`${server.url}/api/v1/process/batch`, {
    method: 'POST',
    body: form({ files: batch.map((image) => ({ name: image.name, bytes: image.bytes })) }, { segmentation_size: 320 }),
  });
  if (res.status !== 200) return [{ name: 'batch', kind: 'batch', route: 'batch', status: res.status, ...(await errorOf(res)) }];
  const body = (await res.json()) as { results: { index: number; success: boolean; status?: number; error?: { code: string } }[] };
  return body.results.map((r) => {
    const image = batch[r.index];
    return r.success
      ? { name: image.name, kind: image.kind, route: 'batch' as const, status: 200, json: true }
      : { name: image.name, kind: image.kind, route: 'batch' as const, status: r.status ?? 0, code: r.error?.code, json: true };
  });
}

/** Runs `work` over `items` with at most `limit` at once. */
async function pool<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]);
  }));
}

function describeFailures(list: readonly Outcome[]): string {
  return list.map((o) => `${o.route} ${o.name}: ${o.status} ${o.code ?? ''}${o.json ? '' : ' (not JSON)'}`).join('\n');
}

beforeAll(async () => {
  assertBuiltServerIsCurrent();
  dirs = scratchDirs('facecraft-fuzz-');
  const started = performance.now();
  images = await makeFuzzImages();
  const generatedMs = performance.now() - started;
  server = await startServer({
    host: '127.0.0.1',
    port: 0,
    env: testEnv(dirs, { FACECRAFT_WORKERS: '2', FACECRAFT_LOG_LEVEL: 'error', FACECRAFT_BATCH_MAX_FILES: String(BATCH_SIZE) }),
    log: (line) => errorLines.push(line),
  });
  await server.ready;
  console.log(`fuzz: ${images.length} images generated in ${Math.round(generatedMs)} ms`);
});

afterAll(async () => {
  await server?.close();
  dirs?.remove();
});

describe('fuzz: odd but valid images never make a 5xx', () => {
  it('answers every image with 200 or a 4xx JSON carrying a stable code, /health staying 200', async () => {
    expect(images.length).toBeGreaterThanOrEqual(200);
    const reported = images.filter((i) => i.kind === 'reported');
    // The reported case goes to every route; the rest is split between /process and /quick, and a batch.
    const batch = [...reported.slice(0, 1), ...images.filter((i, n) => i.kind !== 'reported' && n % 20 === 7).slice(0, BATCH_SIZE - 1)];
    const singles = images.filter((i) => !batch.includes(i) || i.kind === 'reported');
    const routed = singles.map((image, n) => ({ image, route: (n % QUICK_EVERY === QUICK_EVERY - 1 ? 'quick' : 'process') as 'process' | 'quick' }));
    routed.push({ image: reported[0], route: 'quick' });

    let running = true;
    const probe = (async () => {
      while (running) {
        healthStatuses.push((await fetch(`${server.url}/health`).catch(() => undefined))?.status ?? 0);
        await new Promise((r) => setTimeout(r, 500));
      }
    })();
    const started = performance.now();
    try {
      await pool(routed, CONCURRENCY, async ({ image, route }) => {
        outcomes.push(await sendOne(image, route));
      });
      outcomes.push(...(await sendBatch(batch)));
    } finally {
      running = false;
      await probe;
    }
    runMs = performance.now() - started;

    const summary: Record<string, Record<string, number>> = {};
    for (const o of outcomes) {
      const key = o.status === 200 ? '200' : `${o.status} ${o.code}${o.reason ? `/${o.reason}` : ''}`;
      summary[o.kind] ??= {};
      summary[o.kind][key] = (summary[o.kind][key] ?? 0) + 1;
    }
    console.log(`fuzz: ${outcomes.length} answers in ${Math.round(runMs / 1000)} s`, JSON.stringify(summary, null, 1));

    expect(outcomes.length).toBe(routed.length + batch.length);
    expect(outcomes.filter((o) => o.route === 'quick').length).toBeGreaterThanOrEqual(10);
    const bad = outcomes.filter((o) => !(o.status === 200 || (o.status >= 400 && o.status < 500 && o.json && o.code && STABLE_CODES.has(o.code))));
    expect(bad, describeFailures(bad)).toEqual([]);
    const broken200 = outcomes.filter((o) => o.status === 200 && !o.json);
    expect(broken200, describeFailures(broken200)).toEqual([]);
    // Most face images still make portraits; the checks do not refuse everything.
    expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThan(outcomes.length / 3);
    expect(healthStatuses.length).toBeGreaterThan(2);
    expect(healthStatuses.filter((s) => s !== 200)).toEqual([]);
    expect(errorLines).toEqual([]);
  }, 420_000);

  it('the reported collage of 12 portraits in 300 px tiles gives 200 or 422 on every route, never a 500', () => {
    const reported = outcomes.filter((o) => o.name.includes('collage-12-of-300px-4x3'));
    expect(reported.map((o) => o.route).sort()).toEqual(['batch', 'process', 'quick']);
    for (const o of reported) expect([200, 422], `${o.route}: ${o.status} ${o.code}`).toContain(o.status);
  });

  it('is still healthy afterwards and makes a normal portrait', async () => {
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const res = await fetch(`${server.url}/api/v1/process`, { method: 'POST', body: form({ file: { name: 'portrait-1.jpg', bytes: fixture('portrait-1.jpg') } }, { segmentation_size: 320 }) });
    const body = (await res.json()) as { success: boolean; result: { face_detected: boolean; face_count: number; output_size: { width: number; height: number } } };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.result).toMatchObject({ face_detected: true, face_count: 1, output_size: { width: 648, height: 648 } });
    const ready = await fetch(`${server.url}/ready`);
    expect(ready.status).toBe(200);
  });
});
