// The browser's model source keeps only verified models in Cache Storage. Node 20 has no
// CacheStorage, so a small in-memory one stands in for it here (it records every put); the
// playground test in packages/web/test/playground-model-cache.test.ts checks the same in Chromium.
import { createHash, randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelLoadError } from '../../src/errors.js';
import { createFetchModelSource } from '../../src/models/fetch-model-source.js';
import type { ModelEntry } from '../../src/models/model-manifest.js';
import { readVerifiedModel } from '../../src/models/model-source.js';

const BASE = 'http://models.test/models/';
const GOOD = new Uint8Array(randomBytes(64 * 1024));
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

const ENTRY = {
  id: 'test-model',
  stage: 'detection',
  name: 'Test model',
  format: 'onnx',
  file: 'test-model.onnx',
  bytes: GOOD.length,
  sha256: sha256(GOOD),
  licence: 'MIT',
  source: { package: 'none', version: '0' },
  transform: 'copy',
  inputs: [],
  outputs: [],
  inputSize: 128,
} satisfies ModelEntry;
const CACHE_KEY = `${BASE}${ENTRY.file}?sha256=${ENTRY.sha256}`;

/** Same length, a few bytes flipped: what a bad proxy or a flaky disk hands over. */
function corrupt(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  for (let i = 1000; i < out.length; i += 7919) out[i] = (out[i] as number) ^ 0xff;
  return out;
}

/** Just enough of the Cache and CacheStorage interfaces for the source, in memory. */
class MemoryCache {
  readonly entries = new Map<string, Uint8Array>();
  /** The sha256 of every body ever put, in order. */
  readonly puts: string[] = [];
  deletes = 0;
  async match(request: RequestInfo | URL): Promise<Response | undefined> {
    const bytes = this.entries.get(String(request instanceof Request ? request.url : request));
    return bytes ? new Response(bytes.slice()) : undefined;
  }
  async put(request: RequestInfo | URL, response: Response): Promise<void> {
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.puts.push(sha256(bytes));
    this.entries.set(String(request instanceof Request ? request.url : request), bytes);
  }
  async delete(request: RequestInfo | URL): Promise<boolean> {
    this.deletes++;
    return this.entries.delete(String(request instanceof Request ? request.url : request));
  }
}

class MemoryCacheStorage {
  readonly caches = new Map<string, MemoryCache>();
  async open(name: string): Promise<MemoryCache> {
    let cache = this.caches.get(name);
    if (!cache) this.caches.set(name, (cache = new MemoryCache()));
    return cache;
  }
}

/** A server that answers each model request with the next body in `bodies` (the last one repeats). */
function fakeServer(bodies: Uint8Array[]) {
  const requests: { url: string; cache: RequestCache | undefined }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    requests.push({ url, cache: init?.cache });
    if (url === `${BASE}manifest.json`) return Response.json({ version: 1, models: [ENTRY] });
    if (url !== `${BASE}${ENTRY.file}`) return new Response('not found', { status: 404 });
    const body = bodies[Math.min(requests.filter((r) => r.url === url).length, bodies.length) - 1] as Uint8Array;
    return new Response(body.slice(), { headers: { 'content-length': String(body.length) } });
  }) as typeof globalThis.fetch;
  return { fetch, requests, downloads: () => requests.filter((r) => r.url.endsWith(ENTRY.file)).length };
}

