import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageTooLargeError, InvalidImageError } from '../../src/errors.js';
import { assertPixelLimit, readImageHeader } from '../../src/io/read-image-header.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const u8 = (buffer: Buffer) => new Uint8Array(buffer);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));
const be16 = (v: number) => [v >> 8, v & 255];
const be32 = (v: number) => [(v >>> 24) & 255, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const le16 = (v: number) => [v & 255, v >> 8];
const le32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];

const rgbNoise = (width: number, height: number) => {
  const data = Buffer.alloc(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  return sharp(data, { raw: { width, height, channels: 3 } });
};

/** Runs `fn` and returns what it threw; fails the test if it throws anything but InvalidImageError. */
function invalid(fn: () => unknown): InvalidImageError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidImageError);
    return error as InvalidImageError;
  }
  throw new Error('expected an InvalidImageError');
}

describe('readImageHeader on real files', () => {
  it.each([
    'portrait-1.jpg',
    'portrait-2.jpg',
    'portrait-4.jpg',
    'portrait-5-tilted.jpg',
    'group-1.jpg',
    'group-2.jpg',
    'astronaut.png',
    'no-face-cat.png',
    'portrait-1.png',
    'portrait-1.webp',
    'portrait-1-exif6.jpg',
  ])('%s: same size and orientation as sharp reports', async (name) => {
    const bytes = fixture(name);
    const meta = await sharp(bytes).metadata();
    const header = readImageHeader(bytes);
    expect(header.format).toBe(meta.format);
    expect([header.width, header.height]).toEqual([meta.width, meta.height]);
    expect(header.orientation).toBe(meta.orientation ?? 1);
    expect(header.displaySize).toEqual(meta.autoOrient);
  });

  it('portrait-1.bmp: 216×216, like the PNG it was made from', () => {
    expect(readImageHeader(fixture('portrait-1.bmp'))).toEqual({
      format: 'bmp', width: 216, height: 216, orientation: 1, displaySize: { width: 216, height: 216 },
    });
  });

  it('the phone-style fixture reports orientation 6', () => {
    expect(readImageHeader(fixture('portrait-1-exif6.jpg')).orientation).toBe(6);
  });
});

describe('readImageHeader on every format sharp writes', () => {
  const cases: Record<string, (s: Sharp) => Sharp> = {
    'baseline JPEG': (s) => s.jpeg(),
    'progressive JPEG (SOF2)': (s) => s.jpeg({ progressive: true }),
    'mozjpeg JPEG': (s) => s.jpeg({ mozjpeg: true }),
    'PNG': (s) => s.png(),
    'interlaced 16-bit PNG': (s) => s.toColourspace('rgb16').png({ progressive: true }),
    'palette PNG': (s) => s.png({ palette: true }),
    'lossy WebP (VP8)': (s) => s.webp({ quality: 50 }),
    'lossless WebP (VP8L)': (s) => s.webp({ lossless: true }),
    'WebP with alpha (VP8X)': (s) => s.ensureAlpha(0.5).webp({ quality: 50 }),
    'GIF': (s) => s.gif(),
    'TIFF': (s) => s.tiff(),
    'tiled deflate TIFF': (s) => s.tiff({ tile: true, tileWidth: 16, tileHeight: 16, compression: 'deflate' }),
    'AVIF': (s) => s.avif({ quality: 40, effort: 0 }),
  };
  for (const [name, write] of Object.entries(cases)) {
    it(`${name}: 37×23`, async () => {
      const bytes = u8(await write(rgbNoise(37, 23)).toBuffer());
      const header = readImageHeader(bytes);
      expect([header.width, header.height, header.orientation]).toEqual([37, 23, 1]);
      const meta = await sharp(bytes).metadata();
      expect(header.format).toBe(meta.format === 'heif' ? 'avif' : meta.format);
    });
  }

  it('an animated GIF and an animated WebP report the canvas size', async () => {
    const frames = rgbNoise(20, 30); // two 20×15 frames stacked
    const gif = readImageHeader(u8(await sharp(await frames.raw().toBuffer(), { raw: { width: 20, height: 30, channels: 3, pageHeight: 15 } }).gif().toBuffer()));
    expect([gif.format, gif.width, gif.height]).toEqual(['gif', 20, 15]);
    const webp = readImageHeader(u8(await sharp(await frames.raw().toBuffer(), { raw: { width: 20, height: 30, channels: 3, pageHeight: 15 } }).webp().toBuffer()));
    expect([webp.format, webp.width, webp.height]).toEqual(['webp', 20, 15]);
  });

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('JPEG, PNG, WebP and TIFF with orientation %i: stored size and display size', async (orientation) => {
    for (const write of [(s: Sharp) => s.jpeg(), (s: Sharp) => s.png(), (s: Sharp) => s.webp(), (s: Sharp) => s.tiff()]) {
      const bytes = u8(await write(rgbNoise(40, 30).withMetadata({ orientation })).toBuffer());
      const header = readImageHeader(bytes);
      const meta = await sharp(bytes).metadata();
      expect([header.width, header.height]).toEqual([40, 30]);
      expect(header.orientation).toBe(orientation);
      expect(header.displaySize).toEqual(orientation >= 5 ? { width: 30, height: 40 } : { width: 40, height: 30 });
      expect(header.displaySize).toEqual(meta.autoOrient);
    }
  });

  it('AVIF: reads ispe and turns irot into the equivalent EXIF orientation', async () => {
    for (const orientation of [3, 6, 8]) {
      const bytes = u8(await rgbNoise(40, 30).withMetadata({ orientation }).avif({ effort: 0 }).toBuffer());
      const header = readImageHeader(bytes);
      const meta = await sharp(bytes).metadata(); // libheif reports the size after irot
      expect([header.width, header.height]).toEqual([40, 30]);
      expect(header.orientation).toBe(orientation);
      expect(header.displaySize).toEqual({ width: meta.width, height: meta.height });
    }
  });
});

