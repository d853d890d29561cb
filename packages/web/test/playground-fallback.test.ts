// When the in-browser engine cannot start (here: the model files cannot be fetched), the page
// says why, switches to the server by itself, and the photo is processed there.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type BrowserSession } from './support/browser.js';
import { isApi, offOrigin, openPlayground, processPhoto, readResultPixels, waitForModels } from './support/playground-page.js';
import { fixturesDir, startPlaygroundServer, type PlaygroundServer } from './support/playground-server.js';

describe('playground fallback to the server', () => {
  let server: PlaygroundServer;
  let browser: BrowserSession;

  beforeAll(async () => {
    server = await startPlaygroundServer();
    browser = await launchBrowser();
    // Model files fail to download, as on a broken network or a server without them.
    await browser.context.route('**/playground/models/*.onnx', (route) => route.abort('failed'));
    await openPlayground(browser.page, server.playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('switches to the server when the models cannot be loaded, and processes there', { timeout: 300_000 }, async () => {
    const { page, network } = browser;
    expect(await waitForModels(page)).toBe('failed');
    expect(await page.getByTestId('mode').isChecked()).toBe(true);
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('Server');
    expect(await page.getByTestId('notice').textContent()).toMatch(/server instead/);
    expect(await processPhoto(page, path.join(fixturesDir, 'portrait-2.jpg'))).toBe('done');
    expect((await page.getByTestId('backend').textContent())?.trim()).toBe('Server');
    expect(network.filter(isApi).some((e) => e.method === 'POST' && new URL(e.url).pathname === '/api/v1/process')).toBe(true);
    expect(await readResultPixels(page)).toMatchObject({ width: 648, height: 648 });
    expect(offOrigin(network, server.origin)).toEqual([]);
  });
});
