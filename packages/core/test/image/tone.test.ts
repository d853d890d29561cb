import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { psnr } from '../../src/image/compare.js';
import { createGrayImage, createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { adjustContrast, adjustGamma, adjustSaturation, exposureLut, gammaLut, highlightLevel, pillowLuma } from '../../src/image/tone.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

async function loadFixture(name: string): Promise<RgbaImage> {
  const { data, info } = await sharp(FIXTURES + name).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data.buffer, data.byteOffset, data.length));
}

/** The 16×16 synthetic RGB image the Pillow references were computed from. */
function synthetic(): RgbaImage {
  const img = createRgbaImage(16, 16);
  for (let y = 0; y < 16; y++) {
    for (let x = 0; x < 16; x++) img.data.set([(x * 17 + y * 3) % 256, (x * 5 + y * 11 + 40) % 256, (x * y + 7 * x) % 256, 255], (y * 16 + x) * 4);
  }
  return img;
}

/** FNV-1a over the R, G, B bytes (the layout of a Pillow RGB image's tobytes()). */
function rgbHash(img: RgbaImage): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < img.data.length; i++) {
    if ((i & 3) === 3) continue;
    h = Math.imul(h ^ img.data[i], 0x01000193) >>> 0;
  }
  return h;
}

// Pillow 9.4: ImageEnhance.Contrast / ImageEnhance.Color(synthetic).enhance(factor), hashed.
const PILLOW = [
  { factor: 1.15, contrast: 0x24b3e481, color: 0x3530657e },
  { factor: 0.6, contrast: 0x5f98d795, color: 0x73a3c85b },
  { factor: 1.8, contrast: 0xf7bf490a, color: 0x2aeb574c },
];

describe('pillowLuma', () => {
  it('is ITU-R 601-2 luma in Pillow fixed point', () => {
    expect(pillowLuma(255, 255, 255)).toBe(255);
    expect(pillowLuma(0, 0, 0)).toBe(0);
    expect(pillowLuma(255, 0, 0)).toBe(76);
    expect(pillowLuma(0, 255, 0)).toBe(150);
    expect(pillowLuma(0, 0, 255)).toBe(29);
    expect(pillowLuma(10, 200, 30)).toBe(Math.round(0.299 * 10 + 0.587 * 200 + 0.114 * 30));
  });
});

describe('adjustContrast', () => {
  it.each(PILLOW)('matches Pillow ImageEnhance.Contrast at factor $factor level for level', ({ factor, contrast }) => {
    expect(rgbHash(adjustContrast(synthetic(), factor))).toBe(contrast);
  });

  it('blends with the rounded mean grey: factor 0 is flat grey, 1 is the identity', async () => {
    const photo = await loadFixture('portrait-4.jpg');
    expect(psnr(adjustContrast(photo, 1), photo, { channels: 'rgba' })).toBe(Infinity);
    let sum = 0;
    for (let i = 0; i < photo.data.length; i += 4) sum += pillowLuma(photo.data[i], photo.data[i + 1], photo.data[i + 2]);
    const mean = Math.trunc(sum / (photo.width * photo.height) + 0.5);
    const flat = adjustContrast(photo, 0);
    let off = 0;
    for (let i = 0; i < flat.data.length; i += 4) if (flat.data[i] !== mean || flat.data[i + 1] !== mean || flat.data[i + 2] !== mean) off++;
    expect(off).toBe(0);
  });

  it('factor 1.15 spreads values 15 % further from the mean', () => {
    const img = createRgbaImage(2, 1);
    img.data.set([50, 50, 50, 255, 150, 150, 150, 255]);
    const out = adjustContrast(img, 1.15);
    // Mean grey 100: 100 ± 1.15 · 50, truncated as Pillow does.
    expect(Array.from(out.data)).toEqual([42, 42, 42, 255, 157, 157, 157, 255]);
  });

  it('can take the mean over a mask (e.g. the subject only)', () => {
    const img = createRgbaImage(2, 1);
    img.data.set([50, 50, 50, 255, 150, 150, 150, 255]);
    const out = adjustContrast(img, 2, { mask: createGrayImage(2, 1, new Float32Array([1, 0])) });
    // Mean 50 from the first pixel alone: 50 stays, 150 → 250.
    expect(Array.from(out.data)).toEqual([50, 50, 50, 255, 250, 250, 250, 255]);
  });

  it('validates its arguments', () => {
    expect(() => adjustContrast(synthetic(), Number.NaN)).toThrow(RangeError);
    expect(() => adjustContrast(synthetic(), '1' as never)).toThrow(new TypeError('Expected number for factor but received string "1"'));
    expect(() => adjustContrast(synthetic(), 1, { mask: createGrayImage(2, 2) })).toThrow(RangeError);
  });
});

