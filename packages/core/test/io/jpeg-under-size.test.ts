import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { decodeImage, type ImageCodec } from '../../src/io/image-codec.js';
import { encodeJpegUnder } from '../../src/io/jpeg-under-size.js';
import { createSharpCodec } from '../../src/io/node-codec.js';

/** Wraps a codec and records every quality it was asked to encode at (quick mode passed on only when asked). */
function counting(inner: Pick<ImageCodec, 'encodeJpeg'>, passQuick = false) {
  const qualities: number[] = [];
  const codec: ImageCodec = {
    name: 'counting',
    decode: () => Promise.reject(new Error('not used')),
    encodePng: () => Promise.reject(new Error('not used')),
    encodeJpeg: async (image, quality, options) => {
      qualities.push(quality);
      return passQuick ? inner.encodeJpeg(image, quality, options) : inner.encodeJpeg(image, quality);
    },
  };
  return { codec, qualities };
}

/** A fake codec whose output size is any function of quality. */
const sized = (size: (quality: number) => number) => counting({ encodeJpeg: async (_image, q) => new Uint8Array(size(q)) });
const tiny = createRgbaImage(2, 2);
const maxEncodes = (min: number, max: number) => 2 + Math.ceil(Math.log2(max - min));

describe('encodeJpegUnder (search logic)', () => {
  it('finds the highest fitting quality with a logarithmic number of encodes', async () => {
    for (const maxBytes of [3017, 3117, 5000, 6150, 9417, 9499]) {
      const { codec, qualities } = sized((q) => q * 100 + 17);
      const result = await encodeJpegUnder(codec, tiny, { maxBytes });
      const expected = Math.floor((maxBytes - 17) / 100);
      expect(result.quality).toBe(expected);
      expect(result.fits).toBe(true);
      expect(result.bytes.length).toBe(expected * 100 + 17);
      expect(qualities.length).toBeLessThanOrEqual(maxEncodes(30, 95));
    }
  });

  it('returns maxQuality after a single encode when it fits', async () => {
    const { codec, qualities } = sized((q) => q);
    expect(await encodeJpegUnder(codec, tiny, { maxBytes: 1000, maxQuality: 90 })).toMatchObject({ quality: 90, fits: true });
    expect(qualities).toEqual([90]);
  });

  it('returns the minQuality encode with fits=false when nothing fits', async () => {
    const { codec, qualities } = sized((q) => 1000 + q);
    const result = await encodeJpegUnder(codec, tiny, { maxBytes: 500, minQuality: 40 });
    expect(result).toMatchObject({ quality: 40, fits: false });
    expect(result.bytes.length).toBe(1040);
    // The quick top, one probe aimed from it, then (sizes hardly falling) the lowest quality.
    expect(qualities[0]).toBe(95);
    expect(qualities.at(-1)).toBe(40);
    expect(qualities.length).toBeLessThanOrEqual(3);
  });

  it('keeps its promise when size is not monotonic in quality: q fits and q+1 does not', async () => {
    const jagged = (q: number) => 1000 + q * 50 + ((q * 7919) % 13) * 40;
    for (const maxBytes of [3000, 3300, 4000, 5200]) {
      const { codec } = sized(jagged);
      const result = await encodeJpegUnder(codec, tiny, { maxBytes });
      expect(result.fits).toBe(true);
      expect(jagged(result.quality)).toBeLessThanOrEqual(maxBytes);
      if (result.quality < 95) expect(jagged(result.quality + 1)).toBeGreaterThan(maxBytes);
    }
  });

  it('handles a range of one quality', async () => {
    expect(await encodeJpegUnder(sized((q) => q).codec, tiny, { maxBytes: 60, minQuality: 60, maxQuality: 60 })).toMatchObject({ quality: 60, fits: true });
    expect(await encodeJpegUnder(sized((q) => q).codec, tiny, { maxBytes: 59, minQuality: 60, maxQuality: 60 })).toMatchObject({ quality: 60, fits: false });
  });

  it('rejects bad arguments', async () => {
    const { codec } = sized((q) => q);
    for (const maxBytes of [0, -1, 1.5, NaN]) await expect(encodeJpegUnder(codec, tiny, { maxBytes })).rejects.toBeInstanceOf(RangeError);
    await expect(encodeJpegUnder(codec, tiny, { maxBytes: '100' as unknown as number })).rejects.toBeInstanceOf(TypeError);
    await expect(encodeJpegUnder(codec, tiny, { maxBytes: 100, minQuality: 80, maxQuality: 70 })).rejects.toBeInstanceOf(RangeError);
    await expect(encodeJpegUnder(codec, tiny, { maxBytes: 100, minQuality: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(encodeJpegUnder(codec, tiny, { maxBytes: 100, maxQuality: 101 })).rejects.toBeInstanceOf(RangeError);
    await expect(encodeJpegUnder(codec, { width: 1, height: 1, data: new Uint8ClampedArray(3) }, { maxBytes: 100 })).rejects.toBeInstanceOf(RangeError);
    await expect(encodeJpegUnder(null as unknown as ImageCodec, tiny, { maxBytes: 100 })).rejects.toBeInstanceOf(TypeError);
    await expect(encodeJpegUnder(codec, tiny, undefined as unknown as { maxBytes: number })).rejects.toBeInstanceOf(TypeError);
  });
});

describe('encodeJpegUnder with the sharp codec', () => {
  const sharpCodec = createSharpCodec();
  let portrait: RgbaImage;
  beforeAll(async () => {
    const bytes = new Uint8Array(readFileSync(new URL('../fixtures/portrait-1.jpg', import.meta.url)));
    portrait = (await decodeImage(sharpCodec, bytes, { maxPixels: 50_000_000 })).image;
  });

  it('returns the highest quality that fits a real budget; quality + 1 does not fit', async () => {
    const at60 = (await sharpCodec.encodeJpeg(portrait, 60)).length;
    const at61 = (await sharpCodec.encodeJpeg(portrait, 61)).length;
    expect(at61).toBeGreaterThan(at60);
    for (const maxBytes of [at60, Math.floor((at60 + at61) / 2), 40_000, 75_000]) {
      const { codec, qualities } = counting(sharpCodec);
      const result = await encodeJpegUnder(codec, portrait, { maxBytes });
      expect(result.fits).toBe(true);
      expect(result.bytes.length).toBeLessThanOrEqual(maxBytes);
      expect((await sharpCodec.encodeJpeg(portrait, result.quality)).length).toBe(result.bytes.length);
      if (result.quality < 95) expect((await sharpCodec.encodeJpeg(portrait, result.quality + 1)).length).toBeGreaterThan(maxBytes);
      expect(qualities.length).toBeLessThanOrEqual(maxEncodes(30, 95));
    }
    expect((await encodeJpegUnder(sharpCodec, portrait, { maxBytes: at60 })).quality).toBe(60);
  });

  it('aims its first probe from the quick top encode: a budget a little under it takes at most three encodes, 15 % under four', async () => {
    const top = (await sharpCodec.encodeJpeg(portrait, 95, { quick: true })).length;
    for (const share of [0.99, 0.97, 0.93, 0.85]) {
      const maxBytes = Math.floor(top * share);
      const { codec, qualities } = counting(sharpCodec, true);
      const result = await encodeJpegUnder(codec, portrait, { maxBytes });
      expect(result.fits).toBe(true);
      if (result.quality < 95) expect((await sharpCodec.encodeJpeg(portrait, result.quality + 1)).length).toBeGreaterThan(maxBytes);
      // This photo's size falls slowly near the top (d log size / d log scale −0.11 at q94, −0.27
      // at q92), so the first probe from the typical slope lands one above the answer 15 % down.
      expect(qualities.length).toBeLessThanOrEqual(share >= 0.9 ? 3 : 4);
    }
  });

  it('asks a codec whose quick JPEG is its full one (sharp) for the top quality once: the same answer in one encode fewer', async () => {
    expect(createSharpCodec().jpegQuickIsFull).toBe(true);
    const top = (await sharpCodec.encodeJpeg(portrait, 95)).length;
    expect((await sharpCodec.encodeJpeg(portrait, 95, { quick: true })).length).toBe(top);
    let justUnder = 0;
    for (const share of [0.995, 0.97, 0.85]) {
      const maxBytes = Math.floor(top * share);
      const plain = counting(sharpCodec, true);
      const hinted = counting(sharpCodec, true);
      const before = await encodeJpegUnder(plain.codec, portrait, { maxBytes });
      const after = await encodeJpegUnder({ ...hinted.codec, jpegQuickIsFull: true }, portrait, { maxBytes });
      expect(after.quality).toBe(before.quality);
      expect(after.bytes).toEqual(before.bytes);
      expect(hinted.qualities.filter((q) => q === 95)).toEqual([95]);
      expect(hinted.qualities.length).toBeLessThanOrEqual(plain.qualities.length);
      // An answer just under the top is where the plain search encoded the top a second time.
      if (after.quality === 94) {
        justUnder++;
        expect(plain.qualities.filter((q) => q === 95)).toEqual([95, 95]);
        expect(hinted.qualities.length).toBe(plain.qualities.length - 1);
      }
    }
    expect(justUnder).toBeGreaterThan(0);
  });

  it('reports fits=false for an impossible budget', async () => {
    const result = await encodeJpegUnder(sharpCodec, portrait, { maxBytes: 1000 });
    expect(result.fits).toBe(false);
    expect(result.quality).toBe(30);
    expect(result.bytes.length).toBeGreaterThan(1000);
    expect([result.bytes[0], result.bytes[1]]).toEqual([0xff, 0xd8]);
  });
});
