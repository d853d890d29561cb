// The playground's model cache only ever holds verified models. One model file arrives corrupt
// (the right length, bytes flipped) on the first visit: the page says the model failed its check
// and Cache Storage gets no copy of it; on reload the good file is downloaded, cached and used for
// a portrait made in the browser. A corrupt entry already in Cache Storage (as an older version
// could leave) is deleted and the file downloaded once more.
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, tempProfile, type BrowserSession } from './support/browser.js';
import { isApi, isModelFile, offOrigin, openPlayground, processPhoto, readResultPixels, waitForModels } from './support/playground-page.js';
import { fixturesDir, modelsDir, startPlaygroundServer, type PlaygroundServer } from './support/playground-server.js';

const CORRUPTED = 'face-landmark-68.onnx';
const RESEEDED = 'blazeface-front-128.onnx';
const CACHE_NAME = 'facecraft-models-v1';

const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as { models: { file: string; sha256: string }[] };
const shaOf = (file: string) => manifest.models.find((m) => m.file === file)?.sha256 as string;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

interface CachedModel {
  /** File name from the cache key. */
  readonly file: string;
  /** The sha256 the key names (the manifest's). */
  readonly keySha256: string;
  /** The sha256 of the bytes actually stored. */
  readonly bodySha256: string;
}

/** Every entry of the models' Cache Storage, with the sha256 of what it holds. */
async function readModelCache(page: Page): Promise<CachedModel[]> {
  const entries = await page.evaluate(async (name) => {
    if (!(await caches.has(name))) return [];
    const cache = await caches.open(name);
    const out: { url: string; body: string }[] = [];
    for (const request of await cache.keys()) {
      const body = new Uint8Array(await ((await cache.match(request)) as Response).arrayBuffer());
      const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', body));
      out.push({ url: request.url, body: Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('') });
    }
    return out;
  }, CACHE_NAME);
  return entries
    .map((e) => {
      const url = new URL(e.url);
      return { file: path.basename(url.pathname), keySha256: url.searchParams.get('sha256') ?? '', bodySha256: e.body };
    })
    .sort((a, b) => a.file.localeCompare(b.file));
}

const downloadsOf = (browser: BrowserSession, file: string) => browser.network.filter((e) => isModelFile(e) && path.basename(new URL(e.url).pathname) === file && !e.fromCache && !e.failed);

/** The model files the page asked for, by name, sorted. */
const loadedModels = (browser: BrowserSession) => [...new Set(browser.network.filter(isModelFile).map((e) => path.basename(new URL(e.url).pathname)))].sort();

