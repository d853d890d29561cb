import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGrayImage, createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { channelMeans, greyWorldWhiteBalance } from '../../src/image/white-balance.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

function tint(img: RgbaImage, r: number, g: number, b: number): RgbaImage {
  const out = createRgbaImage(img.width, img.height);
  for (let i = 0; i < img.data.length; i += 4) {
    out.data[i] = img.data[i] * r;
    out.data[i + 1] = img.data[i + 1] * g;
    out.data[i + 2] = img.data[i + 2] * b;
    out.data[i + 3] = img.data[i + 3];
  }
  return out;
}

function flat(width: number, height: number, rgba: [number, number, number, number]): RgbaImage {
  const img = createRgbaImage(width, height);
  for (let i = 0; i < img.data.length; i += 4) img.data.set(rgba, i);
  return img;
}

describe('greyWorldWhiteBalance', () => {
  let photo: RgbaImage;
  beforeAll(async () => {
    photo = await loadFixture('group-3.jpg');
  });

  it('undoes a (1.2, 1.0, 0.8) tint on a real photo: channel means back within 3 %', () => {
    const tinted = tint(photo, 1.2, 1.0, 0.8);
    const { image, gains } = greyWorldWhiteBalance(tinted);
    const reference = channelMeans(greyWorldWhiteBalance(photo).image);
    const means = channelMeans(image);
    const grey = (means.r + means.g + means.b) / 3;
    for (const c of ['r', 'g', 'b'] as const) {
      // Balanced: every channel at the grey mean…
      expect(Math.abs(means[c] / grey - 1)).toBeLessThan(0.03);
      // …and the same result as balancing the untinted photo.
      expect(Math.abs(means[c] / reference[c] - 1)).toBeLessThan(0.03);
    }
    // The red gain counteracts the red boost and the blue gain the blue cut.
    expect(gains.r).toBeLessThan(gains.g);
    expect(gains.b).toBeGreaterThan(gains.g);
  });

  it('clamps each gain to [1/maxGain, maxGain]', () => {
    const red = flat(8, 8, [200, 50, 50, 255]);
    const { image, gains } = greyWorldWhiteBalance(red);
    // Unclamped the gains would be 0.5, 2 and 2.
    expect(gains.r).toBeCloseTo(1 / 1.5, 12);
    expect(gains.g).toBe(1.5);
    expect(gains.b).toBe(1.5);
    expect(Array.from(image.data.subarray(0, 4))).toEqual([133, 75, 75, 255]);
    const wider = greyWorldWhiteBalance(red, { maxGain: 3 });
    expect(wider.gains.r).toBeCloseTo(0.5, 12);
    expect(wider.gains.g).toBeCloseTo(2, 12);
    expect(Array.from(wider.image.data.subarray(0, 4))).toEqual([100, 100, 100, 255]);
  });

  it('applies a partial correction with strength < 1', () => {
    const red = flat(8, 8, [200, 50, 50, 255]);
    const half = greyWorldWhiteBalance(red, { strength: 0.5 });
    expect(half.gains.r).toBeCloseTo(1 + 0.5 * (1 / 1.5 - 1), 12);
    expect(half.gains.g).toBeCloseTo(1.25, 12);
    // 200·0.8333 = 166.7 → 167; 50·1.25 = 62.5 → 62 (Uint8ClampedArray rounds half to even).
    expect(Array.from(half.image.data.subarray(0, 4))).toEqual([167, 62, 62, 255]);
    const none = greyWorldWhiteBalance(red, { strength: 0 });
    expect(none.gains).toEqual({ r: 1, g: 1, b: 1 });
    expect(() => greyWorldWhiteBalance(red, { strength: 1.5 })).toThrow(RangeError);
  });

  it('leaves a neutral image alone', () => {
    const grey = flat(5, 5, [90, 90, 90, 255]);
    const { image, gains } = greyWorldWhiteBalance(grey);
    expect(gains).toEqual({ r: 1, g: 1, b: 1 });
    expect(Array.from(image.data)).toEqual(Array.from(grey.data));
  });

  it('computes the statistics over the mask only', () => {
    // Left column neutral grey, right column saturated blue; the mask selects the grey part.
    const img = createRgbaImage(2, 1);
    img.data.set([100, 100, 100, 255, 0, 0, 255, 255]);
    const masked = greyWorldWhiteBalance(img, { mask: createGrayImage(2, 1, new Float32Array([1, 0])) });
    expect(masked.gains).toEqual({ r: 1, g: 1, b: 1 });
    const unmasked = greyWorldWhiteBalance(img);
    expect(unmasked.gains.b).toBeLessThan(1);
  });

  it('copies alpha and never changes its input', () => {
    const img = tint(photo, 1, 1, 1);
    for (let i = 3; i < img.data.length; i += 4) img.data[i] = i % 256;
    const before = Buffer.from(img.data);
    const { image } = greyWorldWhiteBalance(tint(img, 1.1, 1, 0.9));
    let alphaChanged = 0;
    for (let i = 3; i < img.data.length; i += 4) if (image.data[i] !== img.data[i]) alphaChanged++;
    expect(alphaChanged).toBe(0);
    expect(Buffer.compare(before, Buffer.from(img.data))).toBe(0);
  });

  it('validates its arguments', () => {
    const img = flat(2, 2, [1, 2, 3, 255]);
    expect(() => greyWorldWhiteBalance(img, { maxGain: 0.5 })).toThrow(new RangeError('Expected number in [1, Infinity) for options.maxGain but received 0.5'));
    expect(() => greyWorldWhiteBalance(img, { maxGain: '2' as never })).toThrow(TypeError);
    expect(() => greyWorldWhiteBalance(img, { mask: createGrayImage(2, 2) })).toThrow(RangeError);
    expect(() => greyWorldWhiteBalance(img, { mask: createGrayImage(3, 2) })).toThrow(RangeError);
    expect(() => greyWorldWhiteBalance(null as never)).toThrow(TypeError);
  });
});
