import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { ImageTooLargeError, InvalidImageError } from '../../src/errors.js';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { decodeBmp } from '../../src/io/decode-bmp.js';
import { decodeImage, type ImageCodec } from '../../src/io/image-codec.js';
import { createSharpCodec } from '../../src/io/node-codec.js';
import { applyOrientation } from '../../src/io/orientation.js';
import { sniffImageFormat } from '../../src/io/sniff-format.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const LIMITS = { maxPixels: 50_000_000 };
const codec: ImageCodec = createSharpCodec();
const decode = async (bytes: Uint8Array | Buffer, limits = LIMITS) => decodeImage(codec, new Uint8Array(bytes), limits);

/** PSNR over R, G, B (alpha ignored), in dB; Infinity for identical images. */
function psnr(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let sum = 0;
  for (let i = 0; i < a.data.length; i += 4) {
    for (let c = 0; c < 3; c++) sum += (a.data[i + c] - b.data[i + c]) ** 2;
  }
  const mse = sum / ((a.data.length / 4) * 3);
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/** Exact equality of pixel data (vitest's deep equality is slow on large typed arrays). */
const same = (a: Uint8ClampedArray, b: Uint8ClampedArray) =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

const rawImage = async (pipeline: Sharp): Promise<RgbaImage> => {
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return createRgbaImage(info.width, info.height, new Uint8ClampedArray(data));
};

describe('sharp codec: decoding the fixtures', () => {
  let reference: RgbaImage;
  beforeAll(async () => {
    reference = (await decode(fixture('portrait-1.jpg'))).image;
  });

  it('decodes portrait-1.jpg as 734×734 RGBA', () => {
    expect([reference.width, reference.height, reference.data.length]).toEqual([734, 734, 734 * 734 * 4]);
    expect(reference.data.every((v, i) => i % 4 !== 3 || v === 255)).toBe(true);
  });

  it('decodes the EXIF-6 phone JPEG upright: it matches portrait-1.jpg (PSNR ≥ 30 dB)', async () => {
    const result = await decode(fixture('portrait-1-exif6.jpg'));
    expect(result).toMatchObject({ format: 'jpeg', orientation: 6, originalWidth: 734, originalHeight: 734 });
    const upright = psnr(result.image, reference);
    expect(upright).toBeGreaterThanOrEqual(30);
    // The stored (sideways) pixels do not match: the test would catch a missing rotation.
    const sideways = await rawImage(sharp(fixture('portrait-1-exif6.jpg'), { autoOrient: false }));
    expect(psnr(sideways, reference)).toBeLessThan(20);
    // Nor would the wrong rotation direction pass.
    expect(psnr(applyOrientation(sideways, 8), reference)).toBeLessThan(20);
  });

  it('decodes the PNG, WebP and BMP versions to the same pixels (PSNR ≥ 40 dB; in fact identical)', async () => {
    const [png, webp, bmp] = await Promise.all(['portrait-1.png', 'portrait-1.webp', 'portrait-1.bmp'].map((n) => decode(fixture(n))));
    expect([png.format, webp.format, bmp.format]).toEqual(['png', 'webp', 'bmp']);
    for (const other of [webp, bmp]) {
      expect(psnr(other.image, png.image)).toBeGreaterThanOrEqual(40);
      expect(same(other.image.data, png.image.data)).toBe(true);
    }
    expect(same(bmp.image.data, decodeBmp(fixture('portrait-1.bmp')).data)).toBe(true);
  });

  it('rejects truncated.jpg, random bytes and text with InvalidImageError', async () => {
    const truncated = await decode(fixture('truncated.jpg')).catch((e: unknown) => e);
    expect(truncated).toBeInstanceOf(InvalidImageError);
    expect((truncated as Error).cause).toBeInstanceOf(Error); // sharp's own error, kept
    await expect(decode(fixture('random-bytes.bin'))).rejects.toBeInstanceOf(InvalidImageError);
    await expect(decode(fixture('text-as-image.jpg'))).rejects.toBeInstanceOf(InvalidImageError);
  });

  it('refuses huge-header.png with ImageTooLargeError, also when called directly', async () => {
    await expect(decode(fixture('huge-header.png'))).rejects.toBeInstanceOf(ImageTooLargeError);
    await expect(codec.decode(fixture('huge-header.png'), LIMITS)).rejects.toBeInstanceOf(ImageTooLargeError);
    await expect(decode(fixture('portrait-1.jpg'), { maxPixels: 700 * 700 })).rejects.toBeInstanceOf(ImageTooLargeError);
  });
});

describe('sharp codec: decoding the awkward cases', () => {
  const noise = (width: number, height: number, channels: 3 | 4 = 3) => {
    const data = Buffer.alloc(width * height * channels);
    for (let i = 0; i < data.length; i++) data[i] = ((i * 2654435761) >>> 24) | (channels === 4 && i % 4 === 3 ? 0x80 : 0);
    return sharp(data, { raw: { width, height, channels } });
  };

  it.each([2, 3, 4, 5, 6, 7, 8])('applies orientation %i to a non-square JPEG exactly as applyOrientation does', async (orientation) => {
    const bytes = await noise(40, 30).withMetadata({ orientation }).jpeg({ quality: 90 }).toBuffer();
    const result = await decode(bytes);
    expect(result).toMatchObject({ orientation, originalWidth: 40, originalHeight: 30 });
    expect([result.image.width, result.image.height]).toEqual(orientation >= 5 ? [30, 40] : [40, 30]);
    const stored = await rawImage(sharp(bytes, { autoOrient: false }));
    expect(same(result.image.data, applyOrientation(stored, orientation).data)).toBe(true);
  });

  it('refuses a GIF whose frame is larger than its logical screen as too large (413), not as undecodable', async () => {
    // A 10×10 screen declared in the header, one 8000×8000 frame inside (64 MP > the 50 MP limit).
    const u16 = (v: number) => [v & 255, v >> 8];
    const gif = Uint8Array.from([
      ...Buffer.from('GIF89a'), ...u16(10), ...u16(10), 0x80, 0, 0, 0, 0, 0, 255, 255, 255,
      0x2c, ...u16(0), ...u16(0), ...u16(8000), ...u16(8000), 0,
      2, 2, 0x4c, 0x01, 0, 0x3b,
    ]);
    const error = await decode(gif).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect((error as Error).message).not.toMatch(/10×10/);
    // Within a larger limit the same bytes decode.
    expect((await decode(gif, { maxPixels: 70_000_000 })).image.width).toBe(8000);
  });

  it('keeps only the first frame of an animated GIF and WebP', async () => {
    const frames = Buffer.alloc(8 * 12 * 3);
    for (let i = 0; i < frames.length; i += 3) frames.set(i < frames.length / 2 ? [255, 0, 0] : [0, 0, 255], i);
    const animated = sharp(frames, { raw: { width: 8, height: 12, channels: 3, pageHeight: 6 } });
    for (const bytes of [await animated.clone().gif().toBuffer(), await animated.clone().webp({ lossless: true }).toBuffer()]) {
      expect((await sharp(bytes).metadata()).pages).toBe(2);
      const { image } = await decode(bytes);
      expect([image.width, image.height]).toEqual([8, 6]);
      expect([...image.data.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
      expect([...image.data.subarray(image.data.length - 4)]).toEqual([255, 0, 0, 255]);
    }
  });

  it('brings a 16-bit PNG down to 8 bits', async () => {
    const words = new Uint16Array([0xffff, 0x8080, 0x0000, 0x1234, 0xfedc, 0x4000]);
    const png = await sharp(words, { raw: { width: 2, height: 1, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png).metadata()).depth).toBe('ushort');
    const { image } = await decode(png);
    expect([...image.data]).toEqual([255, 128, 0, 255, 18, 254, 64, 255]);
  });

  it('converts a CMYK JPEG to sRGB', async () => {
    const source = await rawImage(sharp(fixture('portrait-1.jpg')).resize(96, 96));
    const cmyk = await sharp(source.data, { raw: { width: 96, height: 96, channels: 4 } }).removeAlpha().toColourspace('cmyk').jpeg({ quality: 95 }).toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const { image } = await decode(cmyk);
    expect([image.width, image.height, image.data.length]).toEqual([96, 96, 96 * 96 * 4]);
    // Colour management round trips are not exact, but an unconverted or inverted CMYK image
    // would be tens of dB off; a proper conversion stays close.
    expect(psnr(image, source)).toBeGreaterThan(20);
  });

  it('expands grey, grey+alpha and palette PNGs to RGBA', async () => {
    const grey = await sharp(Buffer.from([0, 128, 255]), { raw: { width: 3, height: 1, channels: 1 } }).png().toBuffer();
    expect([...(await decode(grey)).image.data]).toEqual([0, 0, 0, 255, 128, 128, 128, 255, 255, 255, 255, 255]);
    const greyAlpha = await sharp(Buffer.from([10, 0, 200, 77]), { raw: { width: 2, height: 1, channels: 2 } }).png().toBuffer();
    expect([...(await decode(greyAlpha)).image.data]).toEqual([10, 10, 10, 0, 200, 200, 200, 77]);
    const palette = await sharp(Buffer.from([255, 0, 0, 255, 0, 0, 255, 0]), { raw: { width: 2, height: 1, channels: 4 } }).png({ palette: true }).toBuffer();
    const fromPalette = (await decode(palette)).image.data;
    expect([...fromPalette.subarray(0, 4)]).toEqual([255, 0, 0, 255]);
    expect(fromPalette[7]).toBe(0); // the transparent entry's colour is the quantiser's choice
  });

  it('decodes AVIF and applies its irot rotation', async () => {
    const bytes = await noise(40, 30).withMetadata({ orientation: 6 }).avif({ quality: 80, effort: 0 }).toBuffer();
    const result = await decode(bytes);
    expect(result).toMatchObject({ format: 'avif', orientation: 6, originalWidth: 40, originalHeight: 30 });
    expect([result.image.width, result.image.height]).toEqual([30, 40]);
  });
});

describe('sharp codec: encoding', () => {
  let portrait: RgbaImage;
  beforeAll(async () => {
    portrait = (await decode(fixture('portrait-1.png'))).image;
  });

  it('encodePng round-trips RGBA exactly, translucent pixels included', async () => {
    const image = createRgbaImage(3, 2, new Uint8ClampedArray([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 1, 2, 3, 4, 250, 251, 252, 253, 9, 9, 9, 255]));
    const png = await codec.encodePng(image);
    expect(png).toBeInstanceOf(Uint8Array);
    expect(sniffImageFormat(png)).toBe('png');
    expect((await decode(png)).image.data).toEqual(image.data);
  });

  it('encodePng writes opaque images as RGB and they still round-trip exactly', async () => {
    const png = await codec.encodePng(portrait);
    expect(png[25]).toBe(2); // IHDR colour type: truecolour without alpha
    expect(same((await decode(png)).image.data, portrait.data)).toBe(true);
  });

  it('encodeJpeg writes a 4:2:0 JPEG with no metadata, close to the source', async () => {
    const jpeg = await codec.encodeJpeg(portrait, 90);
    expect(sniffImageFormat(jpeg)).toBe('jpeg');
    const meta = await sharp(jpeg).metadata();
    expect(meta.chromaSubsampling).toBe('4:2:0');
    expect(meta.exif).toBeUndefined();
    expect(meta.icc).toBeUndefined();
    expect(psnr((await decode(jpeg)).image, portrait)).toBeGreaterThan(35);
  });

  it('encodeJpeg ignores alpha: translucent and opaque versions encode identically', async () => {
    const translucent = createRgbaImage(portrait.width, portrait.height, new Uint8ClampedArray(portrait.data));
    for (let i = 3; i < translucent.data.length; i += 4) translucent.data[i] = i % 7;
    expect(Buffer.from(await codec.encodeJpeg(translucent, 80))).toEqual(Buffer.from(await codec.encodeJpeg(portrait, 80)));
  });

  it('encodeJpeg output grows with quality', async () => {
    const sizes = [];
    for (const q of [20, 50, 80, 95]) sizes.push((await codec.encodeJpeg(portrait, q)).length);
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
    expect(sizes[3]).toBeGreaterThan(sizes[0] * 2);
  });

  it('rejects bad quality and bad images', async () => {
    for (const q of [0, 101, 50.5, NaN]) await expect(codec.encodeJpeg(portrait, q)).rejects.toBeInstanceOf(RangeError);
    await expect(codec.encodeJpeg(portrait, '80' as unknown as number)).rejects.toBeInstanceOf(TypeError);
    await expect(codec.encodePng({ width: 2, height: 2, data: new Uint8ClampedArray(4) })).rejects.toBeInstanceOf(RangeError);
    await expect(codec.encodePng(null as unknown as RgbaImage)).rejects.toBeInstanceOf(TypeError);
  });
});
