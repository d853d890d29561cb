import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { psnr } from '../../src/image/compare.js';
import { bilateralFilter } from '../../src/image/denoise.js';
import { gaussianBlurRgba } from '../../src/image/gaussian-blur.js';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { mulberry32 } from '../support/random.js';

const sameBytes = (a: Uint8ClampedArray, b: Uint8ClampedArray) => a.length === b.length && a.every((v, i) => v === b[i]);

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

/** 200×200 grey step (60 | 180 at x = 100) with Gaussian noise of the given sigma. */
function noisyStep(sigma: number): RgbaImage {
  const rng = mulberry32(42);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng());
  const img = createRgbaImage(200, 200);
  for (let y = 0; y < 200; y++) {
    for (let x = 0; x < 200; x++) {
      const base = x < 100 ? 60 : 180;
      const i = (y * 200 + x) * 4;
      for (let c = 0; c < 3; c++) img.data[i + c] = base + sigma * gauss();
      img.data[i + 3] = 255;
    }
  }
  return img;
}

/** Standard deviation of the red channel over columns [x0, x1). */
function regionStd(img: RgbaImage, x0: number, x1: number): number {
  let sum = 0;
  let sq = 0;
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = x0; x < x1; x++) {
      const v = img.data[(y * img.width + x) * 4];
      sum += v;
      sq += v * v;
      n++;
    }
  }
  return Math.sqrt(sq / n - (sum / n) ** 2);
}

function columnMean(img: RgbaImage, x: number): number {
  let sum = 0;
  for (let y = 0; y < img.height; y++) sum += img.data[(y * img.width + x) * 4];
  return sum / img.height;
}