describe('adjustSaturation', () => {
  it.each(PILLOW)('matches Pillow ImageEnhance.Color at factor $factor level for level', ({ factor, color }) => {
    expect(rgbHash(adjustSaturation(synthetic(), factor))).toBe(color);
  });

  it('factor 0 gives Pillow greyscale, factor 1 the identity, alpha untouched', () => {
    const img = synthetic();
    for (let i = 3; i < img.data.length; i += 4) img.data[i] = i % 256;
    const grey = adjustSaturation(img, 0);
    for (let i = 0; i < img.data.length; i += 4) {
      const l = pillowLuma(img.data[i], img.data[i + 1], img.data[i + 2]);
      expect([grey.data[i], grey.data[i + 1], grey.data[i + 2], grey.data[i + 3]]).toEqual([l, l, l, img.data[i + 3]]);
    }
    expect(psnr(adjustSaturation(img, 1), img, { channels: 'rgba' })).toBe(Infinity);
  });

  it('gives the same levels through its blend table (photos) as blend by blend (small images)', async () => {
    const photo = await loadFixture('portrait-1.jpg');
    expect(photo.width * photo.height).toBeGreaterThan(22_000);
    for (const factor of [1.15, 0.6, 1.8, 0]) {
      const alpha32 = Math.fround(factor);
      const out = adjustSaturation(photo, factor);
      const d = photo.data;
      for (let i = 0; i < d.length; i += 4) {
        const grey = pillowLuma(d[i], d[i + 1], d[i + 2]);
        for (let c = 0; c < 3; c++) {
          // Pillow's ImagingBlend, written out: float32 blend, clamped, truncated.
          const t = Math.fround(grey + Math.fround(alpha32 * (d[i + c] - grey)));
          const expected = t <= 0 ? 0 : t >= 255 ? 255 : Math.trunc(t);
          if (out.data[i + c] !== expected) expect([i + c, out.data[i + c]]).toEqual([i + c, expected]);
        }
      }
    }
  });

  it('pushes colours away from grey for factors above 1', () => {
    const img = createRgbaImage(1, 1);
    img.data.set([200, 100, 100, 255]);
    const out = adjustSaturation(img, 1.5);
    // Grey 130: 130 + 1.5·70 = 235, 130 − 1.5·30 = 85.
    expect(Array.from(out.data)).toEqual([235, 85, 85, 255]);
  });
});

describe('adjustGamma', () => {
  it('maps through 255·(v/255)^(1/gamma): > 1 brightens, endpoints fixed', () => {
    const lut = gammaLut(2);
    expect(lut[0]).toBe(0);
    expect(lut[255]).toBe(255);
    expect(lut[128]).toBe(Math.round(255 * Math.sqrt(128 / 255)));
    expect(Array.from(gammaLut(1))).toEqual(Array.from({ length: 256 }, (_, i) => i));
    const dark = gammaLut(0.5);
    expect(dark[128]).toBeLessThan(128);
  });

  it('applies the curve to R, G, B and leaves alpha alone', () => {
    const img = createRgbaImage(1, 1);
    img.data.set([64, 128, 192, 77]);
    const out = adjustGamma(img, 2.2);
    const f = (v: number): number => Math.round(255 * (v / 255) ** (1 / 2.2));
    expect(Array.from(out.data)).toEqual([f(64), f(128), f(192), 77]);
    expect(() => adjustGamma(img, 0)).toThrow(RangeError);
  });
});

describe('exposureLut', () => {
  /** sRGB code value (0..255) ↔ linear light, from the IEC 61966-2-1 curve. */
  const toLinear = (v: number) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
  const toCode = (l: number) => Math.round(255 * (l <= 0.0031308 ? 12.92 * l : 1.055 * l ** (1 / 2.4) - 0.055));

  it('multiplies linear light by the gain and clips at white: one stop doubles the light', () => {
    const lut = exposureLut(2);
    for (const v of [0, 10, 60, 128, 180, 200, 255]) expect(lut[v], `level ${v}`).toBe(toCode(Math.min(1, 2 * toLinear(v))));
    expect(lut[0]).toBe(0);
    expect(lut[255]).toBe(255);
    expect(lut[200]).toBe(255); // 200 is more than half of white in linear light
    expect(Array.from(exposureLut(1))).toEqual(Array.from({ length: 256 }, (_, i) => i));
    expect(() => exposureLut(0)).toThrow(RangeError);
  });

  it('keeps the order of levels and the ratios of light below the clip', () => {
    const lut = exposureLut(1.6);
    for (let v = 1; v < 256; v++) expect(lut[v]).toBeGreaterThanOrEqual(lut[v - 1]);
    // A gain, unlike a gamma curve, keeps ratios: 4× the light stays about 4× the light.
    expect(toLinear(lut[120]) / toLinear(lut[60])).toBeCloseTo(toLinear(120) / toLinear(60), 1);
  });
});

describe('highlightLevel', () => {
  it('is the quantile of the brightest channel, over the mask where it is above 0.5', () => {
    const img = createRgbaImage(10, 10);
    for (let p = 0; p < 100; p++) img.data.set([p, 0, 100 - p, 255], p * 4); // max(R, B) = max(p, 100 - p)
    expect(highlightLevel(img, 1)).toBe(100);
    expect(highlightLevel(img, 0)).toBe(50);
    expect(highlightLevel(img, 0.5)).toBe(75); // levels 51..99 twice each, 50 and 100 once
    const mask = createGrayImage(10, 10);
    for (let p = 40; p < 60; p++) mask.data[p] = 1; // max over p in 40..59: 50..60
    expect(highlightLevel(img, 1, mask)).toBe(60);
    expect(highlightLevel(img, 1, createGrayImage(10, 10))).toBeUndefined();
  });

  it('moves through a per-channel table as the table moves the level', () => {
    const img = createRgbaImage(7, 3);
    for (let i = 0; i < img.data.length; i += 4) img.data.set([(i * 37) % 256, (i * 91) % 256, (i * 13) % 256, 255], i);
    const lut = exposureLut(1.7);
    const after = createRgbaImage(7, 3, img.data.map((v, i) => ((i & 3) === 3 ? v : lut[v])));
    for (const q of [0.2, 0.5, 0.99]) expect(highlightLevel(after, q)).toBe(lut[highlightLevel(img, q) as number]);
  });
});
