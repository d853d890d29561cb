import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageTooLargeError, InvalidImageError } from '../../src/errors.js';
import type { RgbaImage } from '../../src/image/rgba-image.js';
import { decodeBmp, parseBmpHeader } from '../../src/io/decode-bmp.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

interface BmpSpec {
  width: number;
  height: number;
  bpp: number;
  headerSize?: number;
  compression?: number;
  topDown?: boolean;
  palette?: number[][]; // [r, g, b]
  colorsUsed?: number;
  masks?: number[]; // r, g, b[, a]; in the header for 52+ byte headers, after it otherwise
  /** Unpadded bytes of each row, top row first; the writer stores them bottom-up and pads them. */
  rows?: number[][];
  /** Pixel data written as is (RLE streams). */
  data?: number[];
  dataOffset?: number;
}

/** A test-local BMP writer, independent of the decoder under test. */
function bmp(spec: BmpSpec): Uint8Array {
  const hs = spec.headerSize ?? 40;
  const os21 = hs === 12;
  const bytes: number[] = [];
  const u16 = (v: number) => bytes.push(v & 255, (v >>> 8) & 255);
  const u32 = (v: number) => bytes.push(v & 255, (v >>> 8) & 255, (v >>> 16) & 255, (v >>> 24) & 255);
  const masksAfterHeader = spec.masks && hs < 52 ? spec.masks : [];
  const entrySize = os21 ? 3 : 4;
  const palette = spec.palette ?? [];
  const pixelStart = 14 + hs + masksAfterHeader.length * 4 + palette.length * entrySize;

  bytes.push(0x42, 0x4d);
  u32(0); // file size: decoders ignore it
  u32(0);
  u32(spec.dataOffset ?? pixelStart);
  u32(hs);
  if (os21) {
    u16(spec.width);
    u16(spec.height);
    u16(1);
    u16(spec.bpp);
  } else {
    u32(spec.width);
    u32(spec.topDown ? -spec.height : spec.height);
    u16(1);
    u16(spec.bpp);
    const fields = [spec.compression ?? 0, 0, 2835, 2835, spec.colorsUsed ?? 0, 0];
    for (const f of fields) if (bytes.length + 4 <= 14 + hs) u32(f);
    if (hs >= 52) {
      const m = spec.masks ?? [0, 0, 0, 0];
      u32(m[0]);
      u32(m[1]);
      u32(m[2]);
      if (hs >= 56) u32(m[3] ?? 0);
    }
    while (bytes.length < 14 + hs) bytes.push(0);
  }
  for (const m of masksAfterHeader) u32(m);
  for (const [r, g, b] of palette) bytes.push(b, g, r, ...(os21 ? [] : [0]));
  while (bytes.length < (spec.dataOffset ?? pixelStart)) bytes.push(0);
  if (spec.data) bytes.push(...spec.data);
  if (spec.rows) {
    const ordered = spec.topDown ? spec.rows : [...spec.rows].reverse();
    for (const row of ordered) {
      bytes.push(...row);
      for (let pad = row.length; pad % 4 !== 0; pad++) bytes.push(0);
    }
  }
  return new Uint8Array(bytes);
}

function pixels(image: RgbaImage): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < image.data.length; i += 4) out.push([...image.data.subarray(i, i + 4)]);
  return out;
}

const scale = (v: number, bits: number) => Math.round((v * 255) / (2 ** bits - 1));
const le16 = (v: number) => [v & 255, v >>> 8];
const le32 = (v: number) => [v & 255, (v >>> 8) & 255, (v >>> 16) & 255, v >>> 24];

const PALETTE16 = Array.from({ length: 16 }, (_, i) => [i * 16, 255 - i * 8, (i * 37) & 255]);

