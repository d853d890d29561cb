import { createRgbaImage, type RgbaImage } from './rgba-image.js';

/** n×m blocks of `src` averaged in premultiplied alpha (the last row and column of blocks may be partial). */
export function boxReduce(src: RgbaImage, n: number, m: number): RgbaImage {
  const { width, height, data } = src;
  const w = Math.ceil(width / n);
  const h = Math.ceil(height / m);
  const out = createRgbaImage(w, h);
  const dst = out.data;
  const acc = new Float64Array(w * 4);
  for (let by = 0; by < h; by++) {
    acc.fill(0);
    const yEnd = Math.min(height, (by + 1) * m);
    for (let y = by * m; y < yEnd; y++) {
      // Block by block along the row: each block's sums get the same pixels in the same order.
      for (let bx = 0, x = 0, i = y * width * 4; bx < w; bx++) {
        const o = bx * 4;
        let r = acc[o];
        let g = acc[o + 1];
        let b = acc[o + 2];
        let s = acc[o + 3];
        for (const xEnd = Math.min(width, x + n); x < xEnd; x++, i += 4) {
          const a = data[i + 3];
          r += data[i] * a;
          g += data[i + 1] * a;
          b += data[i + 2] * a;
          s += a;
        }
        acc[o] = r;
        acc[o + 1] = g;
        acc[o + 2] = b;
        acc[o + 3] = s;
      }
    }
    for (let bx = 0, o = by * w * 4; bx < w; bx++, o += 4) {
      const a = acc[bx * 4 + 3];
      if (a > 0) {
        dst[o] = acc[bx * 4] / a;
        dst[o + 1] = acc[bx * 4 + 1] / a;
        dst[o + 2] = acc[bx * 4 + 2] / a;
        // The block's pixel count, as the per-pixel count came to (a whole number either way).
        dst[o + 3] = a / ((yEnd - by * m) * (Math.min(width, (bx + 1) * n) - bx * n));
      }
    }
  }
  return out;
}
