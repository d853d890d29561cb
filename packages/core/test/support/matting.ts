import { createRgbaImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';

/** I = αF + (1 − α)B, rounded to 8 bits like a real photo (F and B RGBA, as large as α). */
export function composite(fg: Uint8ClampedArray, bg: Uint8ClampedArray, alpha: GrayImage): RgbaImage {
  const out = createRgbaImage(alpha.width, alpha.height);
  for (let i = 0; i < alpha.data.length; i++) {
    const a = alpha.data[i];
    for (let c = 0; c < 3; c++) out.data[i * 4 + c] = a * fg[i * 4 + c] + (1 - a) * bg[i * 4 + c];
    out.data[i * 4 + 3] = 255;
  }
  return out;
}

/** Byte-for-byte equality of two typed arrays (vitest's deep equality is slow on large arrays). */
export const sameBytes = (a: ArrayBufferView, b: ArrayBufferView): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
