// The playground in Chromium with --enable-unsafe-webgpu: headless Chromium then offers a
// SwiftShader (software) WebGPU adapter and onnxruntime-web's WebGPU EP runs the models. That
// adapter lacks 'shader-f16', so ISNet (float16 weights) runs on WASM beside it, and says so.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type BrowserSession } from './support/browser.js';
import { isApi, offOrigin, openPlayground, processPhoto, readResultPixels, waitForModels } from './support/playground-page.js';
import { fixturesDir, startPlaygroundServer, type PlaygroundServer } from './support/playground-server.js';

describe('playground on WebGPU (SwiftShader)', () => {
  let server: PlaygroundServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    server = await startPlaygroundServer();
    browser = await launchBrowser({ webgpu: true });
    await openPlayground(browser.page, server.playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('makes a 648×648 portrait with alpha on WebGPU, with no request to the API', { timeout: 600_000 }, async () => {
    const { page, network } = browser;
    expect(await waitForModels(page)).toBe('ready');
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WebGPU');
    expect(await processPhoto(page, path.join(fixturesDir, 'portrait-1.jpg'))).toBe('done');
    expect(await page.getByTestId('error').isHidden()).toBe(true);
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('WebGPU');
    // Which model ran where is in the runtime card: the detectors and landmarks on WebGPU.
    expect(await page.locator('#runtime').textContent()).toMatch(/blazeface-front-128\s*webgpu/);
    const pixels = await readResultPixels(page);
    expect(pixels).toMatchObject({ tag: 'img', width: 648, height: 648 });
    expect(pixels.transparent).toBeGreaterThan(648 * 648 * 0.1);
    expect(pixels.opaque + pixels.translucent).toBeGreaterThan(648 * 648 * 0.25);
    expect(network.filter(isApi)).toEqual([]);
    expect(offOrigin(network, server.origin)).toEqual([]);
    // No uncaught WebGPU validation errors (e.g. f16 shaders on an adapter without shader-f16).
    expect(browser.consoleErrors.filter((m) => /WebGPU|WGSL/.test(m))).toEqual([]);
  });
});
