import { InvalidImageError } from '../errors.js';
import { createRgbaImage, type RgbaImage } from '../image/rgba-image.js';
import { i32le, u16le, u32le } from './bytes.js';
import { assertPixelLimit, checkMaxPixels } from './pixel-limit.js';

/**
 * A pure-TypeScript BMP decoder. sharp cannot read BMP, and decoding it ourselves on both
 * platforms gives byte-identical pixels in Node and the browser. Where the format is vague
 * (alpha in 32-bit files, palette overruns, RLE gaps) it follows Chromium's BMPImageReader.
 */

export type BmpCompression = 'rgb' | 'rle8' | 'rle4' | 'bitfields' | 'alphabitfields' | 'rle24';

export interface BmpHeader {
  readonly width: number;
  readonly height: number;
  /** Rows stored top row first (negative height in the file). */
  readonly topDown: boolean;
  readonly bitsPerPixel: number;
  readonly compression: BmpCompression;
  /** Size of the info header: 12 (OS/2 1.x), 16–64 (OS/2 2.x), 40/52/56/108/124 (Windows). */
  readonly infoHeaderSize: number;
  /** Red, green, blue, alpha masks for 16/24/32-bit pixels, trimmed to the pixel size; alpha 0 = opaque. */
  readonly masks: readonly [number, number, number, number];
  /** Palette as r, g, b triples with 2^bpp entries (indices past the file's palette are black); null above 8 bpp. */
  readonly palette: Uint8Array | null;
  /** Offset of the pixel data. */
  readonly dataOffset: number;
}

const FILE_HEADER_SIZE = 14;
const WINDOWS_HEADER_SIZES = new Set([40, 52, 56, 108, 124]);
const COMPRESSION_BY_CODE: Record<number, BmpCompression> = { 0: 'rgb', 1: 'rle8', 2: 'rle4', 3: 'bitfields', 6: 'alphabitfields' };
// sharp's default input limit (0x3FFF × 0x3FFF): the ceiling when the caller sets none.
const DEFAULT_MAX_PIXELS = 0x3fff * 0x3fff;