describe('decodeBmp: uncompressed', () => {
  it('decodes 1-bit rows MSB first, with row padding (width 10)', () => {
    const bits = [
      [1, 0, 1, 1, 0, 0, 0, 1, 1, 0],
      [0, 1, 0, 0, 1, 1, 1, 0, 0, 1],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
    ];
    const pack = (row: number[]) => [row.slice(0, 8).reduce((a, b) => (a << 1) | b, 0), (row[8] << 7) | (row[9] << 6)];
    const image = decodeBmp(bmp({ width: 10, height: 3, bpp: 1, palette: [[10, 20, 30], [200, 210, 220]], rows: bits.map(pack) }));
    expect([image.width, image.height]).toEqual([10, 3]);
    expect(pixels(image)).toEqual(bits.flat().map((b) => (b ? [200, 210, 220, 255] : [10, 20, 30, 255])));
  });

  it('decodes 4-bit palettes; indices past a short palette are black', () => {
    const indices = [
      [0, 1, 2, 3, 15],
      [4, 5, 6, 7, 8],
      [11, 12, 9, 10, 13],
    ];
    const pack = (row: number[]) => [(row[0] << 4) | row[1], (row[2] << 4) | row[3], row[4] << 4];
    const palette = PALETTE16.slice(0, 12);
    const image = decodeBmp(bmp({ width: 5, height: 3, bpp: 4, palette, colorsUsed: 12, rows: indices.map(pack) }));
    expect(pixels(image)).toEqual(indices.flat().map((i) => (i < 12 ? [...palette[i], 255] : [0, 0, 0, 255])));
  });

  it.each([false, true])('decodes 8-bit palettes, odd widths, top-down = %s', (topDown) => {
    const palette = Array.from({ length: 256 }, (_, i) => [i, (i * 7) & 255, 255 - i]);
    const rows = [[0, 1, 2, 3, 4, 5, 6], [250, 251, 252, 253, 254, 255, 128], [9, 8, 7, 6, 5, 4, 3]];
    const image = decodeBmp(bmp({ width: 7, height: 3, bpp: 8, palette, rows, topDown }));
    expect(parseBmpHeader(bmp({ width: 7, height: 3, bpp: 8, palette, rows, topDown })).topDown).toBe(topDown);
    expect(pixels(image)).toEqual(rows.flat().map((i) => [...palette[i], 255]));
  });

  it('decodes 16-bit BI_RGB as x1R5G5B5, ignoring the top bit, white as 255', () => {
    const values = [[31, 0, 0], [0, 31, 0], [0, 0, 31], [31, 31, 31], [3, 17, 29], [1, 2, 30]];
    const words = values.map(([r, g, b], i) => ((i % 2) << 15) | (r << 10) | (g << 5) | b);
    const rows = [words.slice(0, 3).flatMap(le16), words.slice(3).flatMap(le16)];
    const image = decodeBmp(bmp({ width: 3, height: 2, bpp: 16, rows }));
    expect(pixels(image)).toEqual(values.map(([r, g, b]) => [scale(r, 5), scale(g, 5), scale(b, 5), 255]));
    expect(pixels(image)[3]).toEqual([255, 255, 255, 255]);
  });

  it('decodes 16-bit BI_BITFIELDS 565', () => {
    const values = [[31, 63, 31], [0, 32, 0], [17, 5, 9], [1, 62, 30]];
    const words = values.map(([r, g, b]) => (r << 11) | (g << 5) | b);
    const rows = [words.slice(0, 2).flatMap(le16), words.slice(2).flatMap(le16)];
    const image = decodeBmp(bmp({ width: 2, height: 2, bpp: 16, compression: 3, masks: [0xf800, 0x07e0, 0x001f], rows }));
    expect(pixels(image)).toEqual(values.map(([r, g, b]) => [scale(r, 5), scale(g, 6), scale(b, 5), 255]));
  });

  it.each([false, true])('decodes 24-bit BGR with row padding, top-down = %s', (topDown) => {
    const rgb = [[[1, 2, 3], [40, 50, 60], [255, 0, 128], [7, 8, 9], [100, 101, 102]], [[9, 9, 9], [0, 0, 0], [255, 255, 255], [12, 34, 56], [200, 100, 50]]];
    const rows = rgb.map((row) => row.flatMap(([r, g, b]) => [b, g, r]));
    const image = decodeBmp(bmp({ width: 5, height: 2, bpp: 24, rows, topDown }));
    expect(pixels(image)).toEqual(rgb.flat().map((p) => [...p, 255]));
  });

  it('ignores the fourth byte of 32-bit BI_RGB with a 40-byte header, as browsers do', () => {
    const rows = [[10, 20, 30, 0, 40, 50, 60, 128], [70, 80, 90, 255, 1, 2, 3, 7]];
    const image = decodeBmp(bmp({ width: 2, height: 2, bpp: 32, rows }));
    expect(pixels(image)).toEqual([[30, 20, 10, 255], [60, 50, 40, 255], [90, 80, 70, 255], [3, 2, 1, 255]]);
  });

  it('uses the alpha mask of a V5 header with 32-bit BI_BITFIELDS', () => {
    const masks = [0x00ff0000, 0x0000ff00, 0x000000ff, 0xff000000];
    const rows = [[10, 20, 30, 0, 40, 50, 60, 128], [70, 80, 90, 255, 1, 2, 3, 7]];
    const image = decodeBmp(bmp({ width: 2, height: 2, bpp: 32, headerSize: 124, compression: 3, masks, rows }));
    expect(pixels(image)).toEqual([[30, 20, 10, 0], [60, 50, 40, 128], [90, 80, 70, 255], [3, 2, 1, 7]]);
  });

  it('treats an all-zero alpha channel as opaque (V4 header, BI_RGB with an alpha mask)', () => {
    const rows = [[10, 20, 30, 0, 40, 50, 60, 0]];
    const masks = [0, 0, 0, 0xff000000];
    const image = decodeBmp(bmp({ width: 2, height: 1, bpp: 32, headerSize: 108, masks, rows }));
    expect(pixels(image)).toEqual([[30, 20, 10, 255], [60, 50, 40, 255]]);
    const withAlpha = decodeBmp(bmp({ width: 2, height: 1, bpp: 32, headerSize: 108, masks, rows: [[10, 20, 30, 0, 40, 50, 60, 9]] }));
    expect(pixels(withAlpha)).toEqual([[30, 20, 10, 0], [60, 50, 40, 9]]);
  });

  it('reads BI_ALPHABITFIELDS masks in an unusual channel order', () => {
    // 32-bit A B G R from the top: red in the low byte, alpha in the high byte... shuffled.
    const masks = [0x000000ff, 0xff000000, 0x0000ff00, 0x00ff0000]; // r, g, b, a
    const word = (r: number, g: number, b: number, a: number) => (r | (b << 8) | (a << 16) | (g << 24)) >>> 0;
    const rows = [[...le32(word(1, 2, 3, 4)), ...le32(word(250, 128, 64, 255))]];
    const image = decodeBmp(bmp({ width: 2, height: 1, bpp: 32, compression: 6, masks, rows }));
    expect(pixels(image)).toEqual([[1, 2, 3, 4], [250, 128, 64, 255]]);
  });

  it('scales narrow and wide bit fields: 2-3-1 bits and 10-10-10-2 bits', () => {
    const narrow = decodeBmp(bmp({ width: 1, height: 1, bpp: 16, compression: 3, masks: [0b110000, 0b001110, 0b000001], rows: [le16(0b101011)] }));
    expect(pixels(narrow)).toEqual([[scale(2, 2), scale(5, 3), 255, 255]]);
    const word = (1023 << 20) | (512 << 10) | 3 | (2 << 30);
    const wide = decodeBmp(bmp({ width: 1, height: 1, bpp: 32, headerSize: 124, compression: 3, masks: [0x3ff00000, 0x000ffc00, 0x000003ff, 0xc0000000], rows: [le32(word >>> 0)] }));
    expect(pixels(wide)).toEqual([[255, 128, 0, scale(2, 2)]]);
  });

  it('decodes OS/2 1.x (12-byte header, 3-byte palette entries) and OS/2 2.x headers', () => {
    const palette = [[255, 0, 0], [0, 255, 0], [0, 0, 255]];
    const rows = [[0, 1, 2], [2, 1, 0]];
    const expected = rows.flat().map((i) => [...palette[i], 255]);
    expect(pixels(decodeBmp(bmp({ width: 3, height: 2, bpp: 8, headerSize: 12, palette: [...palette, ...Array(253).fill([0, 0, 0])], rows })))).toEqual(expected);
    expect(pixels(decodeBmp(bmp({ width: 3, height: 2, bpp: 8, headerSize: 64, palette, colorsUsed: 3, rows })))).toEqual(expected);
    expect(pixels(decodeBmp(bmp({ width: 3, height: 2, bpp: 8, headerSize: 16, palette: [...palette, ...Array(253).fill([9, 9, 9])], rows })))).toEqual(expected);
  });

  it('honours a pixel-data offset past the palette', () => {
    const image = decodeBmp(bmp({ width: 2, height: 1, bpp: 24, dataOffset: 80, rows: [[1, 2, 3, 4, 5, 6]] }));
    expect(pixels(image)).toEqual([[3, 2, 1, 255], [6, 5, 4, 255]]);
  });

  it('decodes the portrait-1.bmp fixture to exactly the pixels of portrait-1.png', async () => {
    const image = decodeBmp(fixture('portrait-1.bmp'));
    const { data, info } = await sharp(fixture('portrait-1.png')).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    expect([image.width, image.height]).toEqual([info.width, info.height]);
    expect(Buffer.from(image.data).equals(data)).toBe(true);
  });
});

