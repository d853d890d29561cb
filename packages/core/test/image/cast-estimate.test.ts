import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { agreedCastGains, linearGainLuts } from '../../src/image/cast-estimate.js';
import { applyChannelLuts } from '../../src/image/channel-lut.js';
import { encodeSrgbExact, linearOfSrgbByte } from '../../src/image/color-space.js';
import { createGrayImage, createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { greyWorldWhiteBalance, type ChannelGains } from '../../src/image/white-balance.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

/** The photo under another light: each channel scaled in linear light (a camera's cast). */
function underLight(img: RgbaImage, light: [number, number, number]): RgbaImage {
  const out = createRgbaImage(img.width, img.height);
  for (let i = 0; i < img.data.length; i += 4) {
    for (let c = 0; c < 3; c++) out.data[i + c] = Math.round(255 * encodeSrgbExact(Math.min(1, linearOfSrgbByte(img.data[i + c]) * light[c])));
    out.data[i + 3] = img.data[i + 3];
  }
  return out;
}

const corrected = (img: RgbaImage, gains: ChannelGains) => applyChannelLuts(img, ...linearGainLuts(gains));

/** The image's mean colour in linear light. */
function meanLinear(img: RgbaImage): [number, number, number] {
  const sum: [number, number, number] = [0, 0, 0];
  for (let i = 0; i < img.data.length; i += 4) for (let c = 0; c < 3; c++) sum[c] += linearOfSrgbByte(img.data[i + c]);
  return sum;
}

/** The angle in degrees between two colours taken as directions: how far one's hue and tint are from the other's. */
function colourAngle(a: readonly number[], b: readonly number[]): number {
  const dot = a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
  return (Math.acos(Math.min(1, dot / Math.hypot(...a) / Math.hypot(...b))) * 180) / Math.PI;
}

describe('agreedCastGains', () => {
  // Balanced photos of varied people and light (the core fixtures; their provenance is in PROVENANCE.md).
  const NAMES = ['portrait-1.jpg', 'portrait-2.jpg', 'portrait-3.jpg', 'portrait-4.jpg', 'portrait-5.jpg', 'group-1.jpg', 'group-2.jpg', 'group-3.jpg', 'bar-night-couple-flash.jpg', 'conference-group-wide.jpg'];
  let photos: RgbaImage[];
  let warm: RgbaImage;
  beforeAll(async () => {
    photos = await Promise.all(NAMES.map(loadFixture));
    warm = photos[1];
  });
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];

  it('barely moves balanced photos, each far less than grey world does', () => {
    const shifts = photos.map((photo) => {
      const before = meanLinear(photo);
      const shift = colourAngle(meanLinear(corrected(photo, agreedCastGains(photo))), before);
      const greyWorldShift = colourAngle(meanLinear(greyWorldWhiteBalance(photo).image), before);
      expect(shift).toBeLessThan(greyWorldShift);
      return shift;
    });
    expect(median(shifts)).toBeLessThan(2.5);
  });

  it('takes part of a warm (tungsten) cast out of every photo, and about half in the middle', () => {
    const ratios = photos.map((photo) => {
      const reference = meanLinear(photo);
      const cast = underLight(photo, [1.15, 1, 0.8]);
      const castAngle = colourAngle(meanLinear(cast), reference);
      return colourAngle(meanLinear(corrected(cast, agreedCastGains(cast))), reference) / castAngle;
    });
    for (const ratio of ratios) expect(ratio).toBeLessThan(1);
    expect(median(ratios)).toBeLessThan(0.75);
  });

  it('gives gains of exactly 1 on a greyscale photo and on a flat colour (no edges to agree with)', () => {
    const grey = createRgbaImage(photos[3].width, photos[3].height);
    for (let i = 0; i < grey.data.length; i += 4) {
      const [r, g, b] = photos[3].data.subarray(i, i + 3);
      grey.data.fill(Math.round(0.299 * r + 0.587 * g + 0.114 * b), i, i + 3);
      grey.data[i + 3] = 255;
    }
    expect(agreedCastGains(grey)).toEqual({ r: 1, g: 1, b: 1 });
    const flat = createRgbaImage(16, 16);
    for (let i = 0; i < flat.data.length; i += 4) flat.data.set([180, 120, 90, 255], i);
    expect(agreedCastGains(flat)).toEqual({ r: 1, g: 1, b: 1 });
  });

  it('reads only the pixels inside the mask', () => {
    // The photo on the left, a saturated blue wall beside it on the right, outside the mask.
    const cast = underLight(warm, [0.85, 1, 1.18]);
    const wide = createRgbaImage(cast.width * 2, cast.height);
    const mask = createGrayImage(wide.width, wide.height);
    for (let y = 0; y < cast.height; y++) {
      wide.data.set(cast.data.subarray(y * cast.width * 4, (y + 1) * cast.width * 4), y * wide.width * 4);
      for (let x = 0; x < cast.width; x++) {
        wide.data.set([20, 40, 230, 255], (y * wide.width + cast.width + x) * 4);
        mask.data[y * wide.width + x] = 1;
      }
    }
    const alone = agreedCastGains(cast);
    const masked = agreedCastGains(wide, { mask });
    for (const c of ['r', 'g', 'b'] as const) expect(masked[c]).toBeCloseTo(alone[c], 2);
  });

  it('keeps each gain within [1/maxGain, maxGain]', () => {
    const strong = underLight(warm, [0.4, 1, 2.5]);
    const gains = agreedCastGains(strong, { maxGain: 1.2 });
    expect(gains.r).toBeLessThanOrEqual(1.2);
    expect(gains.b).toBeGreaterThanOrEqual(1 / 1.2);
    expect(Math.max(gains.r, gains.g, gains.b)).toBe(1.2);
    expect(() => agreedCastGains(warm, { maxGain: 0.5 })).toThrow(RangeError);
  });
});

describe('linearGainLuts', () => {
  it('is the identity at gain 1 and scales linear light otherwise, clipping at white', () => {
    const [r, g, b] = linearGainLuts({ r: 1, g: 2, b: 0.5 });
    expect(Array.from(r)).toEqual(Array.from({ length: 256 }, (_, v) => v));
    // sRGB 128 is 0.216 in linear light: doubled, 0.432 → sRGB 176; halved, 0.108 → 92.
    expect(g[128]).toBe(176);
    expect(b[128]).toBe(92);
    expect(g[255]).toBe(255);
    expect(g[200]).toBe(255);
  });
});