describe('readImageHeader on hand-made headers', () => {
  const SOF0 = [0xff, 0xc0, ...be16(17), 8, ...be16(480), ...be16(640), 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  const SOS = [0xff, 0xda, ...be16(12), 3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0];
  // A DHT segment (0xFFC4) sits in the SOF number range and must not be read as a frame.
  const DHT = [0xff, 0xc4, ...be16(21), 0x00, ...new Array(16).fill(0).map((_, i) => (i === 0 ? 2 : 0)), 0x12, 0x34];
  const jpeg = (...parts: number[][]) => new Uint8Array([0xff, 0xd8, ...parts.flat(), 0, 0, 0xff, 0xd9]);

  it('JPEG: skips DHT, fill bytes and junk between segments; reads SOF', () => {
    expect(readImageHeader(jpeg(DHT, SOF0, SOS))).toMatchObject({ format: 'jpeg', width: 640, height: 480 });
    expect(readImageHeader(jpeg([0xff, 0xff, 0xff], DHT, [0xff, 0xff], SOF0, SOS))).toMatchObject({ width: 640, height: 480 });
    expect(readImageHeader(jpeg(DHT, [0x00, 0x12], SOF0, SOS))).toMatchObject({ width: 640, height: 480 });
    const sof15 = [...SOF0];
    sof15[1] = 0xcf;
    expect(readImageHeader(jpeg(sof15, SOS))).toMatchObject({ width: 640, height: 480 });
  });

  it('JPEG: rejects a missing, zero-sized, duplicated or late frame header', () => {
    expect(invalid(() => readImageHeader(jpeg(DHT, SOS))).message).toMatch(/before the frame header/);
    expect(invalid(() => readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).message).toMatch(/EOI/);
    const zero = [...SOF0];
    zero[5] = 0;
    zero[6] = 0;
    expect(invalid(() => readImageHeader(jpeg(zero, SOS))).message).toMatch(/nonsensical size of 640×0/);
    expect(invalid(() => readImageHeader(jpeg(SOF0, SOF0, SOS))).message).toMatch(/more than one frame/);
    const badLength = [0xff, 0xe0, 0, 1];
    invalid(() => readImageHeader(jpeg(badLength, SOF0, SOS)));
  });

  it('JPEG: any truncation before the scan is an InvalidImageError', () => {
    const whole = jpeg(DHT, SOF0, SOS);
    const sosAt = 2 + DHT.length + SOF0.length;
    for (let cut = 0; cut <= sosAt + 1; cut++) {
      const error = invalid(() => readImageHeader(whole.subarray(0, cut)));
      if (cut > 3) expect(error.message).toMatch(/truncated|JPEG/);
    }
    expect(readImageHeader(whole.subarray(0, sosAt + 2)).width).toBe(640);
  });

  const png = (width: number, height: number, depth = 8, colorType = 2, crc?: number) => {
    const ihdr = [...ascii('IHDR'), ...be32(width), ...be32(height), depth, colorType, 0, 0, 0];
    return new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, ...be32(13), ...ihdr, ...be32(crc ?? crc32(ihdr)), ...be32(0), ...ascii('IDAT'), ...be32(0x35af061e)]);
  };

  it('PNG: validates IHDR length, CRC, size, depth and colour type, and needs an IDAT', () => {
    expect(readImageHeader(png(3000, 2000))).toMatchObject({ format: 'png', width: 3000, height: 2000, orientation: 1 });
    expect(invalid(() => readImageHeader(png(3000, 2000, 8, 2, 0xdeadbeef))).message).toMatch(/CRC/);
    expect(invalid(() => readImageHeader(png(0, 10))).message).toMatch(/nonsensical size of 0×10/);
    expect(invalid(() => readImageHeader(png(2 ** 31, 10))).message).toMatch(/nonsensical/);
    expect(invalid(() => readImageHeader(png(10, 10, 16, 3))).message).toMatch(/colour type 3 \/ bit depth 16/);
    const noIdat = png(10, 10).subarray(0, 33);
    expect(invalid(() => readImageHeader(noIdat)).message).toMatch(/IDAT/);
    const longIhdr = png(10, 10);
    longIhdr[11] = 14;
    expect(invalid(() => readImageHeader(longIhdr)).message).toMatch(/IHDR/);
  });

  it('WebP: VP8, VP8L and VP8X layouts, and their broken forms', () => {
    const riff = (chunk: string, data: number[]) => new Uint8Array([...ascii('RIFF'), ...le32(12 + data.length), ...ascii('WEBP'), ...ascii(chunk), ...le32(data.length), ...data]);
    const vp8 = [0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, ...le16(800 | (1 << 14)), ...le16(600)]; // a scale bit must be masked off
    expect(readImageHeader(riff('VP8 ', vp8))).toMatchObject({ width: 800, height: 600 });
    const bits = (799 | (599 << 14)) >>> 0;
    expect(readImageHeader(riff('VP8L', [0x2f, ...le32(bits)]))).toMatchObject({ width: 800, height: 600 });
    const vp8x = [0x10, 0, 0, 0, 799 & 255, 799 >> 8, 0, 599 & 255, 599 >> 8, 0];
    expect(readImageHeader(riff('VP8X', vp8x))).toMatchObject({ width: 800, height: 600 });
    const badStart = [...vp8];
    badStart[3] = 0;
    expect(invalid(() => readImageHeader(riff('VP8 ', badStart))).message).toMatch(/start code/);
    expect(invalid(() => readImageHeader(riff('VP8L', [0x2e, ...le32(bits)]))).message).toMatch(/signature/);
    expect(invalid(() => readImageHeader(riff('ALPH', vp8))).message).toMatch(/unknown chunk/);
    const whole = riff('VP8 ', [...vp8, ...new Array(100).fill(0)]);
    expect(invalid(() => readImageHeader(whole.subarray(0, 60))).message).toMatch(/truncated/);
  });

  it('GIF: logical screen size; zero size and truncation are invalid', () => {
    const gif = (w: number, h: number) => new Uint8Array([...ascii('GIF89a'), ...le16(w), ...le16(h), 0, 0, 0, 0x3b]);
    expect(readImageHeader(gif(320, 200))).toMatchObject({ format: 'gif', width: 320, height: 200, orientation: 1 });
    invalid(() => readImageHeader(gif(0, 200)));
    invalid(() => readImageHeader(gif(320, 200).subarray(0, 10)));
  });

  const tiff = (bigEndian: boolean, entries: [number, number, number][]) => {
    const r16 = bigEndian ? be16 : le16;
    const r32 = bigEndian ? be32 : le32;
    const body = entries.flatMap(([tag, type, value]) => [...r16(tag), ...r16(type), ...r32(1), ...(type === 3 ? [...r16(value), 0, 0] : r32(value))]);
    return new Uint8Array([...ascii(bigEndian ? 'MM' : 'II'), ...r16(42), ...r32(8), ...r16(entries.length), ...body, 0, 0, 0, 0]);
  };

  it.each([false, true])('TIFF: IFD0 width, height and orientation (big-endian: %s)', (bigEndian) => {
    expect(readImageHeader(tiff(bigEndian, [[256, 4, 70000], [257, 3, 500], [274, 3, 8]]))).toEqual({
      format: 'tiff', width: 70000, height: 500, orientation: 8, displaySize: { width: 500, height: 70000 },
    });
    expect(invalid(() => readImageHeader(tiff(bigEndian, [[256, 3, 10]]))).message).toMatch(/ImageWidth\/ImageLength/);
    invalid(() => readImageHeader(tiff(bigEndian, [[256, 3, 0], [257, 3, 10]])));
    const cut = tiff(bigEndian, [[256, 3, 10], [257, 3, 10]]);
    expect(invalid(() => readImageHeader(cut.subarray(0, 20))).message).toMatch(/entries/);
  });

  it('BigTIFF: 64-bit offsets and counts', () => {
    const entry = (tag: number, type: number, value: number) => [...le16(tag), ...le16(type), ...le32(1), 0, 0, 0, 0, ...le32(value), 0, 0, 0, 0];
    const bytes = new Uint8Array([...ascii('II'), ...le16(43), ...le16(8), 0, 0, ...le32(16), 0, 0, 0, 0, ...le32(2), 0, 0, 0, 0, ...entry(256, 16, 1234), ...entry(257, 4, 567), ...new Array(8).fill(0)]);
    expect(readImageHeader(bytes)).toMatchObject({ format: 'tiff', width: 1234, height: 567 });
  });

  it('HEIC/AVIF: rejects files without the boxes that give the size', () => {
    const box = (type: string, payload: number[]) => [...be32(8 + payload.length), ...ascii(type), ...payload];
    const ftyp = box('ftyp', [...ascii('avif'), 0, 0, 0, 0, ...ascii('mif1')]);
    expect(invalid(() => readImageHeader(new Uint8Array(ftyp))).message).toMatch(/no "meta" box/);
    const cut = new Uint8Array([...ftyp, ...be32(500), ...ascii('meta'), 0, 0, 0, 0]);
    expect(invalid(() => readImageHeader(cut)).message).toMatch(/truncated/);
  });
});