describe('decodeBmp: RLE', () => {
  const palette = Array.from({ length: 256 }, (_, i) => [i, 255 - i, (i * 3) & 255]);
  const P = (i: number) => [...palette[i], 255];
  const T = [0, 0, 0, 0]; // skipped pixels are transparent

  it('decodes RLE8 runs, odd absolute runs with padding, EOL, delta and EOB; skipped pixels are transparent', () => {
    const data = [
      3, 7, 0, 3, 1, 2, 3, 0, 0, 0, // bottom row: 7 7 7 1 2 3 (absolute run of 3 is padded), EOL
      2, 9, 0, 2, 2, 1, 1, 4, 0, 0, // next row: 9 9, delta(2,1) to (4, row+2), then 4; EOL
      0, 1, // EOB: the rest is skipped
    ];
    const image = decodeBmp(bmp({ width: 6, height: 4, bpp: 8, compression: 1, palette, data }));
    // Rows from the top: rows 0 and 1 hold the delta target and the EOB-skipped pixels.
    expect(pixels(image)).toEqual([
      T, T, T, T, T, T,
      T, T, T, T, P(4), T,
      P(9), P(9), T, T, T, T,
      P(7), P(7), P(7), P(1), P(2), P(3),
    ]);
  });

  it('decodes RLE4 runs that alternate nibbles and odd-length absolute runs', () => {
    const data = [
      5, 0x12, 0, 0, // 1 2 1 2 1, EOL
      0, 3, 0x34, 0x50, 0, 0, // absolute 3 4 5 (2 bytes, already even), EOL
      0, 1,
    ];
    const image = decodeBmp(bmp({ width: 5, height: 2, bpp: 4, compression: 2, palette: palette.slice(0, 16), data }));
    expect(pixels(image)).toEqual([P(3), P(4), P(5), T, T, P(1), P(2), P(1), P(2), P(1)]);
  });

  it('clips runs longer than the row and accepts a stream that ends after its last row', () => {
    const data = [9, 5, 0, 0, 2, 6]; // a 9-pixel run in a 3-pixel row, EOL, then the top row with no EOB
    const image = decodeBmp(bmp({ width: 3, height: 2, bpp: 8, compression: 1, palette, data: [...data, 0, 0] }));
    expect(pixels(image)).toEqual([P(6), P(6), T, P(5), P(5), P(5)]);
  });

  it('decodes OS/2 RLE24', () => {
    const data = [2, 30, 20, 10, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 0, 0, 0, 0, 1]; // run, absolute(3) + pad, EOL, EOL, EOB
    const image = decodeBmp(bmp({ width: 5, height: 2, bpp: 24, headerSize: 64, compression: 4, data }));
    expect(pixels(image)).toEqual([T, T, T, T, T, [10, 20, 30, 255], [10, 20, 30, 255], [3, 2, 1, 255], [6, 5, 4, 255], [9, 8, 7, 255]]);
  });

  it('rejects literal runs and deltas that leave the image, and streams cut short', () => {
    const decode = (data: number[]) => () => decodeBmp(bmp({ width: 4, height: 2, bpp: 8, compression: 1, palette, data }));
    expect(decode([0, 5, 1, 2, 3, 4, 5, 0])).toThrow(InvalidImageError); // 5 literals in a 4-pixel row
    expect(decode([0, 2, 5, 0])).toThrow(InvalidImageError); // delta past the row end
    expect(decode([0, 2, 0, 2])).toThrow(InvalidImageError); // delta below the image
    expect(decode([2, 1])).toThrow(/truncated/); // data ends mid-image without EOB
    expect(decode([0, 4, 1, 2])).toThrow(/truncated/); // literal run cut short
    expect(decode([0, 0, 0, 0, 1, 1])).toThrow(/past the end/); // pixels after the last row
  });
});