describe('playground model cache holds only verified models', () => {
  let server: PlaygroundServer;
  let browser: BrowserSession;
  const profile = tempProfile();
  /** sha256 of each body the route served for the corrupted file, in order. */
  const served: string[] = [];

  beforeAll(async () => {
    server = await startPlaygroundServer();
    browser = await launchBrowser({ userDataDir: profile });
    // The landmark model comes through corrupt the first time only: same length, same headers.
    await browser.context.route(`**/playground/models/${CORRUPTED}`, async (route) => {
      const response = await route.fetch();
      const body = new Uint8Array(await response.body());
      if (served.length === 0) for (let i = 4096; i < body.length; i += 4093) body[i] = (body[i] as number) ^ 0x5a;
      served.push(sha256(body));
      await route.fulfill({ response, body: Buffer.from(body) });
    });
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('refuses a corrupt download, says so, and caches no copy of it', { timeout: 300_000 }, async () => {
    const { page } = browser;
    await openPlayground(page, server.playgroundUrl);
    expect(await waitForModels(page)).toBe('failed');
    expect(served).toHaveLength(1);
    expect(served[0]).not.toBe(shaOf(CORRUPTED));
    // The page says which model failed and why, and offers the server instead.
    expect(await page.locator('#model-progress').getAttribute('data-state')).toBe('failed');
    expect(await page.locator('#model-progress-label').textContent()).toBe('Models unavailable');
    expect(await page.getByTestId('model-progress').textContent()).toMatch(/face-landmark-68\.onnx.*fails its sha256 check/);
    expect(await page.getByTestId('notice').textContent()).toMatch(/server instead/);

    const cached = await readModelCache(page);
    expect(cached.map((c) => c.file)).not.toContain(CORRUPTED);
    expect(cached.map((c) => c.bodySha256)).not.toContain(served[0]);
    // What is there (the models read before the bad one) is verified.
    expect(cached.length).toBeGreaterThan(0);
    for (const c of cached) expect(c.bodySha256).toBe(c.keySha256);
  });

  it('downloads the good file on reload, caches it and makes the portrait in the browser', { timeout: 600_000 }, async () => {
    const { page, network } = browser;
    await openPlayground(page, server.playgroundUrl);
    expect(await waitForModels(page)).toBe('ready');
    expect(served).toEqual([served[0], shaOf(CORRUPTED)]);
    expect(downloadsOf(browser, CORRUPTED)).toHaveLength(2);
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WASM');

    // Every model the page loaded is cached, each under the manifest's sha256 and holding exactly that.
    const cached = await readModelCache(page);
    expect(cached.map((c) => c.file)).toEqual(loadedModels(browser));
    expect(cached.map((c) => c.file)).toEqual(expect.arrayContaining(['blazeface-back-256.onnx', 'blazeface-front-128.onnx', 'face-landmark-68.onnx', 'isnet-int8.onnx']));
    for (const c of cached) {
      expect(c.keySha256).toBe(shaOf(c.file));
      expect(c.bodySha256).toBe(c.keySha256);
    }

    const apiBefore = network.filter(isApi).length;
    expect(await processPhoto(page, path.join(fixturesDir, 'portrait-2.jpg'))).toBe('done');
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WASM');
    expect(network.filter(isApi).slice(apiBefore).filter((e) => e.method === 'POST')).toEqual([]);
    const pixels = await readResultPixels(page);
    expect(pixels).toMatchObject({ width: 648, height: 648 });
    expect(pixels.transparent).toBeGreaterThan(648 * 648 * 0.1);
    expect(pixels.opaque).toBeGreaterThan(648 * 648 * 0.05);
  });

  it('deletes a corrupt entry found in Cache Storage and downloads that model once more', { timeout: 300_000 }, async () => {
    const { page } = browser;
    // Damage the cached copy in place, under its right key, as a cache-before-verify version could have left it.
    await page.evaluate(
      async ({ name, file }) => {
        const cache = await caches.open(name);
        const request = (await cache.keys()).find((r) => new URL(r.url).pathname.endsWith(`/${file}`)) as Request;
        const body = new Uint8Array(await ((await cache.match(request)) as Response).arrayBuffer());
        body[body.length >> 1] = (body[body.length >> 1] as number) ^ 0xff;
        await cache.put(request, new Response(body, { headers: { 'content-type': 'application/octet-stream' } }));
      },
      { name: CACHE_NAME, file: RESEEDED },
    );
    expect((await readModelCache(page)).find((c) => c.file === RESEEDED)?.bodySha256).not.toBe(shaOf(RESEEDED));

    const before = downloadsOf(browser, RESEEDED).length;
    await openPlayground(page, server.playgroundUrl);
    expect(await waitForModels(page)).toBe('ready');
    expect(downloadsOf(browser, RESEEDED).length - before).toBe(1);
    // Only the damaged model was downloaded again; the others came from the cache.
    expect(downloadsOf(browser, CORRUPTED)).toHaveLength(2);
    const cached = await readModelCache(page);
    expect(cached.map((c) => c.file)).toEqual(loadedModels(browser));
    for (const c of cached) expect(c.bodySha256).toBe(shaOf(c.file));
  });

  it('made no request off its origin', () => {
    expect(offOrigin(browser.network, server.origin)).toEqual([]);
  });
});
