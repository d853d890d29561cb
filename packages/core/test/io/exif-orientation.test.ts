import { readFileSync } from 'node:fs';
import sharp, { type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { findJpegExif, orientationFromExif, readExifOrientation } from '../../src/io/exif-orientation.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

/** A TIFF/EXIF block whose IFD0 holds the given (tag, type, count, value) entries. */
function tiffBlock(
  littleEndian: boolean,
  entries: [number, number, number, number][],
  options: { prefix?: boolean; ifdOffset?: number; declaredOffset?: number } = {},
): Uint8Array {
  const ifdOffset = options.ifdOffset ?? 8;
  const size = Math.max(ifdOffset, 8) + 2 + entries.length * 12 + 4;
  const view = new DataView(new ArrayBuffer(size));
  const le = littleEndian;
  view.setUint16(0, le ? 0x4949 : 0x4d4d);
  view.setUint16(2, 42, le);
  view.setUint32(4, options.declaredOffset ?? ifdOffset, le);
  if (ifdOffset + 2 <= size) {
    view.setUint16(ifdOffset, entries.length, le);
    entries.forEach(([tag, type, count, value], i) => {
      const at = ifdOffset + 2 + i * 12;
      view.setUint16(at, tag, le);
      view.setUint16(at + 2, type, le);
      view.setUint32(at + 4, count, le);
      if (type === 3) view.setUint16(at + 8, value, le); // SHORT values are left-aligned
      else view.setUint32(at + 8, value, le);
    });
  }
  const tiff = new Uint8Array(view.buffer);
  if (!options.prefix) return tiff;
  const out = new Uint8Array(6 + tiff.length);
  out.set([0x45, 0x78, 0x69, 0x66, 0, 0]);
  out.set(tiff, 6);
  return out;
}

function segment(marker: number, payload: Uint8Array | number[]): number[] {
  const length = payload.length + 2;
  return [0xff, marker, length >> 8, length & 255, ...payload];
}

const SOF0 = segment(0xc0, [8, 0, 16, 0, 16, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
const SOS = segment(0xda, [3, 1, 0, 2, 0x11, 3, 0x11, 0, 63, 0]);
const jpeg = (...segments: number[][]) => new Uint8Array([0xff, 0xd8, ...segments.flat(), 0x00, 0xff, 0xd9]);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

describe('orientationFromExif', () => {
  it.each([true, false])('reads Orientation from IFD0 (little-endian: %s), whatever its position', (le) => {
    const entries: [number, number, number, number][] = [
      [0x010f, 2, 4, 0], // Make
      [0x0110, 2, 4, 0], // Model
      [0x0112, 3, 1, 6], // Orientation
      [0x011a, 5, 1, 0], // XResolution
    ];
    expect(orientationFromExif(tiffBlock(le, entries))).toBe(6);
    expect(orientationFromExif(tiffBlock(le, entries, { prefix: true }))).toBe(6);
  });

  it('accepts an Orientation written as LONG and as every value 1..8', () => {
    expect(orientationFromExif(tiffBlock(false, [[0x0112, 4, 1, 8]]))).toBe(8);
    for (let o = 1; o <= 8; o++) expect(orientationFromExif(tiffBlock(true, [[0x0112, 3, 1, o]]))).toBe(o);
  });

  it('returns 1 when the tag is absent, out of range or of a non-numeric type', () => {
    expect(orientationFromExif(tiffBlock(true, [[0x010f, 2, 4, 0]]))).toBe(1);
    expect(orientationFromExif(tiffBlock(true, []))).toBe(1);
    for (const bad of [0, 9, 255, 0xffff]) expect(orientationFromExif(tiffBlock(true, [[0x0112, 3, 1, bad]]))).toBe(1);
    expect(orientationFromExif(tiffBlock(true, [[0x0112, 2, 1, 6]]))).toBe(1); // ASCII
    expect(orientationFromExif(tiffBlock(true, [[0x0112, 3, 0, 6]]))).toBe(1); // zero count
  });

  it('never throws on broken blocks: bad byte order, bad magic, IFD outside the data, truncation', () => {
    const good = tiffBlock(true, [[0x0100, 4, 1, 100], [0x0112, 3, 1, 3]], { prefix: true });
    expect(orientationFromExif(good)).toBe(3);
    const badOrder = good.slice();
    badOrder[6] = 0x58;
    expect(orientationFromExif(badOrder)).toBe(1);
    const badMagic = good.slice();
    badMagic[8] = 41;
    expect(orientationFromExif(badMagic)).toBe(1);
    expect(orientationFromExif(tiffBlock(true, [[0x0112, 3, 1, 6]], { declaredOffset: 4000 }))).toBe(1);
    expect(orientationFromExif(tiffBlock(true, [[0x0112, 3, 1, 6]], { declaredOffset: 2 }))).toBe(1);
    for (let cut = 0; cut <= good.length; cut++) {
      const value = orientationFromExif(good.subarray(0, cut));
      // The tag is readable exactly when its whole entry survived the cut.
      expect(value).toBe(cut >= 6 + 8 + 2 + 24 ? 3 : 1);
    }
    expect(orientationFromExif(new Uint8Array(0))).toBe(1);
    expect(orientationFromExif(new Uint8Array([0x45, 0x78, 0x69, 0x66, 0, 0]))).toBe(1);
  });

  it('reads the entries that fit when the entry count overstates the data', () => {
    const block = tiffBlock(true, [[0x0112, 3, 1, 5]]);
    block[8] = 0xff; // 255 entries declared, 1 present
    expect(orientationFromExif(block)).toBe(5);
  });

  it('survives random corruption without throwing', () => {
    const good = tiffBlock(false, [[0x010f, 2, 20, 26], [0x0112, 3, 1, 7], [0x8769, 4, 1, 60]], { prefix: true });
    let seed = 12345;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) / 2 ** 24;
    for (let trial = 0; trial < 3000; trial++) {
      const bad = good.slice(0, Math.floor(rand() * (good.length + 1)));
      for (let k = 0; k < 3; k++) if (bad.length) bad[Math.floor(rand() * bad.length)] = Math.floor(rand() * 256);
      const value = orientationFromExif(bad);
      expect(value >= 1 && value <= 8).toBe(true);
    }
  });

  it('rejects non-Uint8Array input with a TypeError', () => {
    expect(() => orientationFromExif([1, 2] as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => readExifOrientation(undefined as unknown as Uint8Array)).toThrow(TypeError);
  });
});

describe('readExifOrientation', () => {
  it('reads the fixtures: the phone-style JPEG says 6, the plain ones 1', () => {
    expect(readExifOrientation(fixture('portrait-1-exif6.jpg'))).toBe(6);
    expect(readExifOrientation(fixture('portrait-1.jpg'))).toBe(1);
    expect(readExifOrientation(fixture('group-1.jpg'))).toBe(1); // has EXIF, but no Orientation tag
    expect(readExifOrientation(fixture('portrait-1.png'))).toBe(1);
    expect(readExifOrientation(fixture('portrait-1.webp'))).toBe(1);
    expect(readExifOrientation(fixture('portrait-1.bmp'))).toBe(1);
    expect(readExifOrientation(fixture('random-bytes.bin'))).toBe(1);
  });

  const small = () => sharp({ create: { width: 12, height: 8, channels: 3, background: '#3a7' } });
  const writers = {
    jpeg: (s: Sharp) => s.jpeg(),
    png: (s: Sharp) => s.png(),
    webp: (s: Sharp) => s.webp({ lossless: true }),
    tiff: (s: Sharp) => s.tiff(),
  };
  for (const [format, write] of Object.entries(writers)) {
    it(`agrees with libvips on ${format} files tagged with orientations 1..8`, async () => {
      for (let orientation = 1; orientation <= 8; orientation++) {
        const bytes = new Uint8Array(await write(small().withMetadata({ orientation })).toBuffer());
        const meta = await sharp(bytes).metadata();
        expect(meta.orientation ?? 1).toBe(orientation);
        expect(readExifOrientation(bytes)).toBe(orientation);
      }
    });
  }

  it('finds Exif after other APPn segments and after the frame header, skips XMP, stops at SOS', () => {
    const exif = [...tiffBlock(true, [[0x0112, 3, 1, 8]], { prefix: true })];
    const xmp = [...ascii('http://ns.adobe.com/xap/1.0/\0'), ...ascii('<x:xmpmeta/>')];
    const jfif = [...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
    expect(readExifOrientation(jpeg(segment(0xe0, jfif), segment(0xe1, xmp), segment(0xe1, exif), SOF0, SOS))).toBe(8);
    expect(readExifOrientation(jpeg(SOF0, segment(0xe1, exif), SOS))).toBe(8);
    expect(readExifOrientation(jpeg(SOF0, SOS, segment(0xe1, exif)))).toBe(1);
    // Fill bytes before a marker are allowed.
    expect(readExifOrientation(jpeg([0xff, 0xff, 0xff], segment(0xe1, exif), SOF0, SOS))).toBe(8);
    expect(findJpegExif(jpeg(SOF0, SOS))).toBeNull();
  });

  it('returns 1 for JPEGs whose segments are broken', () => {
    const exif = [...tiffBlock(true, [[0x0112, 3, 1, 8]], { prefix: true })];
    const whole = jpeg(segment(0xe1, exif), SOF0, SOS);
    for (let cut = 0; cut < whole.length; cut++) {
      const value = readExifOrientation(whole.subarray(0, cut));
      expect([1, 8]).toContain(value);
    }
    const badLength = whole.slice();
    badLength[4] = 0;
    badLength[5] = 1; // segment length 1 < 2
    expect(readExifOrientation(badLength)).toBe(1);
  });

  it('only honours a PNG eXIf chunk that precedes the image data', async () => {
    const png = new Uint8Array(await small().withMetadata({ orientation: 5 }).png().toBuffer());
    const text = Buffer.from(png).toString('latin1');
    expect(text.indexOf('eXIf')).toBeLessThan(text.indexOf('IDAT'));
    expect(readExifOrientation(png)).toBe(5);
    // Move the eXIf chunk after IDAT: readers must ignore it (PNG spec ordering).
    const start = text.indexOf('eXIf') - 4;
    const length = new DataView(png.buffer, png.byteOffset).getUint32(start);
    const chunk = png.subarray(start, start + 12 + length);
    const rest = new Uint8Array([...png.subarray(0, start), ...png.subarray(start + 12 + length)]);
    const iend = rest.length - 12;
    const moved = new Uint8Array([...rest.subarray(0, iend), ...chunk, ...rest.subarray(iend)]);
    expect(readExifOrientation(moved)).toBe(1);
    // libvips agrees: it does not rotate by a late eXIf either.
    const { info } = await sharp(moved, { autoOrient: true }).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([12, 8]);
  });

  it('tolerates junk between JPEG segments, as libjpeg does', () => {
    const exif = [...tiffBlock(true, [[0x0112, 3, 1, 7]], { prefix: true })];
    const jfif = [...ascii('JFIF\0'), 1, 1, 0, 0, 1, 0, 1, 0, 0];
    expect(readExifOrientation(jpeg(segment(0xe0, jfif), [0x00, 0x42, 0x13], segment(0xe1, exif), SOF0, SOS))).toBe(7);
  });
});
