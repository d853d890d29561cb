import { describe, expect, it } from 'vitest';
import { alphaToMask, compositeOnColor, multiplyAlpha, placeOnCanvas, withAlpha } from '../../src/image/composite.js';
import { createGrayImage, createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';

function image(width: number, height: number, pixels: number[]): RgbaImage {
  return createRgbaImage(width, height, new Uint8ClampedArray(pixels));
}

function pixel(img: RgbaImage, x: number, y: number): number[] {
  const i = (y * img.width + x) * 4;
  return Array.from(img.data.subarray(i, i + 4));
}

describe('alphaToMask', () => {
  it('reads alpha as 0..1 weights', () => {
    const mask = alphaToMask(image(3, 1, [9, 9, 9, 0, 9, 9, 9, 51, 9, 9, 9, 255]));
    expect(Array.from(mask.data)).toEqual([0, Math.fround(0.2), 1]);
  });
});

describe('multiplyAlpha / withAlpha', () => {
  const img = image(3, 1, [10, 20, 30, 255, 40, 50, 60, 128, 70, 80, 90, 0]);
  const mask = createGrayImage(3, 1, new Float32Array([0.5, 1.5, -1]));

  it('multiplyAlpha scales alpha by the clamped mask and keeps colour', () => {
    const out = multiplyAlpha(img, mask);
    expect(Array.from(out.data)).toEqual([10, 20, 30, 128, 40, 50, 60, 128, 70, 80, 90, 0]);
    const half = multiplyAlpha(img, createGrayImage(3, 1, new Float32Array([0.2, 0.5, 0.5])));
    expect([half.data[3], half.data[7], half.data[11]]).toEqual([51, 64, 0]);
  });

  it('withAlpha replaces alpha with 255 · clamped mask and keeps no colour under alpha 0', () => {
    const out = withAlpha(img, createGrayImage(3, 1, new Float32Array([0, 0.5, 2])));
    expect(Array.from(out.data)).toEqual([0, 0, 0, 0, 40, 50, 60, 128, 70, 80, 90, 255]);
    // A weight that rounds to alpha 0 is transparent too; one that rounds to 1 keeps its colour.
    const faint = withAlpha(img, createGrayImage(3, 1, new Float32Array([0.4 / 255, 1 / 255, 1])));
    expect(Array.from(faint.data)).toEqual([0, 0, 0, 0, 40, 50, 60, 1, 70, 80, 90, 255]);
  });

  it('treats NaN in a mask as 0 and never touches its inputs', () => {
    const before = Array.from(img.data);
    const out = withAlpha(img, createGrayImage(3, 1, new Float32Array([Number.NaN, 1, 1])));
    expect(out.data[3]).toBe(0);
    expect(Array.from(img.data)).toEqual(before);
  });

  it('rejects masks of another size or type', () => {
    expect(() => multiplyAlpha(img, createGrayImage(2, 1))).toThrow(new RangeError('Expected mask to be 3×1 like img but received 2×1'));
    expect(() => withAlpha(img, img as never)).toThrow(TypeError);
  });
});

describe('compositeOnColor', () => {
  it('composites straight-alpha pixels over an opaque colour', () => {
    const img = image(4, 1, [200, 100, 0, 255, 200, 100, 0, 0, 200, 100, 0, 51, 0, 0, 0, 128]);
    const out = compositeOnColor(img, { r: 50, g: 150, b: 250 });
    expect(pixel(out, 0, 0)).toEqual([200, 100, 0, 255]); // opaque: itself
    expect(pixel(out, 1, 0)).toEqual([50, 150, 250, 255]); // transparent: background
    // α = 0.2: 0.2·c + 0.8·bg
    expect(pixel(out, 2, 0)).toEqual([80, 140, 200, 255]);
    expect(pixel(out, 3, 0)).toEqual([Math.round(50 * (127 / 255)), Math.round(150 * (127 / 255)), Math.round(250 * (127 / 255)), 255]);
  });

  it('flattens pixels at an odd byte offset (a byte at a time) exactly as aligned ones (a word at a time)', () => {
    // Every alpha level, with colours that vary across it.
    const width = 256;
    const aligned = createRgbaImage(width, 3);
    for (let y = 0; y < 3; y++) {
      for (let x = 0; x < width; x++) aligned.data.set([(x * 7 + y * 31) & 255, (x * 13) & 255, 255 - x, y === 1 ? 255 - x : x], (y * width + x) * 4);
    }
    const bytes = new Uint8ClampedArray(aligned.data.length + 1);
    bytes.set(aligned.data, 1);
    const unaligned = createRgbaImage(width, 3, bytes.subarray(1));
    const colour = { r: 12, g: 200, b: 77 };
    expect(Array.from(compositeOnColor(unaligned, colour).data)).toEqual(Array.from(compositeOnColor(aligned, colour).data));
  });

  it('validates the colour', () => {
    const img = image(1, 1, [0, 0, 0, 0]);
    expect(() => compositeOnColor(img, { r: 256, g: 0, b: 0 })).toThrow(new RangeError('Expected number in [0, 255] for color.r but received 256'));
    expect(() => compositeOnColor(img, 'white' as never)).toThrow(TypeError);
    expect(() => compositeOnColor(img, { r: 0, g: 0 } as never)).toThrow(TypeError);
  });
});

describe('placeOnCanvas', () => {
  const img = image(2, 2, [1, 2, 3, 255, 4, 5, 6, 128, 7, 8, 9, 0, 10, 11, 12, 255]);

  it('places the image on a transparent canvas by default', () => {
    const out = placeOnCanvas(img, 4, 3, 1, 1);
    expect(out.width).toBe(4);
    expect(out.height).toBe(3);
    expect(pixel(out, 0, 0)).toEqual([0, 0, 0, 0]);
    expect(pixel(out, 1, 1)).toEqual([1, 2, 3, 255]);
    expect(pixel(out, 2, 1)).toEqual([4, 5, 6, 128]);
    expect(pixel(out, 1, 2)).toEqual([7, 8, 9, 0]);
    expect(pixel(out, 2, 2)).toEqual([10, 11, 12, 255]);
    expect(pixel(out, 3, 2)).toEqual([0, 0, 0, 0]);
  });

  it('clips at every side, including negative offsets', () => {
    const out = placeOnCanvas(img, 2, 2, -1, -1);
    expect(pixel(out, 0, 0)).toEqual([10, 11, 12, 255]);
    expect(pixel(out, 1, 0)).toEqual([0, 0, 0, 0]);
    const right = placeOnCanvas(img, 3, 3, 2, 2);
    expect(pixel(right, 2, 2)).toEqual([1, 2, 3, 255]);
    const off = placeOnCanvas(img, 3, 3, 5, -7);
    expect(Array.from(off.data).every((v) => v === 0)).toBe(true);
  });

  it('composites over an opaque background', () => {
    const out = placeOnCanvas(img, 3, 3, 0, 0, { r: 200, g: 100, b: 50 });
    expect(pixel(out, 2, 2)).toEqual([200, 100, 50, 255]);
    expect(pixel(out, 0, 0)).toEqual([1, 2, 3, 255]);
    expect(pixel(out, 0, 1)).toEqual([200, 100, 50, 255]); // transparent pixel shows background
    const a = 128 / 255;
    expect(pixel(out, 1, 0)).toEqual([4 * a + 200 * (1 - a), 5 * a + 100 * (1 - a), 6 * a + 50 * (1 - a), 255].map(Math.round));
  });

  it('composites over a semi-transparent background with the general "over" formula', () => {
    const half = image(1, 1, [255, 0, 0, 128]);
    const out = placeOnCanvas(half, 1, 1, 0, 0, { r: 0, g: 0, b: 255, a: 128 });
    const a = 128 / 255;
    const b = (128 / 255) * (1 - a);
    const outA = a + b;
    expect(pixel(out, 0, 0)).toEqual([Math.round((255 * a) / outA), 0, Math.round((255 * b) / outA), Math.round(outA * 255)]);
  });

  it('validates its arguments', () => {
    expect(() => placeOnCanvas(img, 4, 4, 0.5, 0)).toThrow(new RangeError('Expected integer for x but received 0.5'));
    expect(() => placeOnCanvas(img, 0, 4, 0, 0)).toThrow(RangeError);
    expect(() => placeOnCanvas(img, 4, 4, 0, 0, { r: 0, g: 0, b: 0, a: 300 })).toThrow(RangeError);
    expect(() => placeOnCanvas(img, 4, 4, 0, '0' as never)).toThrow(TypeError);
  });
});
