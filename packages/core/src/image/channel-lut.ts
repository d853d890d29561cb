/**
 * Per-channel 256-entry lookup tables: any point operation on 8-bit values (gains, curves,
 * contrast) costs one table build plus one lookup per channel, whatever the maths behind it.
 */
import { createRgbaImage, type RgbaImage } from './rgba-image.js';
import { assertRgbaImage, describeValue } from './validate.js';

function assertLut(lut: unknown, name: string): asserts lut is Uint8Array | Uint8ClampedArray {
  if (!(lut instanceof Uint8Array) && !(lut instanceof Uint8ClampedArray)) {
    throw new TypeError(`Expected Uint8Array for ${name} but received ${describeValue(lut)}`);
  }
  if (lut.length !== 256) throw new RangeError(`Expected 256 entries for ${name} but received ${lut.length}`);
}

/** Maps R through `lutR`, G through `lutG`, B through `lutB`; alpha is copied. */
export function applyChannelLuts(
  img: RgbaImage,
  lutR: Uint8Array | Uint8ClampedArray,
  lutG: Uint8Array | Uint8ClampedArray,
  lutB: Uint8Array | Uint8ClampedArray,
): RgbaImage {
  assertRgbaImage(img, 'img');
  assertLut(lutR, 'lutR');
  assertLut(lutG, 'lutG');
  assertLut(lutB, 'lutB');
  const src = img.data;
  const out = createRgbaImage(img.width, img.height);
  const dst = out.data;
  for (let i = 0; i < src.length; i += 4) {
    dst[i] = lutR[src[i]];
    dst[i + 1] = lutG[src[i + 1]];
    dst[i + 2] = lutB[src[i + 2]];
    dst[i + 3] = src[i + 3];
  }
  return out;
}

/** Maps R, G and B through the same table; alpha is copied. */
export function applyLut(img: RgbaImage, lut: Uint8Array | Uint8ClampedArray): RgbaImage {
  assertLut(lut, 'lut');
  return applyChannelLuts(img, lut, lut, lut);
}