describe('decodeBmp: broken and hostile files', () => {
  const good = () => bmp({ width: 3, height: 2, bpp: 24, rows: [[1, 2, 3, 4, 5, 6, 7, 8, 9], [9, 8, 7, 6, 5, 4, 3, 2, 1]] });

  it('rejects truncation anywhere with InvalidImageError', () => {
    const whole = good();
    expect(() => decodeBmp(whole)).not.toThrow();
    for (let cut = 0; cut < whole.length - 3; cut++) {
      expect(() => decodeBmp(whole.subarray(0, cut)), `cut at ${cut}`).toThrow(InvalidImageError);
    }
  });

  it('rejects nonsensical headers', () => {
    const cases: Record<string, (b: DataView) => void> = {
      'zero width': (v) => v.setInt32(18, 0, true),
      'negative width': (v) => v.setInt32(18, -3, true),
      'zero height': (v) => v.setInt32(22, 0, true),
      'unknown header size': (v) => v.setUint32(14, 41, true),
      'bit depth 3': (v) => v.setUint16(28, 3, true),
      'compression 9': (v) => v.setUint32(30, 9, true),
      'embedded JPEG': (v) => {
        v.setUint16(28, 0, true);
        v.setUint32(30, 4, true);
      },
      'bitfields at 24 bits': (v) => v.setUint32(30, 3, true),
      'data offset inside the header': (v) => v.setUint32(10, 20, true),
      'data offset past the end': (v) => v.setUint32(10, 5000, true),
    };
    for (const [name, corrupt] of Object.entries(cases)) {
      const bytes = good();
      corrupt(new DataView(bytes.buffer));
      expect(() => decodeBmp(bytes), name).toThrow(InvalidImageError);
    }
    expect(() => decodeBmp(new TextEncoder().encode('not a bitmap at all'))).toThrow(InvalidImageError);
  });

  it('rejects overlapping and non-contiguous masks', () => {
    const row = [le16(0xffff)];
    expect(() => decodeBmp(bmp({ width: 1, height: 1, bpp: 16, compression: 3, masks: [0xf800, 0x0fe0, 0x001f], rows: row.map((r) => r) }))).toThrow(/overlap/);
    expect(() => decodeBmp(bmp({ width: 1, height: 1, bpp: 16, compression: 3, masks: [0xf0f0, 0x0f00, 0x000f], rows: row }))).toThrow(/contiguous/);
  });

  it('refuses a huge declared size from its header, before allocating', () => {
    const huge = bmp({ width: 30000, height: 30000, bpp: 24, rows: [[1, 2, 3]] });
    expect(() => decodeBmp(huge, { maxPixels: 50_000_000 })).toThrow(ImageTooLargeError);
    expect(() => decodeBmp(huge, { maxPixels: 1e9 })).toThrow(/truncated/); // within the limit: the data is missing
    const rle = bmp({ width: 20000, height: 20000, bpp: 8, compression: 1, palette: [[0, 0, 0]], data: [0, 1] });
    expect(() => decodeBmp(rle, { maxPixels: 1_000_000 })).toThrow(ImageTooLargeError);
  });
});