/** Parses and validates the file header, info header, bit masks and palette (not the pixels). */
export function parseBmpHeader(bytes: Uint8Array): BmpHeader {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('parseBmpHeader expects a Uint8Array');
  if (bytes.length < 2 || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw new InvalidImageError('Not a BMP file: missing "BM" signature');
  if (bytes.length < FILE_HEADER_SIZE + 4) throw new InvalidImageError('BMP header is truncated');

  const declaredOffset = u32le(bytes, 10);
  const infoHeaderSize = u32le(bytes, 14);
  const os21x = infoHeaderSize === 12;
  const os22x = !os21x && !WINDOWS_HEADER_SIZES.has(infoHeaderSize) &&
    infoHeaderSize >= 16 && infoHeaderSize <= 64 && (infoHeaderSize % 4 === 0 || infoHeaderSize === 42 || infoHeaderSize === 46);
  if (!os21x && !os22x && !WINDOWS_HEADER_SIZES.has(infoHeaderSize)) {
    throw new InvalidImageError(`BMP info header size ${infoHeaderSize} is not one we know`);
  }
  const headerEnd = FILE_HEADER_SIZE + infoHeaderSize;
  if (bytes.length < headerEnd) throw new InvalidImageError('BMP info header is truncated');
  if (declaredOffset !== 0 && declaredOffset < headerEnd) {
    throw new InvalidImageError(`BMP pixel data offset ${declaredOffset} points inside the headers`);
  }

  const h = FILE_HEADER_SIZE;
  let width: number;
  let height: number;
  let bitsPerPixel: number;
  let compressionCode = 0;
  let colorsUsed = 0;
  let topDown = false;
  let isOs2 = os21x || os22x;
  if (os21x) {
    width = u16le(bytes, h + 4);
    height = u16le(bytes, h + 6);
    bitsPerPixel = u16le(bytes, h + 10);
  } else {
    width = i32le(bytes, h + 4);
    height = i32le(bytes, h + 8);
    bitsPerPixel = u16le(bytes, h + 14);
    if (infoHeaderSize >= 20) compressionCode = u32le(bytes, h + 16);
    if (infoHeaderSize >= 36) colorsUsed = u32le(bytes, h + 32);
    if (height < 0) {
      if (height === -0x80000000) throw new InvalidImageError('BMP height is out of range');
      topDown = true;
      height = -height;
    }
  }
  if (width <= 0 || height <= 0) throw new InvalidImageError(`BMP declares a nonsensical size of ${width}×${height}`);

  // OS/2 2.x reuses codes 3 and 4 for its own Huffman and RLE24 schemes.
  let compression: BmpCompression;
  if (compressionCode === 3 && bitsPerPixel === 1) {
    throw new InvalidImageError('BMP with OS/2 Huffman 1D compression is not supported');
  } else if (compressionCode === 4 && bitsPerPixel === 24) {
    compression = 'rle24';
    isOs2 = true;
  } else if (compressionCode === 4 || compressionCode === 5) {
    throw new InvalidImageError('BMP with an embedded JPEG or PNG is not supported');
  } else if (COMPRESSION_BY_CODE[compressionCode]) {
    compression = COMPRESSION_BY_CODE[compressionCode];
  } else {
    throw new InvalidImageError(`BMP compression type ${compressionCode} is not one we know`);
  }

  if (topDown && isOs2) throw new InvalidImageError('OS/2 BMPs cannot be stored top-down');
  const depths = isOs2 ? [1, 4, 8, 24] : [1, 2, 4, 8, 16, 24, 32];
  if (!depths.includes(bitsPerPixel)) throw new InvalidImageError(`BMP bit depth ${bitsPerPixel} is not supported`);
  if (compression === 'rle8') {
    if (bitsPerPixel > 8) throw new InvalidImageError(`BMP RLE8 compression needs 8 bits per pixel, not ${bitsPerPixel}`);
    bitsPerPixel = 8;
  } else if (compression === 'rle4') {
    if (bitsPerPixel > 4) throw new InvalidImageError(`BMP RLE4 compression needs 4 bits per pixel, not ${bitsPerPixel}`);
    bitsPerPixel = 4;
  } else if ((compression === 'bitfields' || compression === 'alphabitfields') && (isOs2 || (bitsPerPixel !== 16 && bitsPerPixel !== 32))) {
    throw new InvalidImageError(`BMP bit-field compression needs 16 or 32 bits per pixel, not ${bitsPerPixel}`);
  }

  let tablesEnd = headerEnd;
  let masks: [number, number, number, number] = [0, 0, 0, 0];
  let palette: Uint8Array | null = null;
  if (bitsPerPixel >= 16) {
    const masksInHeader = infoHeaderSize === 52 || infoHeaderSize === 56 || infoHeaderSize === 108 || infoHeaderSize === 124;
    const alphaInHeader = masksInHeader && infoHeaderSize !== 52;
    if (compression === 'bitfields' || compression === 'alphabitfields') {
      if (masksInHeader) {
        masks = [u32le(bytes, h + 40), u32le(bytes, h + 44), u32le(bytes, h + 48), 0];
      } else {
        const count = compression === 'alphabitfields' ? 4 : 3;
        tablesEnd = headerEnd + 4 * count;
        if (declaredOffset !== 0 && declaredOffset < tablesEnd) throw new InvalidImageError('BMP bit masks overlap the pixel data');
        if (bytes.length < tablesEnd) throw new InvalidImageError('BMP bit masks are truncated');
        masks = [u32le(bytes, headerEnd), u32le(bytes, headerEnd + 4), u32le(bytes, headerEnd + 8), count === 4 ? u32le(bytes, headerEnd + 12) : 0];
      }
    } else if (bitsPerPixel === 16) {
      masks = [0x7c00, 0x03e0, 0x001f, 0]; // x1R5G5B5, the BI_RGB default
    } else {
      masks = [0xff0000, 0x00ff00, 0x0000ff, 0];
    }
    // Windows V3 (40-byte) files often carry garbage in the fourth byte, so like browsers we only
    // trust an alpha mask that the header states explicitly (V3-56, V4, V5) or ALPHABITFIELDS gives.
    if (alphaInHeader) masks[3] = u32le(bytes, h + 52);
    if (bitsPerPixel < 32) masks = masks.map((m) => (m & ((1 << bitsPerPixel) - 1)) >>> 0) as typeof masks;
    for (let i = 0; i < 4; i++) {
      const m = masks[i];
      if (m === 0) continue;
      for (let j = 0; j < i; j++) if ((m & masks[j]) !== 0) throw new InvalidImageError('BMP bit masks overlap');
      const shifted = m >>> countTrailingZeros(m);
      if ((shifted & (shifted + 1)) !== 0) throw new InvalidImageError('BMP bit mask is not contiguous');
    }
  } else if (compression !== 'rle24') {
    const maxColors = 1 << bitsPerPixel;
    const declaredColors = colorsUsed === 0 || colorsUsed > maxColors ? maxColors : colorsUsed;
    const entrySize = os21x ? 3 : 4;
    let colors = declaredColors;
    // Some files carry a short palette; colours past its end read as black.
    if (declaredOffset !== 0 && declaredOffset < headerEnd + colors * entrySize) {
      colors = Math.floor((declaredOffset - headerEnd) / entrySize);
    }
    tablesEnd = headerEnd + colors * entrySize;
    if (bytes.length < tablesEnd) throw new InvalidImageError('BMP palette is truncated');
    palette = new Uint8Array(maxColors * 3); // black for every index past the palette
    for (let i = 0; i < colors; i++) {
      const p = headerEnd + i * entrySize;
      palette[i * 3] = bytes[p + 2];
      palette[i * 3 + 1] = bytes[p + 1];
      palette[i * 3 + 2] = bytes[p];
    }
  }

  const dataOffset = declaredOffset !== 0 ? declaredOffset : tablesEnd;
  if (dataOffset > bytes.length) throw new InvalidImageError('BMP pixel data is missing: the file is truncated');
  return { width, height, topDown, bitsPerPixel, compression, infoHeaderSize, masks, palette, dataOffset };
}

/** Decodes a BMP file to straight (unpremultiplied) RGBA. */
export function decodeBmp(bytes: Uint8Array, limits: { readonly maxPixels?: number } = {}): RgbaImage {
  const header = parseBmpHeader(bytes);
  assertPixelLimit(header, limits.maxPixels === undefined ? DEFAULT_MAX_PIXELS : checkMaxPixels(limits.maxPixels));
  return header.compression === 'rle4' || header.compression === 'rle8' || header.compression === 'rle24'
    ? decodeRle(bytes, header)
    : decodeUncompressed(bytes, header);
}

function decodeUncompressed(bytes: Uint8Array, header: BmpHeader): RgbaImage {
  const { width, height, bitsPerPixel: bpp, topDown, dataOffset } = header;
  const stride = Math.floor((bpp * width + 31) / 32) * 4;
  const rowBytes = Math.ceil((bpp * width) / 8);
  // The last row's padding is often left off; everything else must be present.
  const needed = stride * (height - 1) + rowBytes;
  if (bytes.length - dataOffset < needed) {
    throw new InvalidImageError(`BMP pixel data is truncated: ${bytes.length - dataOffset} of ${needed} bytes present`);
  }
  const image = createRgbaImage(width, height);
  const out = image.data;

  if (bpp <= 8) {
    const palette = header.palette as Uint8Array;
    const mask = (1 << bpp) - 1;
    for (let row = 0; row < height; row++) {
      const src = dataOffset + row * stride;
      let o = (topDown ? row : height - 1 - row) * width * 4;
      for (let x = 0; x < width; x++, o += 4) {
        const bit = x * bpp;
        const index = (bytes[src + (bit >> 3)] >> (8 - bpp - (bit & 7))) & mask;
        out[o] = palette[index * 3];
        out[o + 1] = palette[index * 3 + 1];
        out[o + 2] = palette[index * 3 + 2];
        out[o + 3] = 255;
      }
    }
    return image;
  }

  const [rMask, gMask, bMask, aMask] = header.masks;
  if (bpp === 24 && rMask === 0xff0000 && gMask === 0xff00 && bMask === 0xff && aMask === 0) {
    // The common case, without the per-channel mask arithmetic.
    for (let row = 0; row < height; row++) {
      let s = dataOffset + row * stride;
      let o = (topDown ? row : height - 1 - row) * width * 4;
      for (let x = 0; x < width; x++, s += 3, o += 4) {
        out[o] = bytes[s + 2];
        out[o + 1] = bytes[s + 1];
        out[o + 2] = bytes[s];
        out[o + 3] = 255;
      }
    }
    return image;
  }

  const channels = header.masks.map(channelReader);
  const bytesPerPixel = bpp / 8;
  let sawNonZeroAlpha = false;
  for (let row = 0; row < height; row++) {
    let s = dataOffset + row * stride;
    let o = (topDown ? row : height - 1 - row) * width * 4;
    for (let x = 0; x < width; x++, s += bytesPerPixel, o += 4) {
      const pixel = bpp === 16 ? u16le(bytes, s) : bpp === 24 ? bytes[s] | (bytes[s + 1] << 8) | (bytes[s + 2] << 16) : u32le(bytes, s);
      out[o] = channels[0](pixel);
      out[o + 1] = channels[1](pixel);
      out[o + 2] = channels[2](pixel);
      const alpha = aMask === 0 ? 255 : channels[3](pixel);
      if (alpha !== 0) sawNonZeroAlpha = true;
      out[o + 3] = alpha;
    }
  }
  // Files with an alpha mask but an all-zero alpha channel mean "opaque", not "invisible".
  if (aMask !== 0 && !sawNonZeroAlpha) {
    for (let i = 3; i < out.length; i += 4) out[i] = 255;
  }
  return image;
}

function decodeRle(bytes: Uint8Array, header: BmpHeader): RgbaImage {
  const { width, height, topDown, compression } = header;
  const palette = header.palette;
  const image = createRgbaImage(width, height); // pixels the stream skips stay transparent
  const out = image.data;
  const step = topDown ? 1 : -1;
  let x = 0;
  let y = topDown ? 0 : height - 1;
  let pos = header.dataOffset;
  const pastEnd = (rows: number): boolean => (topDown ? y + rows >= height : y - rows < 0);
  const setIndex = (index: number): void => {
    const o = (y * width + x++) * 4;
    const p = palette as Uint8Array;
    out[o] = p[index * 3];
    out[o + 1] = p[index * 3 + 1];
    out[o + 2] = p[index * 3 + 2];
    out[o + 3] = 255;
  };
  const setRgb = (r: number, g: number, b: number): void => {
    const o = (y * width + x++) * 4;
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = 255;
  };

  for (;;) {
    if (bytes.length - pos < 2) {
      // A stream that stops right after its last row has lost only its end marker.
      if (pastEnd(0)) return image;
      throw new InvalidImageError('BMP RLE data is truncated');
    }
    const count = bytes[pos];
    const code = bytes[pos + 1];
    if ((count !== 0 || code !== 1) && pastEnd(0)) {
      throw new InvalidImageError('BMP RLE data runs past the end of the image');
    }
    if (count === 0) {
      if (code === 0) { // end of line
        x = 0;
        y += step;
        pos += 2;
      } else if (code === 1) { // end of bitmap
        return image;
      } else if (code === 2) { // delta: skip right and down
        if (bytes.length - pos < 4) throw new InvalidImageError('BMP RLE data is truncated');
        const dx = bytes[pos + 2];
        const dy = bytes[pos + 3];
        if (x + dx > width || pastEnd(dy)) throw new InvalidImageError('BMP RLE delta moves outside the image');
        x += dx;
        y += step * dy;
        pos += 4;
      } else { // absolute run of `code` literal pixels, padded to 16 bits
        const n = code;
        const size = compression === 'rle4' ? Math.ceil(n / 2) : compression === 'rle8' ? n : n * 3;
        if (x + n > width) throw new InvalidImageError('BMP RLE literal run overflows its row');
        if (bytes.length - pos - 2 < size) throw new InvalidImageError('BMP RLE data is truncated');
        const start = pos + 2;
        for (let i = 0; i < n; i++) {
          if (compression === 'rle4') setIndex((bytes[start + (i >> 1)] >> (i & 1 ? 0 : 4)) & 0x0f);
          else if (compression === 'rle8') setIndex(bytes[start + i]);
          else setRgb(bytes[start + i * 3 + 2], bytes[start + i * 3 + 1], bytes[start + i * 3]);
        }
        pos = start + size + (size & 1);
      }
    } else {
      // An encoded run; runs longer than the row are clipped, as browsers do.
      const end = Math.min(x + count, width);
      if (compression === 'rle24') {
        if (bytes.length - pos < 4) throw new InvalidImageError('BMP RLE data is truncated');
        const [b, g, r] = [code, bytes[pos + 2], bytes[pos + 3]];
        while (x < end) setRgb(r, g, b);
        pos += 4;
      } else {
        const pair = compression === 'rle4' ? [code >> 4, code & 0x0f] : [code, code];
        for (let i = 0; x < end; i++) setIndex(pair[i & 1]);
        pos += 2;
      }
    }
  }
}

// Maps a channel mask to a function returning the channel as 8 bits: wider channels keep their
// top 8 bits, narrower ones are scaled to 0..255 with rounding (Chromium's lookup tables).
function channelReader(mask: number): (pixel: number) => number {
  if (mask === 0) return () => 0;
  const shift = countTrailingZeros(mask);
  const bits = 32 - Math.clz32(mask >>> shift);
  if (bits >= 8) {
    const top = shift + bits - 8;
    return (pixel) => (pixel >>> top) & 0xff;
  }
  const max = (1 << bits) - 1;
  const table = new Uint8Array(max + 1);
  for (let v = 0; v <= max; v++) table[v] = Math.round((v * 255) / max);
  return (pixel) => table[(pixel >>> shift) & max];
}

function countTrailingZeros(value: number): number {
  return 31 - Math.clz32(value & -value);
}
