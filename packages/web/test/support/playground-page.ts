import type { Page } from 'playwright-core';
import type { NetworkEntry } from './browser.js';

export type RunState = 'done' | 'error';

/** Opens the playground and waits until the app has started (capabilities known, engine chosen). */
export async function openPlayground(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.waitForSelector('#app:not([data-state="starting"])');
}

/** Waits until the in-browser models are loaded (or have failed); returns which. */
export async function waitForModels(page: Page, timeout = 300_000): Promise<'ready' | 'failed'> {
  await page.waitForSelector('#app[data-models]', { timeout });
  return (await page.getAttribute('#app', 'data-models')) as 'ready' | 'failed';
}

/** Chooses a photo (which starts processing) and waits for that run to finish. */
export async function processPhoto(page: Page, file: string, timeout = 600_000): Promise<RunState> {
  const before = Number((await page.getAttribute('#app', 'data-runs')) ?? 0);
  await page.getByTestId('file-input').setInputFiles(file);
  await page.waitForFunction((n) => Number(document.getElementById('app')?.dataset.runs ?? 0) > n, before, { timeout, polling: 250 });
  return (await page.getAttribute('#app', 'data-state')) as RunState;
}

export interface ResultPixels {
  readonly tag: string;
  readonly width: number;
  readonly height: number;
  /** Pixels with alpha 0, with 0 < alpha < 255, and with alpha 255. */
  readonly transparent: number;
  readonly translucent: number;
  readonly opaque: number;
}

/** Reads the result element's pixels in the page (an <img> drawn on a canvas, or a <canvas>). */
export async function readResultPixels(page: Page): Promise<ResultPixels> {
  return page.getByTestId('result').evaluate(async (element) => {
    let width: number;
    let height: number;
    let data: Uint8ClampedArray;
    if (element instanceof HTMLCanvasElement) {
      ({ width, height } = element);
      data = element.getContext('2d')!.getImageData(0, 0, width, height).data;
    } else {
      const img = element as HTMLImageElement;
      await img.decode();
      width = img.naturalWidth;
      height = img.naturalHeight;
      const canvas = new OffscreenCanvas(width, height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      data = ctx.getImageData(0, 0, width, height).data;
    }
    let transparent = 0;
    let translucent = 0;
    let opaque = 0;
    for (let i = 3; i < data.length; i += 4) {
      if (data[i] === 0) transparent++;
      else if (data[i] === 255) opaque++;
      else translucent++;
    }
    return { tag: element.tagName.toLowerCase(), width, height, transparent, translucent, opaque };
  });
}

/** The PNG behind the "Download PNG" link, as bytes. */
export async function downloadPng(page: Page): Promise<Uint8Array> {
  const base64 = await page.getByTestId('download-png').evaluate(async (a) => {
    const blob = await (await fetch((a as HTMLAnchorElement).href)).blob();
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  });
  return new Uint8Array(Buffer.from(base64, 'base64'));
}

/** Requests that left the page's origin (blob: and data: URLs are the page's own). */
export function offOrigin(network: readonly NetworkEntry[], origin: string): NetworkEntry[] {
  return network.filter((e) => !e.url.startsWith('blob:') && !e.url.startsWith('data:') && new URL(e.url).origin !== origin);
}

export const isModelFile = (e: NetworkEntry) => /\/playground\/models\/[^/]+\.onnx(\?|$)/.test(e.url);
export const isApi = (e: NetworkEntry) => new URL(e.url).pathname.startsWith('/api/');
