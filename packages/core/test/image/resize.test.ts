import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { psnr } from '../../src/image/compare.js';
import { computeAxisWeights, resizeImage } from '../../src/image/resize.js';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

async function sharpResize(name: string, width: number, height: number): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name)
    .ensureAlpha()
    .resize(width, height, { kernel: 'lanczos3', fit: 'fill' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

describe('computeAxisWeights', () => {
  it.each([
    [734, 300, 'lanczos3'],
    [300, 734, 'lanczos3'],
    [100, 100, 'lanczos3'],
    [1000, 7, 'bilinear'],
    [7, 1000, 'bilinear'],
  ] as const)('%i → %i (%s): every row of weights sums to 1 and stays in range', (inSize, outSize, filter) => {
    const w = computeAxisWeights(inSize, outSize, filter);
    for (let i = 0; i < outSize; i++) {
      let sum = 0;
      for (let t = 0; t < w.count[i]; t++) sum += w.weights[i * w.taps + t];
      expect(sum).toBeCloseTo(1, 5);
      expect(w.start[i]).toBeGreaterThanOrEqual(0);
      expect(w.start[i] + w.count[i]).toBeLessThanOrEqual(inSize);
    }
  });

  it('widens the kernel on downscale (antialiasing) but not on upscale', () => {
    expect(computeAxisWeights(1000, 100, 'lanczos3').taps).toBe(2 * 30 + 1);
    expect(computeAxisWeights(100, 1000, 'lanczos3').taps).toBe(2 * 3 + 1);
  });
});

describe('resizeImage', () => {
  let portrait: RgbaImage;
  beforeAll(async () => {
    portrait = await loadFixture('portrait-1.jpg');
  });

  it.each([
    ['portrait-1.jpg', 300, 250],
    ['portrait-1.jpg', 183, 183],
    ['astronaut.png', 200, 331],
    ['group-2.jpg', 640, 456],
  ])('Lanczos3 downscale of %s to %i×%i matches sharp (PSNR ≥ 35 dB)', async (name, width, height) => {
    const src = await loadFixture(name);
    const ours = resizeImage(src, width, height, { filter: 'lanczos3' });
    const reference = await sharpResize(name, width, height);
    expect(psnr(ours, reference)).toBeGreaterThanOrEqual(35);
  });

  // libvips does not upsize with the Lanczos kernel: it switches to a bicubic interpolator and
  // samples half an output pixel off the centre-aligned grid, so on upscale sharp is only an
  // approximate reference (on the crisp synthetic-looking astronaut it drops to ~32 dB for that
  // reason alone). On ordinary photos the two agree closely.
  it.each([
    ['no-face-cat.png', 1000, 700],
    ['portrait-1.jpg', 1000, 1000],
    ['portrait-4.jpg', 800, 900],
  ])('Lanczos3 upscale of %s to %i×%i matches sharp (PSNR ≥ 35 dB)', async (name, width, height) => {
    const src = await loadFixture(name);
    const ours = resizeImage(src, width, height, { filter: 'lanczos3' });
    const reference = await sharpResize(name, width, height);
    expect(psnr(ours, reference)).toBeGreaterThanOrEqual(35);
  });

  it('samples on the centre-aligned grid: no shift on upscale or downscale', () => {
    // A symmetric image must stay symmetric, which any half-pixel offset would break.
    const src = createRgbaImage(9, 1);
    src.data.set([0, 0, 0, 255, 10, 10, 10, 255, 60, 60, 60, 255, 200, 200, 200, 255, 255, 255, 255, 255, 200, 200, 200, 255, 60, 60, 60, 255, 10, 10, 10, 255, 0, 0, 0, 255]);
    for (const width of [4, 5, 7, 13, 20, 31]) {
      for (const filter of ['lanczos3', 'bilinear'] as const) {
        const out = resizeImage(src, width, 1, { filter });
        for (let x = 0; x < width; x++) expect(out.data[x * 4]).toBe(out.data[(width - 1 - x) * 4]);
      }
    }
  });

  it('upscaling then downscaling by the same factor nearly restores the photo', () => {
    const up = resizeImage(portrait, 1468, 1468);
    const back = resizeImage(up, portrait.width, portrait.height);
    expect(psnr(back, portrait)).toBeGreaterThan(40);
  });

  it('is the identity at the same size', () => {
    const out = resizeImage(portrait, portrait.width, portrait.height);
    expect(psnr(out, portrait, { channels: 'rgba' })).toBe(Infinity);
  });

  it('keeps a flat image flat, with either filter', () => {
    const src = createRgbaImage(37, 23);
    for (let i = 0; i < src.data.length; i += 4) src.data.set([90, 160, 220, 255], i);
    for (const filter of ['lanczos3', 'bilinear'] as const) {
      for (const [w, h] of [[11, 7], [80, 61]]) {
        const out = resizeImage(src, w, h, { filter });
        for (let i = 0; i < out.data.length; i += 4) expect(Array.from(out.data.subarray(i, i + 4))).toEqual([90, 160, 220, 255]);
      }
    }
  });

  it('bilinear 2× reduction averages pixel pairs', () => {
    const src = createRgbaImage(4, 1);
    src.data.set([0, 0, 0, 255, 100, 100, 100, 255, 200, 200, 200, 255, 40, 40, 40, 255]);
    const out = resizeImage(src, 2, 1, { filter: 'bilinear' });
    // Output centres sit at source x = 1 and 3; the triangle is stretched to half-width 2, so the
    // pixels (centres 0.5, 1.5, 2.5, 3.5) weigh 3/4, 3/4, 1/4 for the first output and 1/4, 3/4,
    // 3/4 for the second; taps past the edge are dropped and the rest renormalised.
    expect(out.data[0]).toBe(Math.round((0 * 0.75 + 100 * 0.75 + 200 * 0.25) / 1.75));
    expect(out.data[4]).toBe(Math.round((100 * 0.25 + 200 * 0.75 + 40 * 0.75) / 1.75));
  });

  it('antialiases: a 1-px checkerboard shrinks to flat mid-grey', () => {
    const n = 300;
    const src = createRgbaImage(n, n);
    for (let y = 0; y < n; y++) for (let x = 0; x < n; x++) {
      const v = (x + y) % 2 ? 255 : 0;
      src.data.set([v, v, v, 255], (y * n + x) * 4);
    }
    for (const filter of ['lanczos3', 'bilinear'] as const) {
      const out = resizeImage(src, 70, 70, { filter });
      for (let i = 0; i < out.data.length; i += 4) expect(Math.abs(out.data[i] - 127.5)).toBeLessThan(8);
    }
  });

  it('works in premultiplied alpha: transparent colour does not bleed', () => {
    const src = createRgbaImage(40, 40);
    for (let i = 0; i < src.data.length; i += 4) {
      const x = (i / 4) % 40;
      src.data.set(x < 20 ? [255, 0, 0, 255] : [0, 255, 0, 0], i);
    }
    for (const [w, h] of [[13, 13], [97, 97]]) {
      const out = resizeImage(src, w, h);
      let partial = 0;
      for (let i = 0; i < out.data.length; i += 4) {
        if (out.data[i + 3] === 0) continue;
        if (out.data[i + 3] < 250) partial++;
        expect(out.data[i + 1]).toBe(0);
        expect(out.data[i]).toBe(255);
      }
      expect(partial).toBeGreaterThan(0);
    }
  });

  it('gives the straightforward two-pass sums (weights from computeAxisWeights, one tap at a time) byte for byte, up and down', async () => {
    const photo = await loadFixture('portrait-2.jpg');
    const img = createRgbaImage(160, 120);
    for (let y = 0; y < 120; y++) img.data.set(photo.data.subarray(((y + 250) * photo.width + 300) * 4, ((y + 250) * photo.width + 460) * 4), y * 640);
    // A cut-out's alpha: transparent, soft and solid columns.
    for (let i = 3; i < img.data.length; i += 4) img.data[i] = Math.max(0, Math.min(255, ((i >> 2) % 160) * 6 - 200));
    function straightforward(src: RgbaImage, width: number, height: number): Uint8ClampedArray {
      const xw = computeAxisWeights(src.width, width, 'lanczos3');
      const yw = computeAxisWeights(src.height, height, 'lanczos3');
      const tmp = new Float32Array(width * src.height * 4);
      for (let y = 0; y < src.height; y++) {
        for (let x = 0; x < width; x++) {
          const sums = [0, 0, 0, 0];
          for (let t = 0; t < xw.count[x]; t++) {
            const i = (y * src.width + xw.start[x] + t) * 4;
            const a = src.data[i + 3];
            const w = xw.weights[x * xw.taps + t];
            for (let c = 0; c < 4; c++) sums[c] += Math.fround(c < 3 ? src.data[i + c] * a : a) * w;
          }
          tmp.set(sums, (y * width + x) * 4);
        }
      }
      const out = new Uint8ClampedArray(width * height * 4);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const sums = [0, 0, 0, 0];
          for (let t = 0; t < yw.count[y]; t++) {
            const i = ((yw.start[y] + t) * width + x) * 4;
            for (let c = 0; c < 4; c++) sums[c] += tmp[i + c] * yw.weights[y * yw.taps + t];
          }
          if (sums[3] >= 0.5) out.set([sums[0] / sums[3], sums[1] / sums[3], sums[2] / sums[3], sums[3]], (y * width + x) * 4);
        }
      }
      return out;
    }
    for (const [width, height] of [[211, 163], [648, 480], [90, 70], [160, 121]]) {
      const fast = resizeImage(img, width, height).data;
      const slow = straightforward(img, width, height);
      let off = 0;
      let differ = 0;
      for (let i = 0; i < fast.length; i++) {
        if (fast[i] !== slow[i]) differ++;
        // Division against multiplication by the inverse: a rounding tie may fall either way.
        if (Math.abs(fast[i] - slow[i]) > 1) off++;
      }
      expect(off).toBe(0);
      expect(differ).toBeLessThan(fast.length * 0.001);
    }
  });

  it('validates its arguments', () => {
    expect(() => resizeImage(portrait, 0, 10)).toThrow(new RangeError('Expected positive integer for width but received 0'));
    expect(() => resizeImage(portrait, 10, 10, { filter: 'nearest' as never })).toThrow(RangeError);
    expect(() => resizeImage(portrait, 10, 10, { filter: 3 as never })).toThrow(TypeError);
    expect(() => resizeImage(null as never, 10, 10)).toThrow(TypeError);
  });
});

