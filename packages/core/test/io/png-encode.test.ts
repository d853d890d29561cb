// The browser codec's PNG writer keeps every RGBA value (a canvas would premultiply and round them);
// its scanlines (png-format.ts) are the ones Node's writer deflates too.
import { createRgbaImage } from '../../src/image/rgba-image.js';
import { createSharpCodec } from '../../src/io/node-codec.js';
import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodePngExact } from '../../src/io/png-encode.js';
import { paethScanlines } from '../../src/io/png-format.js';

/** PNG's Paeth predictor for one byte (a left, b above, c above-left; 0 off the image), as the spec writes it. */
function paethPredictor(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The scanlines of an image with every row Paeth-filtered, byte by byte from the spec. */
function naivePaethScanlines(data: Uint8Array | Uint8ClampedArray, width: number, height: number, bpp: number): Uint8Array {
  const stride = width * bpp;
  const out = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    out[y * (stride + 1)] = 4;
    for (let i = 0; i < stride; i++) {
      const at = y * stride + i;
      const a = i >= bpp ? data[at - bpp] : 0;
      const b = y > 0 ? data[at - stride] : 0;
      const c = i >= bpp && y > 0 ? data[at - stride - bpp] : 0;
      out[y * (stride + 1) + 1 + i] = (data[at] - paethPredictor(a, b, c)) & 0xff;
    }
  }
  return out;
}

/** The IDAT payload of a PNG this writer made (one IDAT chunk), inflated. */
function scanlines(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') return unzlibSync(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  throw new Error('no IDAT');
}

describe('encodePngExact', () => {
  it('round-trips every RGBA value, translucent pixels included', async () => {
    const width = 97;
    const height = 61;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i, 2654435761) >>> 24) ^ ((i % 7) * 13);
    for (let i = 3; i < data.length; i += 40) data[i] = 3; // nearly transparent, colour still exact
    const png = await encodePngExact(createRgbaImage(width, height, data));
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = (await createSharpCodec().decode(png, { maxPixels: 1e6 })).image;
    expect([back.width, back.height]).toEqual([width, height]);
    expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
  });

  it('compresses a smooth image well', async () => {
    const width = 256;
    const height = 256;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, (x + y) >> 1, 255], (y * width + x) * 4);
    const png = await encodePngExact(createRgbaImage(width, height, data));
    expect(png.length).toBeLessThan(data.length / 20);
  });

  it('filters every row with Paeth exactly as the spec does, on photo-like, flat and noisy rows', async () => {
    const width = 41;
    const height = 70;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = (y * width + x) * 4;
        for (let c = 0; c < 4; c++) {
          const noise = (Math.imul(at + c, 2654435761) >>> 24) & 0xff;
          data[at + c] = [noise, 200, x * 6 + c, y * 4 + c * 9, (x + y) * 3 + (noise >> 5), 0, 255 - noise][Math.floor(y / 10)];
        }
      }
    }
    const lines = scanlines(await encodePngExact(createRgbaImage(width, height, data)));
    expect(Buffer.from(lines).equals(Buffer.from(naivePaethScanlines(data, width, height, 4)))).toBe(true);
  });

  it('skips flat pixels without changing the scanlines, and reads pixels at any byte offset', () => {
    // Flat runs (a cleared background, a backdrop) take the pixel-word shortcut; a view one byte
    // into its buffer cannot be read as words and takes the byte path: all must match the spec.
    const width = 33;
    const height = 17;
    const buffer = new Uint8ClampedArray(width * height * 4 + 1);
    const pixels = buffer.subarray(1);
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i >> 2) % width < 12 ? 0 : (i >> 2) % width < 20 ? 90 + (i & 3) : (Math.imul(i, 2654435761) >>> 24);
    const aligned = new Uint8ClampedArray(pixels);
    const reference = naivePaethScanlines(aligned, width, height, 4);
    expect(Buffer.from(paethScanlines(aligned, width, 4, 0, height)).equals(Buffer.from(reference))).toBe(true);
    expect(Buffer.from(paethScanlines(pixels, width, 4, 0, height)).equals(Buffer.from(reference))).toBe(true);
  });

  it('makes the same scanlines in slices as in one piece, with 3 or 4 bytes per pixel', () => {
    for (const bpp of [3, 4]) {
      const width = 29;
      const height = 23;
      const pixels = new Uint8Array(width * height * bpp);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (Math.imul(i + bpp, 2654435761) >>> 24) ^ (i % 13);
      const whole = paethScanlines(pixels, width, bpp, 0, height);
      expect(Buffer.from(whole).equals(Buffer.from(naivePaethScanlines(pixels, width, height, bpp)))).toBe(true);
      const slices = [0, 1, 7, 8, 20, 23].slice(1).map((end, k, ends) => paethScanlines(pixels, width, bpp, k === 0 ? 0 : ends[k - 1], end));
      expect(Buffer.concat(slices.map((s) => Buffer.from(s))).equals(Buffer.from(whole))).toBe(true);
    }
  });

  it('refuses pixels that do not match the size', async () => {
    await expect(encodePngExact({ width: 2, height: 2, data: new Uint8ClampedArray(3) } as never)).rejects.toThrow(TypeError);
  });
});