describe('bilateralFilter', () => {
  it('reduces noise on flat regions by at least 50 % while keeping a step edge sharp', () => {
    const noisy = noisyStep(8);
    const out = bilateralFilter(noisy);
    for (const [x0, x1] of [[10, 90], [110, 190]]) {
      expect(regionStd(out, x0, x1)).toBeLessThanOrEqual(0.5 * regionStd(noisy, x0, x1));
    }
    // The two columns either side of the edge keep their levels…
    expect(Math.abs(columnMean(out, 99) - 60)).toBeLessThan(3);
    expect(Math.abs(columnMean(out, 100) - 180)).toBeLessThan(3);
    // …whereas a Gaussian blur with comparable noise reduction smears them towards each other.
    const blurred = gaussianBlurRgba(noisy, 1.5);
    expect(Math.abs(columnMean(blurred, 99) - 60)).toBeGreaterThan(20);
  });

  it('leaves a flat image unchanged', () => {
    const img = createRgbaImage(30, 20);
    for (let i = 0; i < img.data.length; i += 4) img.data.set([12, 200, 99, 255], i);
    expect(psnr(bilateralFilter(img, { radius: 3 }), img, { channels: 'rgba' })).toBe(Infinity);
  });

  it('smooths a real photo only mildly (its edges survive)', async () => {
    const photo = await loadFixture('portrait-2.jpg');
    const out = bilateralFilter(photo, { radius: 4, sigmaColor: 20, sigmaSpace: 2 });
    expect(psnr(out, photo)).toBeGreaterThan(30);
  });

  it('copies alpha and lets no colour in from transparent neighbours', () => {
    const img = createRgbaImage(40, 40);
    for (let i = 0; i < img.data.length; i += 4) {
      const x = (i / 4) % 40;
      img.data.set(x < 20 ? [200, 40, 40, 255] : [40, 200, 40, x % 2 ? 0 : 3], i);
    }
    // Large sigmaColor: only the alpha weighting can keep the green out.
    const out = bilateralFilter(img, { radius: 5, sigmaColor: 1000, sigmaSpace: 5 });
    let wrong = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      if (out.data[i + 3] !== img.data[i + 3]) wrong++;
      const x = (i / 4) % 40;
      if (x < 20 && (out.data[i] < 195 || out.data[i + 1] > 45)) wrong++;
    }
    expect(wrong).toBe(0);
  });

  it('radius 2 (its own unrolled loop) gives the straightforward weighted mean, level for level, opaque or not', async () => {
    /** The filter written out: disc taps in raster order, weight = space · range (float32) · alpha / 255. */
    function straightforward(img: RgbaImage, sigmaColor: number, sigmaSpace: number): Uint8ClampedArray {
      const { width, height, data } = img;
      const opaque = data.every((v, i) => (i & 3) !== 3 || v === 255);
      const range = new Float32Array(768);
      for (let i = 0; i < 768; i++) range[i] = Math.exp(-0.5 * (i * i) / (sigmaColor * sigmaColor));
      const out = new Uint8ClampedArray(data.length);
      const at = (x: number, y: number) => (Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))) * 4;
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < width; x++) {
          const c = at(x, y);
          let sr = 0;
          let sg = 0;
          let sb = 0;
          let sw = 0;
          for (let dy = -2; dy <= 2; dy++) {
            for (let dx = -2; dx <= 2; dx++) {
              if (dx * dx + dy * dy > 4) continue;
              const q = at(x + dx, y + dy);
              const dist = Math.abs(data[q] - data[c]) + Math.abs(data[q + 1] - data[c + 1]) + Math.abs(data[q + 2] - data[c + 2]);
              const tap = Math.fround(Math.exp((dx * dx + dy * dy) * (-0.5 / (sigmaSpace * sigmaSpace))) * range[dist]);
              const w = opaque ? tap : tap * data[q + 3] * (1 / 255);
              sr += data[q] * w;
              sg += data[q + 1] * w;
              sb += data[q + 2] * w;
              sw += w;
            }
          }
          out.set(sw > 0 ? [sr / sw, sg / sw, sb / sw] : [data[c], data[c + 1], data[c + 2]], c);
          out[c + 3] = data[c + 3];
        }
      }
      return out;
    }
    const photo = await loadFixture('portrait-2.jpg');
    const small = createRgbaImage(120, 90);
    for (let y = 0; y < 90; y++) small.data.set(photo.data.subarray((y + 300) * photo.width * 4 + 1200, (y + 300) * photo.width * 4 + 1200 + 480), y * 480);
    const translucent = createRgbaImage(120, 90, new Uint8ClampedArray(small.data));
    for (let i = 3; i < translucent.data.length; i += 4) translucent.data[i] = (i >> 2) % 120 < 30 ? 0 : (i >> 2) % 120 < 40 ? 128 : 255;
    for (const img of [small, translucent]) {
      const fast = bilateralFilter(img, { radius: 2, sigmaColor: 12, sigmaSpace: 1.5 }).data;
      const slow = straightforward(img, 12, 1.5);
      let off = 0;
      // The reference divides instead of multiplying by 1 / sum: a rounding tie may fall either way.
      for (let i = 0; i < fast.length; i++) if (Math.abs(fast[i] - slow[i]) > 1) off++;
      expect(off).toBe(0);
      let differ = 0;
      for (let i = 0; i < fast.length; i++) if (fast[i] !== slow[i]) differ++;
      expect(differ).toBeLessThan(fast.length * 0.001);
    }
  });

  it('filters the opaque part of an image with clear sides exactly as the fully opaque image, whatever the radius', async () => {
    const photo = await loadFixture('portrait-2.jpg');
    const opaque = createRgbaImage(120, 90);
    for (let y = 0; y < 90; y++) opaque.data.set(photo.data.subarray((y + 300) * photo.width * 4 + 1200, (y + 300) * photo.width * 4 + 1680), y * 480);
    // A crop past the photo: clear left columns, a half-clear seam, clear top-right corner rows.
    const sided = createRgbaImage(120, 90, new Uint8ClampedArray(opaque.data));
    for (let p = 0; p < 120 * 90; p++) {
      const x = p % 120;
      const y = Math.floor(p / 120);
      sided.data[p * 4 + 3] = x < 30 ? 0 : x < 34 ? 128 : y < 10 && x > 100 ? 0 : 255;
    }
    for (const radius of [2, 3]) {
      const whole = bilateralFilter(opaque, { radius, sigmaColor: 12, sigmaSpace: 1.5 }).data;
      const part = bilateralFilter(sided, { radius, sigmaColor: 12, sigmaSpace: 1.5 }).data;
      let wrong = 0;
      let changed = 0;
      for (let p = 0; p < 120 * 90; p++) {
        const x = p % 120;
        const y = Math.floor(p / 120);
        // Windows that read no pixel below 255.
        if (x < 34 + radius || (y < 10 + radius && x > 100 - radius)) {
          if (part[p * 4] !== whole[p * 4] || part[p * 4 + 1] !== whole[p * 4 + 1]) changed++;
          continue;
        }
        for (let c = 0; c < 3; c++) if (part[p * 4 + c] !== whole[p * 4 + c]) wrong++;
      }
      expect(wrong, `radius ${radius}`).toBe(0);
      // Near the clear pixels the alpha weighting does change the result (the check can fail).
      expect(changed, `radius ${radius}`).toBeGreaterThan(0);
    }
  });

  it('filters only the flagged pixels, each exactly as the whole-image filter does, and keeps the rest as they were', async () => {
    const photo = await loadFixture('portrait-2.jpg');
    const opaque = createRgbaImage(120, 90);
    for (let y = 0; y < 90; y++) opaque.data.set(photo.data.subarray((y + 300) * photo.width * 4 + 1200, (y + 300) * photo.width * 4 + 1680), y * 480);
    const translucent = createRgbaImage(120, 90, new Uint8ClampedArray(opaque.data));
    for (let i = 3; i < translucent.data.length; i += 4) translucent.data[i] = (i >> 2) % 120 < 30 ? 0 : (i >> 2) % 120 < 40 ? 128 : 255;
    // A block, isolated grid pixels, runs at both ends of rows: every shape of run.
    const only = new Uint8Array(120 * 90);
    for (let y = 0; y < 90; y++) {
      for (let x = 0; x < 120; x++) {
        const block = x >= 20 && x < 70 && y >= 10 && y < 60;
        const grid = x % 2 === 0 && y % 2 === 0;
        only[y * 120 + x] = block || grid || x < 3 || x >= 117 ? 1 : 0;
      }
    }
    for (const img of [opaque, translucent]) {
      for (const radius of [2, 3]) {
        const whole = bilateralFilter(img, { radius, sigmaColor: 12, sigmaSpace: 1.5 }).data;
        const part = bilateralFilter(img, { radius, sigmaColor: 12, sigmaSpace: 1.5 }, only).data;
        let wrong = 0;
        for (let p = 0; p < only.length; p++) {
          const expected = only[p] ? whole : img.data;
          for (let c = 0; c < 4; c++) if (part[p * 4 + c] !== expected[p * 4 + c]) wrong++;
        }
        expect(wrong, `radius ${radius}`).toBe(0);
        // The check can fail: the filter does change the flagged pixels.
        expect(sameBytes(whole, img.data)).toBe(false);
      }
    }
    expect(() => bilateralFilter(opaque, {}, new Uint8Array(5))).toThrow(TypeError);
  });

  it('reads pixels at an odd byte offset (packed one by one) exactly as aligned ones (copied as words)', async () => {
    const photo = await loadFixture('portrait-2.jpg');
    const aligned = createRgbaImage(120, 90);
    for (let y = 0; y < 90; y++) aligned.data.set(photo.data.subarray((y + 300) * photo.width * 4 + 1200, (y + 300) * photo.width * 4 + 1680), y * 480);
    for (let i = 3; i < aligned.data.length; i += 4) if ((i >> 2) % 120 < 20) aligned.data[i] = (i >> 2) % 7 === 0 ? 0 : 200;
    const offset = new Uint8ClampedArray(aligned.data.length + 1);
    offset.set(aligned.data, 1);
    const unaligned = createRgbaImage(120, 90, offset.subarray(1));
    for (const radius of [2, 3]) {
      expect(sameBytes(bilateralFilter(unaligned, { radius }).data, bilateralFilter(aligned, { radius }).data), `radius ${radius}`).toBe(true);
    }
  });

  it('handles images smaller than the window', () => {
    const img = createRgbaImage(2, 3);
    img.data.set([0, 0, 0, 255, 10, 10, 10, 255, 20, 20, 20, 255, 30, 30, 30, 255, 40, 40, 40, 255, 50, 50, 50, 255]);
    const out = bilateralFilter(img, { radius: 6, sigmaColor: 200, sigmaSpace: 10 });
    expect(out.width).toBe(2);
    expect(out.height).toBe(3);
    // Strong smoothing pulls the extremes together but keeps their order.
    expect(out.data[0]).toBeGreaterThan(0);
    expect(out.data[20]).toBeLessThan(50);
    expect(out.data[0]).toBeLessThan(out.data[20]);
  });

  it('validates its arguments', () => {
    const img = createRgbaImage(4, 4);
    expect(() => bilateralFilter(img, { radius: 1.5 })).toThrow(new RangeError('Expected integer for options.radius but received 1.5'));
    expect(() => bilateralFilter(img, { radius: 0 })).toThrow(RangeError);
    expect(() => bilateralFilter(img, { radius: 99 })).toThrow(RangeError);
    expect(() => bilateralFilter(img, { sigmaColor: 0 })).toThrow(RangeError);
    expect(() => bilateralFilter(img, { sigmaSpace: '2' as never })).toThrow(TypeError);
    expect(() => bilateralFilter({ width: 1, height: 1, data: new Uint8Array(4) } as never)).toThrow(TypeError);
  });
});