describe('readImageHeader on non-images', () => {
  it.each(['random-bytes.bin', 'text-as-image.jpg'])('%s: InvalidImageError for an unrecognised format', (name) => {
    const error = invalid(() => readImageHeader(fixture(name)));
    expect(error.message).toMatch(/Unrecognised image format/);
    expect(error.code).toBe('invalid_image');
  });

  it('empty data and non-Uint8Array arguments', () => {
    expect(invalid(() => readImageHeader(new Uint8Array(0))).message).toMatch(/empty/);
    expect(() => readImageHeader('x' as unknown as Uint8Array)).toThrow(TypeError);
  });

  it('truncated.jpg still has an intact header (the decoder must catch it)', () => {
    expect(readImageHeader(fixture('truncated.jpg'))).toMatchObject({ format: 'jpeg', width: 734, height: 734 });
  });

  it('never throws anything but InvalidImageError on truncated or corrupted headers', async () => {
    const sources = [
      fixture('portrait-1-exif6.jpg').subarray(0, 4096),
      fixture('portrait-1.png').subarray(0, 256),
      fixture('portrait-1.webp').subarray(0, 256),
      fixture('portrait-1.bmp').subarray(0, 256),
      u8(await rgbNoise(9, 7).gif().toBuffer()),
      u8(await rgbNoise(9, 7).tiff().toBuffer()),
      u8(await rgbNoise(9, 7).avif({ effort: 0 }).toBuffer()),
    ];
    let seed = 99;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (const source of sources) {
      for (let trial = 0; trial < 400; trial++) {
        const bytes = source.slice(0, trial % 2 ? rand(source.length + 1) : source.length);
        for (let k = 0; k < 4; k++) if (bytes.length > 4) bytes[4 + rand(bytes.length - 4)] = rand(256);
        try {
          const header = readImageHeader(bytes);
          expect(header.width).toBeGreaterThan(0);
          expect(header.height).toBeGreaterThan(0);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidImageError);
        }
      }
    }
  });
});