describe('fetch model source with Cache Storage', () => {
  let storage: MemoryCacheStorage;
  const hadCaches = 'caches' in globalThis;
  const previous = (globalThis as { caches?: unknown }).caches;

  beforeEach(() => {
    storage = new MemoryCacheStorage();
    (globalThis as { caches?: unknown }).caches = storage;
  });
  afterEach(() => {
    if (hadCaches) (globalThis as { caches?: unknown }).caches = previous;
    else delete (globalThis as { caches?: unknown }).caches;
  });

  const cache = async () => storage.open('facecraft-models-v1');

  it('caches a download only after its sha256 matches, and reads it back on the next visit without a download', async () => {
    const server = fakeServer([GOOD]);
    const bytes = await readVerifiedModel(createFetchModelSource(BASE, { fetch: server.fetch }), ENTRY);
    expect(sha256(bytes)).toBe(ENTRY.sha256);
    expect((await cache()).puts).toEqual([ENTRY.sha256]);
    // The HTTP cache is bypassed while Cache Storage holds the verified copy.
    expect(server.requests.filter((r) => r.url.endsWith(ENTRY.file)).map((r) => r.cache)).toEqual(['no-store']);

    const again = await readVerifiedModel(createFetchModelSource(BASE, { fetch: server.fetch }), ENTRY);
    expect(sha256(again)).toBe(ENTRY.sha256);
    expect(server.downloads()).toBe(1);
  });

  it('never caches a corrupt download of the right length: that read fails, the next one downloads the good file', async () => {
    const server = fakeServer([corrupt(GOOD), GOOD]);
    const source = createFetchModelSource(BASE, { fetch: server.fetch });
    const failure = await readVerifiedModel(source, ENTRY).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ModelLoadError);
    expect((failure as Error).message).toMatch(/fails its sha256 check/);
    expect((await cache()).puts).toEqual([]);
    expect((await cache()).entries.size).toBe(0);

    // A retry on the same page does not get the refused bytes back from memory; it downloads again.
    const bytes = await readVerifiedModel(source, ENTRY);
    expect(sha256(bytes)).toBe(ENTRY.sha256);
    expect(server.downloads()).toBe(2);
    expect((await cache()).puts).toEqual([ENTRY.sha256]);
  });

  it('never caches a truncated download', async () => {
    const server = fakeServer([GOOD.subarray(0, GOOD.length - 100)]);
    const failure = await readVerifiedModel(createFetchModelSource(BASE, { fetch: server.fetch }), ENTRY).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/has 65436 bytes but the manifest says 65536/);
    expect((await cache()).puts).toEqual([]);
  });

  it('deletes a corrupt cached entry and downloads the model once more', async () => {
    (await cache()).entries.set(CACHE_KEY, corrupt(GOOD));
    const server = fakeServer([GOOD]);
    const bytes = await readVerifiedModel(createFetchModelSource(BASE, { fetch: server.fetch }), ENTRY);
    expect(sha256(bytes)).toBe(ENTRY.sha256);
    expect(server.downloads()).toBe(1);
    expect((await cache()).deletes).toBe(1);
    expect((await cache()).puts).toEqual([ENTRY.sha256]);
    expect(sha256((await cache()).entries.get(CACHE_KEY) as Uint8Array)).toBe(ENTRY.sha256);
  });

  it('re-downloads only once: a corrupt cached entry and a corrupt download fail, leaving nothing cached', async () => {
    (await cache()).entries.set(CACHE_KEY, GOOD.subarray(0, 10));
    const server = fakeServer([corrupt(GOOD)]);
    const failure = await readVerifiedModel(createFetchModelSource(BASE, { fetch: server.fetch }), ENTRY).catch((error: unknown) => error);
    expect((failure as Error).message).toMatch(/fails its sha256 check/);
    expect(server.downloads()).toBe(1);
    expect((await cache()).entries.size).toBe(0);
    expect((await cache()).puts).toEqual([]);
  });

  it('shares one download between concurrent reads', async () => {
    const server = fakeServer([GOOD]);
    const source = createFetchModelSource(BASE, { fetch: server.fetch });
    const [a, b] = await Promise.all([readVerifiedModel(source, ENTRY), readVerifiedModel(source, ENTRY)]);
    expect(a).toBe(b);
    expect(server.downloads()).toBe(1);
  });

  it('works without Cache Storage, and then leaves the HTTP cache to the browser', async () => {
    delete (globalThis as { caches?: unknown }).caches;
    const server = fakeServer([GOOD]);
    const bytes = await readVerifiedModel(createFetchModelSource(BASE, { fetch: server.fetch }), ENTRY);
    expect(sha256(bytes)).toBe(ENTRY.sha256);
    expect(server.requests.filter((r) => r.url.endsWith(ENTRY.file)).map((r) => r.cache)).toEqual([undefined]);
  });
});
