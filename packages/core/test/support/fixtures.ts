import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { RgbaImage } from '../../src/image/rgba-image.js';

export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
export const modelsDir = path.resolve(fixturesDir, '../../../../models');

export const PORTRAIT_FIXTURES = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'portrait-5-tilted.jpg'] as const;
export const GROUP_FIXTURES = ['group-1.jpg', 'group-2.jpg', 'group-3.jpg'] as const;

export async function readFixture(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(path.join(fixturesDir, name)));
}

/** Decodes encoded bytes with sharp (independently of the code under test) into RGBA. */
export async function decodeForTest(bytes: Uint8Array): Promise<RgbaImage & { channels: number }> {
  const { data, info } = await sharp(bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const meta = await sharp(bytes).metadata();
  return { width: info.width, height: info.height, channels: meta.channels ?? 0, data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length) };
}

export function pixel(image: RgbaImage, x: number, y: number): [number, number, number, number] {
  const i = (Math.round(y) * image.width + Math.round(x)) * 4;
  return [image.data[i], image.data[i + 1], image.data[i + 2], image.data[i + 3]];
}
