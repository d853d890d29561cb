// The browser codec's PNG writer keeps every RGBA value (a canvas would premultiply and round them).
import { createRgbaImage } from '../../src/image/rgba-image.js';
import { createSharpCodec } from '../../src/io/node-codec.js';
import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { encodePngExact } from '../../src/io/png-encode.js';

/** PNG's five predictors for byte i of a row (a left, b above, c above-left; 0 off the image). */
function predict(type: number, a: number, b: number, c: number): number {
  if (type === 0) return 0;
  if (type === 1) return a;
  if (type === 2) return b;
  if (type === 3) return (a + b) >> 1;
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** The filter each row should get: the smallest sum of |signed residual bytes|, ties to the lower type. */
function naiveFilterChoice(data: Uint8ClampedArray, width: number, height: number): number[] {
  const stride = width * 4;
  const choice: number[] = [];
  for (let y = 0; y < height; y++) {
    const sums = [0, 1, 2, 3, 4].map((type) => {
      let sum = 0;
      for (let i = 0; i < stride; i++) {
        const at = y * stride + i;
        const a = i >= 4 ? data[at - 4] : 0;
        const b = y > 0 ? data[at - stride] : 0;
        const c = i >= 4 && y > 0 ? data[at - stride - 4] : 0;
        const v = (data[at] - predict(type, a, b, c)) & 0xff;
        sum += v < 128 ? v : 256 - v;
      }
      return sum;
    });
    choice.push(sums.indexOf(Math.min(...sums)));
  }
  return choice;
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

  it('gives each row the filter with the smallest sum of |residuals|, as scoring each filter alone would', async () => {
    // Rows of different character so that every filter type wins somewhere: noise, rows made of
    // the mean of the left and upper neighbours (Average's own model) under them, flat runs,
    // horizontal and vertical gradients, a diagonal ramp, transparent rows.
    const width = 41;
    const height = 70;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const at = (y * width + x) * 4;
        const kind = Math.floor(y / 10);
        for (let c = 0; c < 4; c++) {
          const noise = (Math.imul(at + c, 2654435761) >>> 24) & 0xff;
          const left = x > 0 ? data[at + c - 4] : noise;
          const mean = ((left + data[at + c - width * 4]) >> 1) + (noise & 3);
          data[at + c] = [noise, mean, 200, x * 6 + c, y * 4 + c * 9, (x + y) * 3 + (noise >> 5), 0][kind];
        }
      }
    }
    const lines = scanlines(await encodePngExact(createRgbaImage(width, height, data)));
    const chosen = Array.from({ length: height }, (_, y) => lines[y * (width * 4 + 1)]);
    expect(chosen).toEqual(naiveFilterChoice(data, width, height));
    expect(new Set(chosen)).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('refuses pixels that do not match the size', async () => {
    await expect(encodePngExact({ width: 2, height: 2, data: new Uint8ClampedArray(3) } as never)).rejects.toThrow(TypeError);
  });
});
