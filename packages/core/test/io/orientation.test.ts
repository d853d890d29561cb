import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import {
  applyOrientation,
  inverseOrientation,
  isExifOrientation,
  orientedSize,
  type ExifOrientation,
} from '../../src/io/orientation.js';

const ORIENTATIONS: ExifOrientation[] = [1, 2, 3, 4, 5, 6, 7, 8];

/** An image whose pixel at (x, y) has red = a letter code, so layouts read as strings. */
function lettered(rows: string[]): RgbaImage {
  const width = rows[0].length;
  const image = createRgbaImage(width, rows.length);
  rows.forEach((row, y) => [...row].forEach((ch, x) => image.data.set([ch.charCodeAt(0), x, y, 255], (y * width + x) * 4)));
  return image;
}

function letters(image: RgbaImage): string[] {
  const rows: string[] = [];
  for (let y = 0; y < image.height; y++) {
    let row = '';
    for (let x = 0; x < image.width; x++) row += String.fromCharCode(image.data[(y * image.width + x) * 4]);
    rows.push(row);
  }
  return rows;
}

function noise(width: number, height: number, seed: number): RgbaImage {
  const image = createRgbaImage(width, height);
  let s = seed;
  for (let i = 0; i < image.data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    image.data[i] = s >>> 24;
  }
  return image;
}

describe('applyOrientation', () => {
  // Stored:  A B C      The expected layouts follow the EXIF definitions of where the stored
  //          D E F      0th row and 0th column end up on screen.
  const stored = lettered(['ABC', 'DEF']);
  const expected: Record<ExifOrientation, string[]> = {
    1: ['ABC', 'DEF'],
    2: ['CBA', 'FED'], // mirrored left-right
    3: ['FED', 'CBA'], // rotated 180°
    4: ['DEF', 'ABC'], // mirrored top-bottom
    5: ['AD', 'BE', 'CF'], // transposed: row 0 becomes the left column
    6: ['DA', 'EB', 'FC'], // 90° clockwise: row 0 becomes the right column
    7: ['FC', 'EB', 'DA'], // transversed: row 0 becomes the right column, read bottom-up
    8: ['CF', 'BE', 'AD'], // 90° anticlockwise: row 0 becomes the left column, read bottom-up
  };

  it.each(ORIENTATIONS)('moves pixels as EXIF orientation %i prescribes', (orientation) => {
    const out = applyOrientation(stored, orientation);
    expect(letters(out)).toEqual(expected[orientation]);
    expect({ width: out.width, height: out.height }).toEqual(orientedSize(3, 2, orientation));
    // Whole pixels move, not just the red channel.
    const a = letters(out).join('').indexOf('E');
    const o = a * 4;
    expect([...out.data.subarray(o, o + 4)]).toEqual([69, 1, 1, 255]);
  });

  it.each(ORIENTATIONS)('orientation %i round-trips through its inverse exactly', (orientation) => {
    const image = noise(7, 4, orientation);
    const back = applyOrientation(applyOrientation(image, orientation), inverseOrientation(orientation));
    expect(back.width).toBe(7);
    expect(back.height).toBe(4);
    expect(back.data).toEqual(image.data);
  });

  it.each(ORIENTATIONS)('orientation %i matches sharp/libvips auto-orientation of a PNG tagged with it', async (orientation) => {
    const image = noise(6, 4, 100 + orientation);
    const png = await sharp(image.data, { raw: { width: 6, height: 4, channels: 4 } })
      .withMetadata({ orientation })
      .png()
      .toBuffer();
    const { data, info } = await sharp(png, { autoOrient: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const ours = applyOrientation(image, orientation);
    expect([ours.width, ours.height]).toEqual([info.width, info.height]);
    expect(Buffer.from(ours.data)).toEqual(data);
  });

  it('leaves the input untouched and returns it as is for orientation 1', () => {
    const image = noise(5, 3, 9);
    const copy = new Uint8ClampedArray(image.data);
    expect(applyOrientation(image, 1)).toBe(image);
    const rotated = applyOrientation(image, 6);
    expect(rotated).not.toBe(image);
    expect(image.data).toEqual(copy);
  });

  it('works on pixel data that is not 4-byte aligned in its buffer', () => {
    const image = noise(3, 2, 5);
    const backing = new Uint8ClampedArray(image.data.length + 1);
    backing.set(image.data, 1);
    const unaligned = createRgbaImage(3, 2, backing.subarray(1));
    expect(applyOrientation(unaligned, 8).data).toEqual(applyOrientation(image, 8).data);
  });

  it('handles 1×1 and single-row images', () => {
    const one = noise(1, 1, 3);
    for (const o of ORIENTATIONS) expect(applyOrientation(one, o).data).toEqual(one.data);
    const row = lettered(['ABCD']);
    expect(letters(applyOrientation(row, 6))).toEqual(['A', 'B', 'C', 'D']);
    expect(letters(applyOrientation(row, 8))).toEqual(['D', 'C', 'B', 'A']);
  });

  it('rejects orientations outside 1..8 with a RangeError and non-images with a TypeError', () => {
    const image = noise(2, 2, 1);
    for (const bad of [0, 9, 1.5, -1, NaN]) expect(() => applyOrientation(image, bad)).toThrow(RangeError);
    expect(() => applyOrientation({ width: 2, height: 2, data: new Uint8Array(16) } as unknown as RgbaImage, 2)).toThrow(TypeError);
    expect(() => applyOrientation({ width: 2, height: 2, data: new Uint8ClampedArray(15) }, 2)).toThrow(RangeError);
  });
});

describe('orientation helpers', () => {
  it('knows which orientations are valid and which swap the size', () => {
    expect(ORIENTATIONS.every(isExifOrientation)).toBe(true);
    expect([0, 9, 2.5, '6', null].some(isExifOrientation)).toBe(false);
    expect(orientedSize(640, 480, 4)).toEqual({ width: 640, height: 480 });
    expect(orientedSize(640, 480, 5)).toEqual({ width: 480, height: 640 });
    expect(ORIENTATIONS.map(inverseOrientation)).toEqual([1, 2, 3, 4, 5, 8, 7, 6]);
  });
});
