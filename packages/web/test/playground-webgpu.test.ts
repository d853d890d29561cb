// The playground in Chromium with --enable-unsafe-webgpu: headless Chromium then offers a
// SwiftShader (software) WebGPU adapter and onnxruntime-web's WebGPU EP runs the models. The
// ISNet variant follows the adapter by declared preference (VARIANT_PREFERENCE): float16 with
// 'shader-f16', float32 without it — SwiftShader has no 'shader-f16', so this is the float32
// path (isnet-fp32), which runs ISNet on the GPU rather than moving it to WASM.
// The server runs the same variant on the CPU (FACECRAFT_SEGMENTATION_VARIANT=float32): the
// browser's PNG must be the server's to the parity bar of playground-parity.test.ts. Segmentation
// at 256² (both sides): SwiftShader computes on the CPU, and ISNet at 768² takes over 10 minutes
// on a shared 2-core machine; this test is about the path and its numbers, not the mask's detail.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { variantPreferenceFor } from '@facecraft/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type BrowserSession } from './support/browser.js';
import { pngPsnr } from './support/compare-png.js';
import { downloadPng, isApi, isModelFile, offOrigin, openPlayground, processPhoto, readResultPixels, waitForModels } from './support/playground-page.js';
import { fixturesDir, modelsDir, startPlaygroundServer, type PlaygroundServer } from './support/playground-server.js';

const manifest = JSON.parse(readFileSync(path.join(modelsDir, 'manifest.json'), 'utf8')) as { models: { id: string; stage: string; file: string; weightType?: string }[] };
const isnetVariants = manifest.models.filter((m) => m.stage === 'segmentation');
const SEGMENTATION_SIZE = 256;
const PARITY_DB = 40;
const PHOTO = path.join(fixturesDir, 'portrait-1.jpg');

/** The server's PNG of the photo at the test's segmentation size. */
async function serverPng(origin: string): Promise<Uint8Array> {
  const form = new FormData();
  form.append('file', new Blob([readFileSync(PHOTO)]), path.basename(PHOTO));
  form.append('segmentation_size', String(SEGMENTATION_SIZE));
  const response = await fetch(`${origin}/api/v1/process`, { method: 'POST', body: form });
  if (!response.ok) throw new Error(`POST /api/v1/process: HTTP ${response.status} ${await response.text()}`);
  const { png_url } = (await response.json()) as { png_url: string };
  return new Uint8Array(await (await fetch(`${origin}${png_url}`)).arrayBuffer());
}

describe('playground on WebGPU (SwiftShader)', () => {
  let server: PlaygroundServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    server = await startPlaygroundServer({ env: { FACECRAFT_SEGMENTATION_VARIANT: 'float32' } });
    browser = await launchBrowser({ webgpu: true });
    await openPlayground(browser.page, `${server.playgroundUrl}?segmentation=${SEGMENTATION_SIZE}`);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('makes a 648×648 portrait with alpha on WebGPU, ISNet in the variant the adapter calls for, with no request to the API', { timeout: 900_000 }, async () => {
    const { page, network } = browser;
    const shaderF16 = await page.evaluate(async () => {
      const gpu = (navigator as { gpu?: { requestAdapter(): Promise<{ features: { has(f: string): boolean } } | null> } }).gpu;
      return (await gpu?.requestAdapter())?.features.has('shader-f16') ?? null;
    });
    expect(shaderF16, 'SwiftShader offers a WebGPU adapter').not.toBeNull();
    // The variant the page must pick: the first of the adapter's preference that the manifest has.
    const preference = variantPreferenceFor('webgpu', shaderF16 === true);
    const expected = preference.map((v) => isnetVariants.find((m) => (m.weightType ?? 'float32') === v)).find(Boolean)!;
    expect(expected.weightType ?? 'float32').toBe(shaderF16 ? 'float16' : 'float32');

    expect(await waitForModels(page, 600_000)).toBe('ready');
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WebGPU');
    expect(await processPhoto(page, PHOTO, 800_000)).toBe('done');
    expect(await page.getByTestId('error').isHidden()).toBe(true);
    // Still WebGPU: the in-browser run did not fail over to the server.
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WebGPU');
    expect(await page.getByTestId('notice').textContent()).not.toMatch(/server instead|runs on WASM/);
    // The runtime card names each model's device and variant: ISNet on WebGPU, in that variant.
    const runtime = (await page.locator('#runtime').textContent()) ?? '';
    expect(runtime).toMatch(/blazeface-front-128\s*webgpu/);
    expect(runtime).toMatch(new RegExp(`${expected.id}\\s*webgpu · ${expected.weightType ?? 'float32'}`));
    // Only that ISNet file was downloaded.
    const isnetFiles = network.filter(isModelFile).map((e) => path.basename(new URL(e.url).pathname)).filter((f) => isnetVariants.some((m) => m.file === f));
    expect([...new Set(isnetFiles)]).toEqual([expected.file]);

    const pixels = await readResultPixels(page);
    expect(pixels).toMatchObject({ tag: 'img', width: 648, height: 648 });
    expect(pixels.transparent).toBeGreaterThan(648 * 648 * 0.1);
    expect(pixels.opaque + pixels.translucent).toBeGreaterThan(648 * 648 * 0.25);
    expect(network.filter(isApi)).toEqual([]);
    expect(offOrigin(network, server.origin)).toEqual([]);
    // No uncaught WebGPU validation errors (e.g. f16 shaders on an adapter without shader-f16).
    expect(browser.consoleErrors.filter((m) => /WebGPU|WGSL/.test(m))).toEqual([]);

    // The same portrait as the server's, which runs that variant on the CPU and says so in /status.
    const status = (await (await fetch(`${server.origin}/status`)).json()) as { segmentation_variant: { running: string | null } };
    expect(status.segmentation_variant.running).toBe('float32');
    const db = await pngPsnr(await downloadPng(page), await serverPng(server.origin));
    console.info(`portrait-1.jpg: browser (WebGPU, ${expected.id}) vs server (CPU, float32) PNG at segmentation ${SEGMENTATION_SIZE}²: PSNR ${db.toFixed(2)} dB on RGBA`);
    expect(db).toBeGreaterThanOrEqual(PARITY_DB);
  });
});