describe('resizeImage, bit for bit', () => {
  it('resizes a cut-out (transparent margins, a soft rim) exactly as before it skipped the rows\' empty spans (hashes pinned at 896ce62)', () => {
    let seed = 4242;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const W = 83;
    const H = 67;
    const img = createRgbaImage(W, H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = (y * W + x) * 4;
        const d = Math.hypot((x - 45) / 25, (y - 30) / 20);
        img.data[i] = rnd() * 256;
        img.data[i + 1] = rnd() * 256;
        img.data[i + 2] = rnd() * 256;
        img.data[i + 3] = d < 0.8 ? 255 : d < 1.1 ? Math.round((255 * (1.1 - d)) / 0.3) : 0;
      }
    }
    const fnv = (b: Uint8ClampedArray) => {
      let h = 0x811c9dc5;
      for (const v of b) h = Math.imul(h ^ v, 0x01000193) >>> 0;
      return h.toString(16);
    };
    const hashes: string[] = [];
    for (const [w, h] of [[110, 89], [120, 120], [60, 50], [83, 67]]) {
      for (const filter of ['lanczos3', 'bilinear'] as const) hashes.push(`${w}x${h} ${filter} ${fnv(resizeImage(img, w, h, { filter }).data)}`);
    }
    expect(hashes).toEqual([
      '110x89 lanczos3 f6dd68ae',
      '110x89 bilinear f2a74a03',
      '120x120 lanczos3 52a7593a',
      '120x120 bilinear 761a96c3',
      '60x50 lanczos3 7946d25f',
      '60x50 bilinear f06ee78e',
      '83x67 lanczos3 fe7acf3c',
      '83x67 bilinear fe7acf3c',
    ]);
  });
});