describe('assertPixelLimit', () => {
  it('refuses huge-header.png in microseconds, naming the size and the limit', () => {
    const bytes = fixture('huge-header.png');
    const header = readImageHeader(bytes);
    expect([header.width, header.height]).toEqual([40000, 40000]);
    let error: unknown;
    try {
      assertPixelLimit(header, 50_000_000);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ImageTooLargeError);
    expect((error as ImageTooLargeError).message).toMatch(/40000×40000.*1,600,000,000 pixels.*50,000,000 pixels/);
    expect((error as ImageTooLargeError).details).toEqual({ width: 40000, height: 40000, pixels: 1_600_000_000, maxPixels: 50_000_000 });
  });

  it('passes sizes within the limit, including exactly at it, and Infinity', () => {
    expect(() => assertPixelLimit({ width: 100, height: 100 }, 10_000)).not.toThrow();
    expect(() => assertPixelLimit({ width: 100, height: 101 }, 10_000)).toThrow(ImageTooLargeError);
    expect(() => assertPixelLimit({ width: 40000, height: 40000 }, Infinity)).not.toThrow();
  });

  it('rejects bad limits with TypeError / RangeError', () => {
    const size = { width: 1, height: 1 };
    expect(() => assertPixelLimit(size, '100' as unknown as number)).toThrow(TypeError);
    for (const bad of [0, -1, 1.5, NaN, -Infinity]) expect(() => assertPixelLimit(size, bad)).toThrow(RangeError);
  });
});

function crc32(bytes: number[]): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
