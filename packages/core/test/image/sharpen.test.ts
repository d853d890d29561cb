import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { psnr } from '../../src/image/compare.js';
import { gaussianBlurRgbaFloat } from '../../src/image/gaussian-blur.js';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { unsharpMask, unsharpMaskLuma } from '../../src/image/sharpen.js';
import { linearGainLuts } from '../../src/image/cast-estimate.js';
import { applyChannelLuts } from '../../src/image/channel-lut.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

function step(width: number, left: number, right: number): RgbaImage {
  const img = createRgbaImage(width, 5);
  for (let i = 0; i < img.data.length; i += 4) {
    const v = (i / 4) % width < width / 2 ? left : right;
    img.data.set([v, v, v, 255], i);
  }
  return img;
}

/** Mean squared Laplacian of the green channel: a measure of fine detail. */
function detailEnergy(img: RgbaImage): number {
  const { width: w, height: h, data } = img;
  let sum = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = (y * w + x) * 4 + 1;
      const lap = 4 * data[i] - data[i - 4] - data[i + 4] - data[i - w * 4] - data[i + w * 4];
      sum += lap * lap;
    }
  }
  return sum / ((w - 2) * (h - 2));
}

describe('unsharpMask', () => {
  it('adds amount × (image − blur) where the difference exceeds the threshold', () => {
    const img = step(20, 80, 160);
    const out = unsharpMask(img, { amount: 1, sigma: 1, threshold: 0 });
    const blur = gaussianBlurRgbaFloat(img, 1);
    const row = 2 * 20 * 4;
    for (let x = 0; x < 20; x++) {
      const i = row + x * 4;
      const expected = Math.min(255, Math.max(0, Math.round(img.data[i] + (img.data[i] - blur[i]))));
      expect(Math.abs(out.data[i] - expected)).toBeLessThanOrEqual(1);
    }
    // Overshoot either side of the edge, nothing far from it.
    expect(out.data[row + 9 * 4]).toBeLessThan(80);
    expect(out.data[row + 10 * 4]).toBeGreaterThan(160);
    expect(out.data[row + 2 * 4]).toBe(80);
    expect(out.data[row + 17 * 4]).toBe(160);
  });

  it('leaves differences at or below the threshold alone', () => {
    const faint = step(20, 100, 104);
    expect(psnr(unsharpMask(faint, { amount: 2, sigma: 1, threshold: 3 }), faint)).toBe(Infinity);
    const strong = step(20, 100, 160);
    expect(psnr(unsharpMask(strong, { amount: 2, sigma: 1, threshold: 3 }), strong)).toBeLessThan(40);
  });

  it('is the identity for amount 0 and on flat images', () => {
    const img = step(16, 30, 200);
    expect(psnr(unsharpMask(img, { amount: 0 }), img, { channels: 'rgba' })).toBe(Infinity);
    const flat = step(16, 90, 90);
    expect(psnr(unsharpMask(flat, { amount: 3, threshold: 0 }), flat, { channels: 'rgba' })).toBe(Infinity);
  });

  it('increases fine detail on a real photo without wrecking it, and copies alpha', async () => {
    const photo = await loadFixture('portrait-4.jpg');
    for (let i = 3; i < photo.data.length; i += 4) photo.data[i] = 255 - ((i >> 2) % 7);
    const out = unsharpMask(photo, { amount: 0.6, sigma: 1.2, threshold: 2 });
    expect(detailEnergy(out)).toBeGreaterThan(detailEnergy(photo) * 1.3);
    expect(psnr(out, photo)).toBeGreaterThan(28);
    let alphaChanged = 0;
    for (let i = 3; i < photo.data.length; i += 4) if (out.data[i] !== photo.data[i]) alphaChanged++;
    expect(alphaChanged).toBe(0);
  });

  it('validates its arguments', () => {
    const img = step(4, 0, 255);
    expect(() => unsharpMask(img, { amount: -1 })).toThrow(RangeError);
    expect(() => unsharpMask(img, { sigma: 0 })).toThrow(new RangeError('Expected number in (0, Infinity) for options.sigma but received 0'));
    expect(() => unsharpMask(img, { threshold: 300 })).toThrow(RangeError);
    expect(() => unsharpMask(img, { threshold: '1' as never })).toThrow(TypeError);
    expect(() => unsharpMask(img, 5 as never)).toThrow(TypeError);
  });
});

/** Left half one colour, right half another, `height` rows. */
function colourStep(width: number, left: readonly number[], right: readonly number[], alphaLeft = 255): RgbaImage {
  const img = createRgbaImage(width, 3);
  for (let i = 0; i < img.data.length; i += 4) img.data.set((i / 4) % width < width / 2 ? [...left, alphaLeft] : [...right, 255], i);
  return img;
}

