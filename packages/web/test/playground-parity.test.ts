// One pipeline everywhere: the playground on WASM and the server on the CPU, both running the
// float16 ISNet (`?variant=float16`, FACECRAFT_SEGMENTATION_VARIANT=float16), make the same
// portrait. With the same model on both sides only float rounding of onnxruntime-web and
// onnxruntime-node is left, so the bar is the product's: PSNR ≥ 40 dB. The int8 default's lower
// figure (playground-wasm.test.ts) comes from two int8 kernels on top of this, not the pipeline.
// One browser profile for the file: the float16 ISNet is 88 MB, downloaded once.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseModelManifest } from '@facecraft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatBytes } from '../src/format.js';
import { launchBrowser, tempProfile, type BrowserSession } from './support/browser.js';
import { pngPsnr } from './support/compare-png.js';
import { downloadPng, isModelFile, openPlayground, processPhoto, waitForModels } from './support/playground-page.js';
import { fixturesDir, modelsDir, processOnServer, startPlaygroundServer, type PlaygroundServer } from './support/playground-server.js';

const PARITY_DB = 40;
const PHOTOS = ['portrait-1.jpg', 'portrait-2.jpg'];

/** Keeps every text the model bar's byte count shows, from the page's first moment on. */
function recordModelBarTexts(): void {
  const seen: string[] = [];
  (globalThis as { modelBarTexts?: string[] }).modelBarTexts = seen;
  new MutationObserver(() => {
    const text = document.getElementById('model-progress-bytes')?.textContent ?? '';
    if (text && seen.at(-1) !== text) seen.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
}

describe('browser (WASM) and server on the same ISNet variant (float16)', () => {
  let server: PlaygroundServer;
  let browser: BrowserSession;
  const profile = tempProfile();

  beforeAll(async () => {
    server = await startPlaygroundServer({ env: { FACECRAFT_SEGMENTATION_VARIANT: 'float16' } });
    browser = await launchBrowser({ userDataDir: profile });
    await browser.page.addInitScript(recordModelBarTexts);
    await openPlayground(browser.page, `${server.playgroundUrl}?device=wasm&variant=float16`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(profile, { recursive: true, force: true });
  });

  it('runs the float16 ISNet on both sides, and the download estimate counts it', { timeout: 300_000 }, async () => {
    const { page, network } = browser;
    expect(await waitForModels(page)).toBe('ready');
    expect(await page.locator('#runtime').textContent()).toMatch(/isnet\s*wasm · float16/);
    const files = network.filter(isModelFile).map((e) => path.basename(new URL(e.url).pathname));
    expect(files).toContain('isnet.onnx');
    expect(files).not.toContain('isnet-int8.onnx');

    // The bar's first total ("0 of …", from the manifest) is the bytes of the files it then fetched.
    const manifest = parseModelManifest(JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')));
    const fetched = manifest.models.filter((m) => files.includes(m.file)).reduce((sum, m) => sum + m.bytes, 0);
    const texts = await page.evaluate(() => (globalThis as { modelBarTexts?: string[] }).modelBarTexts ?? []);
    expect(texts).toContain(`0 of ${formatBytes(fetched)}`);

    const status = (await (await fetch(`${server.origin}/status`)).json()) as { segmentation_variant: { running: string | null } };
    expect(status.segmentation_variant.running).toBe('float16');
  });

  for (const name of PHOTOS) {
    it(`${name}: the browser's PNG is the server's, PSNR ≥ ${PARITY_DB} dB`, { timeout: 600_000 }, async () => {
      const file = path.join(fixturesDir, name);
      expect(await processPhoto(browser.page, file)).toBe('done');
      const db = await pngPsnr(await downloadPng(browser.page), await processOnServer(server.origin, file));
      console.info(`${name}: browser (WASM, float16) vs server (CPU, float16) PNG: PSNR ${db.toFixed(2)} dB on RGBA`);
      expect(db).toBeGreaterThanOrEqual(PARITY_DB);
    });
  }
});
