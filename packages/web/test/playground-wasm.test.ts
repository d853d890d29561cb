// The playground in Chromium without WebGPU: the pipeline runs on onnxruntime-web's WASM build in
// a worker, against @facecraft/server serving packages/web/dist and the models. One browser profile
// is kept for the whole file, so the last test can check that a second visit downloads no model.
// Browser and server each run their default ISNet here, int8 on both: the browser/server PSNR
// (INT8_PARITY_DB) measures two int8 kernels, not the pipeline. The pipeline's own parity, the
// same variant on both sides at ≥ 40 dB, is checked by playground-parity.test.ts.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, tempProfile, type BrowserSession } from './support/browser.js';
import { pngPsnr } from './support/compare-png.js';
import { downloadPng, isApi, isModelFile, offOrigin, openPlayground, processPhoto, readResultPixels, waitForModels } from './support/playground-page.js';
import { fixturesDir, processOnServer, repoRoot, startPlaygroundServer, type PlaygroundServer } from './support/playground-server.js';

const PORTRAIT = path.join(fixturesDir, 'portrait-1.jpg');
const NO_FACE = path.join(fixturesDir, 'no-face-cat.png');
const SCREENSHOT = path.join(repoRoot, 'test-results/playground-result.png');
/**
 * Browser and server both run the int8 ISNet (WASM and the CPU prefer it), but their int8
 * kernels (WASM SIMD, x86 VNNI) round the requantisation of each layer differently: soft hair
 * edges differ by a few alpha levels on about 0.3 % of the pixels. Measured 34.6–39.6 dB on
 * these photos (43.8 dB with the float16 model on both); a wrong orientation or a lost
 * cut-out is far below 20 dB.
 */
const INT8_PARITY_DB = 28;

