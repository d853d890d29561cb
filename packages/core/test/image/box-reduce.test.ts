import { describe, expect, it } from 'vitest';
import { boxReduce } from '../../src/image/box-reduce.js';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { mulberry32 } from '../support/random.js';

/** Each block's premultiplied mean written out: rows top to bottom, pixels left to right. */
function reference(img: RgbaImage, n: number, m: number): Uint8ClampedArray {
  const w = Math.ceil(img.width / n);
  const h = Math.ceil(img.height / m);
  const out = new Uint8ClampedArray(w * h * 4);
  for (let by = 0; by < h; by++) {
    for (let bx = 0; bx < w; bx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let s = 0;
      let count = 0;
      for (let y = by * m; y < Math.min(img.height, (by + 1) * m); y++) {
        for (let x = bx * n; x < Math.min(img.width, (bx + 1) * n); x++) {
          const i = (y * img.width + x) * 4;
          const a = img.data[i + 3];
          r += img.data[i] * a;
          g += img.data[i + 1] * a;
          b += img.data[i + 2] * a;
          s += a;
          count++;
        }
      }
      if (s > 0) out.set([r / s, g / s, b / s, s / count], (by * w + bx) * 4);
    }
  }
  return out;
}

describe('boxReduce', () => {
  it('gives each block its premultiplied mean, partial blocks included, from aligned and unaligned pixels alike', () => {
    const rng = mulberry32(7);
    for (let k = 0; k < 60; k++) {
      const width = 1 + Math.floor(rng() * 40);
      const height = 1 + Math.floor(rng() * 40);
      const n = 1 + Math.floor(rng() * 5);
      const m = k % 3 === 0 ? 3 : 1 + Math.floor(rng() * 5);
      const bytes = new Uint8ClampedArray(width * height * 4 + 1);
      for (let i = 1; i < bytes.length; i++) bytes[i] = (i - 1) % 4 === 3 && rng() < 0.3 ? 0 : Math.floor(rng() * 256);
      // Aligned (read as pixel words) and one byte off (read byte by byte).
      const aligned = createRgbaImage(width, height, new Uint8ClampedArray(bytes.subarray(1)));
      const unaligned = createRgbaImage(width, height, bytes.subarray(1));
      const expected = reference(aligned, n, m);
      const a = boxReduce(aligned, n, m);
      const u = boxReduce(unaligned, n, m);
      expect([a.width, a.height]).toEqual([Math.ceil(width / n), Math.ceil(height / m)]);
      expect(Buffer.from(a.data).equals(Buffer.from(expected)), `${width}×${height} by ${n}×${m}`).toBe(true);
      expect(Buffer.from(u.data).equals(Buffer.from(expected)), `unaligned ${width}×${height} by ${n}×${m}`).toBe(true);
    }
  });

  it('averages a 3×3 block of an opaque image to its mean colour', () => {
    const img = createRgbaImage(3, 3);
    for (let p = 0; p < 9; p++) img.data.set([p * 10, 100, 255 - p, 255], p * 4);
    expect(Array.from(boxReduce(img, 3, 3).data)).toEqual([40, 100, 251, 255]);
  });
});