describe('unsharpMaskLuma', () => {
  it('on a grey image sharpens as unsharpMask does', () => {
    const img = step(20, 80, 160);
    const luma = unsharpMaskLuma(img, { amount: 1, sigma: 1, threshold: 0 });
    const rgb = unsharpMask(img, { amount: 1, sigma: 1, threshold: 0 });
    for (let i = 0; i < img.data.length; i++) expect(Math.abs(luma.data[i] - rgb.data[i]), `byte ${i}`).toBeLessThanOrEqual(1);
    expect(luma.data[2 * 20 * 4 + 9 * 4]).toBeLessThan(80);
    expect(luma.data[2 * 20 * 4 + 10 * 4]).toBeGreaterThan(160);
  });

  it('adds one lift to R, G and B: a coloured edge gains contrast, not a colour fringe', () => {
    // Dark red against light blue: a luma edge and a strong colour edge at once.
    const img = colourStep(20, [120, 20, 20], [140, 190, 230]);
    const out = unsharpMaskLuma(img, { amount: 1, sigma: 1, threshold: 0 });
    let changed = 0;
    for (let i = 0; i < img.data.length; i += 4) {
      const lifts = [0, 1, 2].map((c) => out.data[i + c] - img.data[i + c]);
      if (lifts.some((d) => d !== 0)) changed++;
      // Clamping aside, every channel moves by the same amount (±1 for rounding).
      if (lifts.every((_, c) => out.data[i + c] > 0 && out.data[i + c] < 255)) expect(Math.max(...lifts) - Math.min(...lifts)).toBeLessThanOrEqual(1);
    }
    expect(changed).toBeGreaterThan(0);
    // A pure colour edge of equal luma is left alone; unsharpMask puts a fringe on it.
    const sameLuma = colourStep(20, [200, 100, 100], [79, 162, 100]);
    expect(psnr(unsharpMaskLuma(sameLuma, { amount: 1, threshold: 1 }), sameLuma)).toBe(Infinity);
    expect(psnr(unsharpMask(sameLuma, { amount: 1, threshold: 1 }), sameLuma)).toBeLessThan(40);
  });

  it('leaves differences at or below the threshold alone, and flat images as they are', () => {
    const faint = step(20, 100, 104);
    expect(psnr(unsharpMaskLuma(faint, { amount: 2, sigma: 1, threshold: 3 }), faint)).toBe(Infinity);
    const flat = step(16, 90, 90);
    expect(psnr(unsharpMaskLuma(flat, { amount: 3, threshold: 0 }), flat, { channels: 'rgba' })).toBe(Infinity);
  });

  it('takes no luma from transparent pixels (no halo where the photo ends) and copies alpha', () => {
    // Black but fully transparent on the left: only the opaque grey counts.
    const img = colourStep(20, [0, 0, 0], [128, 128, 128], 0);
    const out = unsharpMaskLuma(img, { amount: 2, sigma: 1, threshold: 0 });
    for (let i = 0; i < img.data.length; i += 4) {
      expect(out.data[i + 3]).toBe(img.data[i + 3]);
      if (img.data[i + 3] === 255) expect(out.data.slice(i, i + 3)).toEqual(img.data.slice(i, i + 3));
    }
  });

  it('sharpens a real photo as much as unsharpMask, closer to the original colours', async () => {
    const photo = await loadFixture('portrait-4.jpg');
    const luma = unsharpMaskLuma(photo, { amount: 0.6, sigma: 1.2, threshold: 2 });
    const rgb = unsharpMask(photo, { amount: 0.6, sigma: 1.2, threshold: 2 });
    expect(detailEnergy(luma)).toBeGreaterThan(detailEnergy(photo) * 1.3);
    expect(psnr(luma, rgb)).toBeGreaterThan(35);
    expect(psnr(luma, photo)).toBeGreaterThan(28);
  });

  it('with tables before, gives exactly the sharpened image of the tables applied first, opaque or not', async () => {
    const photo = await loadFixture('portrait-4.jpg');
    const translucent = createRgbaImage(photo.width, photo.height, new Uint8ClampedArray(photo.data));
    for (let i = 3; i < translucent.data.length; i += 4) translucent.data[i] = (i >> 2) % photo.width < 200 ? 0 : (i >> 2) % photo.width < 240 ? 128 : 255;
    // Warm white-balance gains' tables: blue up, red down.
    const [r, g, b] = linearGainLuts({ r: 0.9, g: 1.02, b: 1.12 });
    for (const img of [photo, translucent]) {
      const options = { amount: 0.5, sigma: 1, threshold: 2 };
      const fused = unsharpMaskLuma(img, { ...options, before: [r, g, b] });
      const separate = unsharpMaskLuma(applyChannelLuts(img, r, g, b), options);
      expect(Buffer.from(fused.data).equals(Buffer.from(separate.data))).toBe(true);
      expect(psnr(fused, unsharpMaskLuma(img, options))).toBeLessThan(40);
    }
    expect(() => unsharpMaskLuma(photo, { before: [r, g] as never })).toThrow(TypeError);
    expect(() => unsharpMaskLuma(photo, { before: [r, g, new Uint8Array(255)] })).toThrow(TypeError);
  });

  it('validates its arguments', () => {
    const img = step(4, 0, 255);
    expect(() => unsharpMaskLuma(img, { amount: -1 })).toThrow(RangeError);
    expect(() => unsharpMaskLuma(img, { sigma: 0 })).toThrow(RangeError);
    expect(() => unsharpMaskLuma({ width: 2, height: 2, data: new Uint8ClampedArray(3) } as never)).toThrow();
  });
});