describe('playground on WASM (no WebGPU adapter)', () => {
  let server: PlaygroundServer;
  let browser: BrowserSession;
  const profile = tempProfile();
  let browserPng: Uint8Array | undefined;

  beforeAll(async () => {
    server = await startPlaygroundServer();
    browser = await launchBrowser({ userDataDir: profile });
    await openPlayground(browser.page, server.playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('downloads the models from its own origin, checks them and says WASM', { timeout: 300_000 }, async () => {
    const { page, network } = browser;
    expect(await waitForModels(page)).toBe('ready');
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WASM');
    const models = network.filter(isModelFile);
    // One ISNet variant only: WASM prefers the int8 one (44.5 MB instead of the float16 88 MB).
    expect(models.map((e) => path.basename(new URL(e.url).pathname)).sort()).toEqual(['blazeface-back-256.onnx', 'blazeface-front-128.onnx', 'face-landmark-68.onnx', 'isnet-int8.onnx', 'selfie-person-256.onnx']);
    expect(await page.locator('#runtime').textContent()).toMatch(/isnet-int8\s*wasm · int8/);
    // onnxruntime-web's runtime comes from the bundle's own assets, not a CDN: its plain WASM build
    // (14 MB), never the WebGPU-capable one (28 MB) that only the WebGPU engine needs.
    const runtimes = network.map((e) => new URL(e.url).pathname).filter((p) => /\/ort-wasm[^/]*\.(wasm|mjs)$/.test(p));
    expect(runtimes.some((p) => /^\/playground\/assets\/ort-[\d.]+\/ort-wasm-simd-threaded\.wasm$/.test(p))).toBe(true);
    expect(runtimes.filter((p) => !/^\/playground\/assets\/ort-[\d.]+\/ort-wasm-simd-threaded\.(wasm|mjs)$/.test(p))).toEqual([]);
    expect(await page.getByTestId('model-progress').textContent()).toMatch(/downloaded/);
    // No restoration model is bundled: the option is not offered, and not ticked.
    expect(await page.locator('#restore-face').isChecked()).toBe(false);
    expect(await page.locator('#restore-face').isDisabled()).toBe(true);
    expect(await page.locator('#restore-face-note').textContent()).toBe('(no model installed)');
  });

  it('shows the no-face message for a photo without a face, and the page stays usable', { timeout: 300_000 }, async () => {
    const { page } = browser;
    // Whenever the spinner shows, the placeholder's text must not show through it.
    await page.evaluate(() => {
      const busy = document.getElementById('busy')!;
      const placeholder = document.getElementById('result-placeholder')!;
      const seen: boolean[] = [];
      (window as unknown as { placeholderUnderSpinner: boolean[] }).placeholderUnderSpinner = seen;
      new MutationObserver(() => {
        if (!busy.hidden) seen.push(!placeholder.hidden);
      }).observe(busy, { attributes: true, attributeFilter: ['hidden'] });
    });
    expect(await processPhoto(page, NO_FACE)).toBe('error');
    expect(await page.evaluate(() => (window as unknown as { placeholderUnderSpinner: boolean[] }).placeholderUnderSpinner)).toEqual([false]);
    expect(await page.locator('#result-placeholder').isVisible()).toBe(true); // no portrait yet: it is back
    const error = page.getByTestId('error');
    expect(await error.isVisible()).toBe(true);
    expect(await error.getAttribute('data-code')).toBe('no_face');
    expect(await error.textContent()).toMatch(/No face found/);
    expect(await page.getByTestId('process').isEnabled()).toBe(true);
    expect(await page.getByTestId('result').isHidden()).toBe(true);
  });

  it('makes a 648×648 portrait with alpha in the browser, with no request to the API', { timeout: 600_000 }, async () => {
    const { page, network } = browser;
    // While the portrait is made here, the page animates nothing (the CPU is the models'): the
    // spinner and the running stage's bar are held still, and they move again afterwards.
    await page.evaluate(() => {
      const app = document.getElementById('app')!;
      const seen: string[] = [];
      (window as unknown as { animationsWhileBusy: string[] }).animationsWhileBusy = seen;
      new MutationObserver(() => {
        const running = document.querySelector('.stage[data-state="running"] .bar > span');
        if (app.dataset.computing === undefined || !running) return;
        seen.push(`${app.dataset.computing} ${getComputedStyle(document.querySelector('.spinner')!).animationName} ${getComputedStyle(running).animationName}`);
      }).observe(app, { attributes: true, subtree: true, attributeFilter: ['data-state', 'data-computing'] });
    });
    expect(await processPhoto(page, PORTRAIT)).toBe('done');
    const animations = await page.evaluate(() => (window as unknown as { animationsWhileBusy: string[] }).animationsWhileBusy);
    expect(animations.length).toBeGreaterThan(0);
    expect(new Set(animations)).toEqual(new Set(['browser none none']));
    expect(await page.evaluate(() => document.getElementById('app')!.dataset.computing)).toBeUndefined();
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.spinner')!).animationName)).toBe('spin');
    expect(await page.getByTestId('error').isHidden()).toBe(true);
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WASM');
    const pixels = await readResultPixels(page);
    expect(pixels).toMatchObject({ tag: 'img', width: 648, height: 648 });
    expect(pixels.transparent).toBeGreaterThan(648 * 648 * 0.1); // background removed, oval outside
    expect(pixels.opaque).toBeGreaterThan(648 * 648 * 0.05); // the subject
    expect(pixels.opaque + pixels.translucent).toBeGreaterThan(648 * 648 * 0.25); // with soft (feathered) edges
    expect(network.filter(isApi)).toEqual([]);
    // Every stage of the run is shown with its time.
    const stages = await page.locator('#timings tr[data-stage]').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.stage));
    expect(stages).toEqual(expect.arrayContaining(['decode', 'detect', 'landmarks', 'warp', 'segment', 'enhance', 'oval', 'measure', 'encode']));
    browserPng = await downloadPng(page);

    await page.getByTestId('overlay').check();
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  });

  it('turns a sideways EXIF-6 phone photo upright and reads BMP, as the server does', { timeout: 600_000 }, async () => {
    const { page } = browser;
    await page.getByTestId('overlay').uncheck();
    for (const name of ['portrait-1-exif6.jpg', 'portrait-1.bmp']) {
      const file = path.join(fixturesDir, name);
      expect(await processPhoto(page, file)).toBe('done');
      const inBrowser = await downloadPng(page);
      const db = await pngPsnr(inBrowser, await processOnServer(server.origin, file));
      console.info(`${name}: browser (WASM) vs server PNG: PSNR ${db.toFixed(2)} dB on RGBA`);
      expect(db).toBeGreaterThanOrEqual(INT8_PARITY_DB);
      if (name.endsWith('exif6.jpg')) {
        // Upright: the same portrait as from the upright JPEG (the sideways file is a re-encode).
        expect(await pngPsnr(inBrowser, browserPng as Uint8Array)).toBeGreaterThanOrEqual(28);
      }
    }
  });

  it('sends the photo to /api/v1/process when switched to the server, with the same result', { timeout: 300_000 }, async () => {
    const { page, network } = browser;
    await page.getByTestId('overlay').uncheck();
    await page.getByTestId('mode').check();
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('Server');
    const apiBefore = network.filter(isApi).length;
    expect(await processPhoto(page, PORTRAIT)).toBe('done');
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('Server');
    const api = network.filter(isApi).slice(apiBefore);
    expect(api.filter((e) => e.method === 'POST').map((e) => new URL(e.url).pathname)).toEqual(['/api/v1/process']);
    // The upload has its own bar, which ends with the bytes sent; then the wait for the server.
    const upload = page.locator('[data-stage="upload"]');
    expect(await upload.getAttribute('data-state')).toBe('done');
    expect(await upload.getAttribute('data-determinate')).toBe('true');
    expect((await upload.locator('.stage-time').textContent())?.trim()).toMatch(/^\d+(\.\d)? (KB|MB) · \d/);
    expect(await page.locator('[data-stage="server"]').getAttribute('data-state')).toBe('done');
    const pixels = await readResultPixels(page);
    expect(pixels).toMatchObject({ width: 648, height: 648 });
    expect(pixels.transparent).toBeGreaterThan(648 * 648 * 0.1);

    // The same photo and options, in the browser and on the server: the same portrait.
    expect(browserPng).toBeDefined();
    const serverPng = await downloadPng(page);
    const db = await pngPsnr(browserPng as Uint8Array, serverPng);
    console.info(`browser (WASM) vs server PNG: PSNR ${db.toFixed(2)} dB on RGBA`);
    expect(db).toBeGreaterThanOrEqual(INT8_PARITY_DB);
    await page.getByTestId('mode').uncheck();
  });

  it('made no request off its origin', () => {
    expect(offOrigin(browser.network, server.origin)).toEqual([]);
    expect(browser.network.filter((e) => e.failed && !/ERR_ABORTED/.test(e.failed))).toEqual([]);
  });

  it('downloads no model bytes on a second visit with the same profile', { timeout: 300_000 }, async () => {
    await browser.close();
    browser = await launchBrowser({ userDataDir: profile });
    const { page, network } = browser;
    await openPlayground(page, server.playgroundUrl);
    expect(await waitForModels(page)).toBe('ready');
    expect(network.filter(isModelFile).filter((e) => !e.fromCache)).toEqual([]);
    expect(await page.getByTestId('model-progress').textContent()).toMatch(/cache/);
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WASM');
    expect(offOrigin(network, server.origin)).toEqual([]);
  });
});
