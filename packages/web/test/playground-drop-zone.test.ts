// The drop zone names exactly the formats it takes (accepted-formats.ts), its file picker offers
// those, and a file of another format is refused at once with the same list, before any run.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCEPT_ATTRIBUTE, acceptedFormatsText } from '../src/accepted-formats.js';
import { launchBrowser, type BrowserSession } from './support/browser.js';
import { openPlayground } from './support/playground-page.js';
import { fixturesDir, startPlaygroundServer, type PlaygroundServer } from './support/playground-server.js';

describe('the playground drop zone', () => {
  let server: PlaygroundServer;
  let browser: BrowserSession;
  const work = mkdtempSync(path.join(os.tmpdir(), 'facecraft-drop-zone-'));

  beforeAll(async () => {
    server = await startPlaygroundServer();
    browser = await launchBrowser();
    await openPlayground(browser.page, server.playgroundUrl);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists the formats it takes, offers them in the picker, and refuses a TIFF with that list', { timeout: 120_000 }, async () => {
    const { page } = browser;
    expect(await page.getByTestId('accepted-formats').textContent()).toBe(acceptedFormatsText(', '));
    expect(await page.getByTestId('file-input').getAttribute('accept')).toBe(ACCEPT_ATTRIBUTE);

    // A real TIFF (the core sniffs it, sharp reads it, but browsers cannot decode it).
    const tiff = path.join(work, 'scan.tif');
    await sharp(path.join(fixturesDir, 'portrait-2.jpg')).tiff().toFile(tiff);
    const runsBefore = await page.getAttribute('#app', 'data-runs');
    await page.getByTestId('file-input').setInputFiles(tiff);
    const error = page.getByTestId('error');
    await error.waitFor({ state: 'visible' });
    expect(await error.getAttribute('data-code')).toBe('invalid_image');
    expect(await page.locator('#error-message').textContent()).toBe(`Choose a ${acceptedFormatsText()} photo. (scan.tif is image/tiff)`);
    expect(await page.getAttribute('#app', 'data-runs')).toBe(runsBefore);
  });
});
