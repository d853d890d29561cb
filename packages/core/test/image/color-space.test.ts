import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import {
  labToRgba,
  labToSrgb,
  lightnessToOpenCv8,
  meanLightness,
  OPENCV_L_SCALE,
  openCv8ToLightness,
  rgbaToLab,
  srgbToLab,
} from '../../src/image/color-space.js';
import { maxChannelDifference } from '../../src/image/compare.js';
import { createGrayImage, createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

// OpenCV 4.6 cv2.cvtColor(..., COLOR_RGB2Lab): 8-bit [L·255/100, a + 128, b + 128] and float [L, a, b].
const OPENCV_REFERENCE: Array<{ rgb: [number, number, number]; lab8: [number, number, number]; lab: [number, number, number] }> = [
  { rgb: [255, 0, 0], lab8: [136, 208, 195], lab: [53.241, 80.0938, 67.2031] },
  { rgb: [0, 255, 0], lab8: [224, 42, 211], lab: [87.738, -86.1875, 83.1719] },
  { rgb: [0, 0, 255], lab8: [82, 207, 20], lab: [32.2937, 79.1875, -107.8594] },
  { rgb: [255, 255, 255], lab8: [255, 128, 128], lab: [100, 0, 0] },
  { rgb: [0, 0, 0], lab8: [0, 128, 128], lab: [0, 0, 0] },
  { rgb: [128, 128, 128], lab8: [137, 128, 128], lab: [53.5828, 0, 0] },
  { rgb: [200, 150, 120], lab8: [169, 143, 151], lab: [66.04, 14.7344, 23.2969] },
  { rgb: [30, 60, 90], lab8: [62, 128, 106], lab: [24.3835, -0.5, -21.2031] },
  { rgb: [250, 240, 10], lab8: [237, 112, 219], lab: [92.7185, -16.3438, 90.2969] },
];

describe('sRGB ↔ Lab', () => {
  it.each(OPENCV_REFERENCE)('$rgb agrees with OpenCV', ({ rgb, lab8, lab }) => {
    const ours = srgbToLab(...rgb);
    // OpenCV's own 8-bit and float paths use approximations of the sRGB curve: ±1 level / ±0.2.
    expect(Math.abs(Math.round(lightnessToOpenCv8(ours.L)) - lab8[0])).toBeLessThanOrEqual(1);
    expect(Math.abs(Math.round(ours.a + 128) - lab8[1])).toBeLessThanOrEqual(1);
    expect(Math.abs(Math.round(ours.b + 128) - lab8[2])).toBeLessThanOrEqual(1);
    expect(Math.abs(ours.L - lab[0])).toBeLessThan(0.2);
    expect(Math.abs(ours.a - lab[1])).toBeLessThan(0.2);
    expect(Math.abs(ours.b - lab[2])).toBeLessThan(0.2);
  });

  it('maps neutral greys to a = b = 0', () => {
    for (let v = 0; v < 256; v += 5) {
      const lab = srgbToLab(v, v, v);
      expect(Math.abs(lab.a)).toBeLessThan(1e-9);
      expect(Math.abs(lab.b)).toBeLessThan(1e-9);
    }
  });

  it('round-trips every 8-bit colour on a 3-level grid within 1 level (scalar path)', () => {
    let worst = 0;
    for (let r = 0; r < 256; r += 3) {
      for (let g = 0; g < 256; g += 3) {
        for (let b = 0; b < 256; b += 3) {
          const lab = srgbToLab(r, g, b);
          const back = labToSrgb(lab.L, lab.a, lab.b);
          worst = Math.max(worst, Math.abs(back.r - r), Math.abs(back.g - g), Math.abs(back.b - b));
        }
      }
    }
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('round-trips images within 1 level through planar float32 Lab, and copies alpha', () => {
    // Every colour with channels ≡ 0 mod 2 (128³ ≈ 2.1 M) in one image, alpha varying.
    const side = 128 * 16;
    const img = createRgbaImage(side, (128 * 128 * 128) / side);
    let p = 0;
    for (let r = 0; r < 256; r += 2) for (let g = 0; g < 256; g += 2) for (let b = 0; b < 256; b += 2, p += 4) img.data.set([r, g, b, p % 251], p);
    const back = labToRgba(rgbaToLab(img), img);
    expect(maxChannelDifference(img, back)).toBeLessThanOrEqual(1);
  });

  it('round-trips a real photo within 1 level', async () => {
    const photo = await loadFixture('group-3.jpg');
    const back = labToRgba(rgbaToLab(photo));
    expect(maxChannelDifference(photo, back)).toBeLessThanOrEqual(1);
  });

  it('clamps out-of-gamut Lab to the 0..255 range', () => {
    const rgb = labToSrgb(50, 120, -120);
    for (const v of [rgb.r, rgb.g, rgb.b]) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(255);
    }
  });

  it('converts between CIE and OpenCV 8-bit lightness', () => {
    expect(OPENCV_L_SCALE).toBeCloseTo(2.55, 12);
    expect(lightnessToOpenCv8(100)).toBeCloseTo(255, 12);
    expect(openCv8ToLightness(140)).toBeCloseTo(54.902, 3);
    expect(openCv8ToLightness(lightnessToOpenCv8(37.5))).toBeCloseTo(37.5, 12);
  });

  it('validates its arguments', () => {
    expect(() => srgbToLab(256, 0, 0)).toThrow(new RangeError('Expected number in [0, 255] for r but received 256'));
    expect(() => srgbToLab('1' as never, 0, 0)).toThrow(TypeError);
    expect(() => labToSrgb(Number.NaN, 0, 0)).toThrow(RangeError);
    expect(() => labToRgba({} as never)).toThrow(TypeError);
    const lab = rgbaToLab(createRgbaImage(2, 2));
    expect(() => labToRgba(lab, createRgbaImage(3, 2))).toThrow(RangeError);
  });
});

describe('meanLightness', () => {
  it('is the lightness of a flat image, on the OpenCV scale by default', () => {
    const img = createRgbaImage(10, 10);
    for (let i = 0; i < img.data.length; i += 4) img.data.set([200, 150, 120, 255], i);
    const L = srgbToLab(200, 150, 120).L;
    expect(meanLightness(img)).toBeCloseTo(L * 2.55, 4);
    expect(meanLightness(img, undefined, 'cie')).toBeCloseTo(L, 4);
  });

  it('is weighted by the mask', () => {
    // Left half black, right half white; the mask keeps mostly the white half.
    const img = createRgbaImage(4, 1);
    img.data.set([0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 255, 255, 255, 255, 255]);
    expect(meanLightness(img)).toBeCloseTo(127.5, 6);
    const mask = createGrayImage(4, 1, new Float32Array([0, 0, 1, 1]));
    expect(meanLightness(img, mask)).toBeCloseTo(255, 6);
    const soft = createGrayImage(4, 1, new Float32Array([0.25, 0.25, 0.75, 0.75]));
    expect(meanLightness(img, soft)).toBeCloseTo(255 * 0.75, 4);
  });

  it('reads a dark photo as far below 140 and a brightened one as higher', async () => {
    const photo = await loadFixture('portrait-3.jpg');
    const dark = meanLightness(photo);
    const bright = createRgbaImage(photo.width, photo.height);
    for (let i = 0; i < photo.data.length; i++) bright.data[i] = (i & 3) === 3 ? 255 : 60 + photo.data[i];
    expect(dark).toBeLessThan(110);
    expect(meanLightness(bright)).toBeGreaterThan(dark + 40);
  });

  it('rejects an all-zero mask and a mask of the wrong size', () => {
    const img = createRgbaImage(4, 4);
    expect(() => meanLightness(img, createGrayImage(4, 4))).toThrow(RangeError);
    expect(() => meanLightness(img, createGrayImage(4, 3))).toThrow(RangeError);
    expect(() => meanLightness(img, undefined, 'lab' as never)).toThrow(RangeError);
  });
});
