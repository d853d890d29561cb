import { InvalidImageError } from '../errors.js';
import { ascii, u16be, u16le, u32be, u32le, u64be } from './bytes.js';
import { parseBmpHeader } from './decode-bmp.js';
import { readExifOrientation } from './exif-orientation.js';
import { orientedSize, type ExifOrientation } from './orientation.js';
import { sniffImageFormat, type ImageFormat } from './sniff-format.js';
import { readTiffIfd0, TIFF_TAG_IMAGE_LENGTH, TIFF_TAG_IMAGE_WIDTH, TIFF_TAG_ORIENTATION } from './tiff-ifd.js';

export { assertPixelLimit } from './pixel-limit.js';

/**
 * Size and orientation from the header alone, without decoding a pixel: cheap enough to run on
 * every upload before any decoder (and its allocations) sees the bytes.
 */
export interface ImageHeader {
  readonly format: ImageFormat;
  /** Width of the pixels as stored, before the orientation is applied. */
  readonly width: number;
  /** Height of the pixels as stored, before the orientation is applied. */
  readonly height: number;
  /** EXIF orientation (for HEIC/AVIF the equivalent of its irot/imir boxes); 1 when absent. */
  readonly orientation: ExifOrientation;
  /** The size once shown upright: width and height swapped for orientations 5–8. */
  readonly displaySize: { readonly width: number; readonly height: number };
}

/**
 * Throws InvalidImageError for an unknown format or a truncated or nonsensical header. `known`:
 * the format when the caller sniffed it already (it is not sniffed again).
 */
export function readImageHeader(bytes: Uint8Array, known?: ImageFormat): ImageHeader {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('readImageHeader expects a Uint8Array');
  if (bytes.length === 0) throw new InvalidImageError('The image is empty (0 bytes)');
  const format = known ?? sniffImageFormat(bytes);
  if (format === null) {
    throw new InvalidImageError('Unrecognised image format: the data does not start like a JPEG, PNG, WebP, GIF, BMP, TIFF, HEIC or AVIF file', {
      length: bytes.length,
    });
  }
  const parsed = PARSERS[format](bytes);
  const { width, height } = parsed;
  if (!(Number.isSafeInteger(width) && width > 0 && Number.isSafeInteger(height) && height > 0)) {
    throw new InvalidImageError(`The ${format.toUpperCase()} header declares a nonsensical size of ${width}×${height}`, { format, width, height });
  }
  const orientation = parsed.orientation ?? readExifOrientation(bytes, format);
  return { format, width, height, orientation, displaySize: orientedSize(width, height, orientation) };
}

interface ParsedSize {
  width: number;
  height: number;
  /** Set by parsers that know the orientation themselves; otherwise it comes from EXIF. */
  orientation?: ExifOrientation;
}

const PARSERS: Record<ImageFormat, (bytes: Uint8Array) => ParsedSize> = {
  jpeg: readJpegSize,
  png: readPngSize,
  webp: readWebpSize,
  gif: readGifSize,
  bmp: (bytes) => {
    const { width, height } = parseBmpHeader(bytes);
    return { width, height, orientation: 1 };
  },
  tiff: readTiffSize,
  heic: (bytes) => readHeifSize(bytes, 'HEIC'),
  avif: (bytes) => readHeifSize(bytes, 'AVIF'),
};

function fail(message: string, details?: Record<string, unknown>): never {
  throw new InvalidImageError(message, details);
}

// ---------------------------------------------------------------------------------------- JPEG

/** SOF0..SOF15 less DHT (C4), JPG (C8) and DAC (CC), which share the range but are not frames. */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpegSize(bytes: Uint8Array): ParsedSize {
  let pos = 2;
  let frame: { width: number; height: number } | null = null;
  for (;;) {
    // Like libjpeg, tolerate junk between segments: find the next 0xFF that starts a marker.
    while (pos < bytes.length && bytes[pos] !== 0xff) pos++;
    while (pos < bytes.length && bytes[pos] === 0xff) pos++; // fill bytes
    if (pos >= bytes.length) {
      fail(frame ? 'JPEG is truncated: the data ends before the image data starts' : 'JPEG is truncated: the data ends before the frame header');
    }
    const marker = bytes[pos++];
    if (marker === 0x00) continue; // a stuffed 0xFF00 inside junk, not a marker
    if (marker === 0xd9) fail('JPEG ends (EOI) before any image data');
    if (marker === 0xd8) fail('JPEG has a second start-of-image marker before its image data');
    if (marker === 0xda) {
      if (!frame) fail('JPEG scan data starts before the frame header');
      return frame;
    }
    if ((marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) continue; // RSTn and TEM carry no length
    if (pos + 2 > bytes.length) fail('JPEG is truncated inside a marker segment');
    const length = u16be(bytes, pos);
    if (length < 2) fail(`JPEG marker 0xFF${hex(marker)} has an invalid segment length of ${length}`);
    if (isStartOfFrame(marker)) {
      if (frame) fail('JPEG has more than one frame header');
      if (length < 8 || pos + length > bytes.length) fail('JPEG frame header is truncated');
      const precision = bytes[pos + 2];
      const height = u16be(bytes, pos + 3);
      const width = u16be(bytes, pos + 5);
      const components = bytes[pos + 7];
      if (precision === 0 || components === 0 || length < 8 + 3 * components) fail('JPEG frame header is malformed');
      // Height 0 defers it to a DNL marker, which neither libjpeg nor browsers support.
      if (width === 0 || height === 0) fail(`JPEG frame header declares a nonsensical size of ${width}×${height}`, { width, height });
      frame = { width, height };
    }
    pos += length;
  }
}

// ----------------------------------------------------------------------------------------- PNG

const PNG_VALID_DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

function readPngSize(bytes: Uint8Array): ParsedSize {
  if (bytes.length < 33) fail('PNG is truncated inside its IHDR chunk');
  if (u32be(bytes, 8) !== 13 || ascii(bytes, 12, 4) !== 'IHDR') fail('PNG does not start with a valid IHDR chunk');
  if (crc32(bytes, 12, 29) !== u32be(bytes, 29)) fail('PNG IHDR chunk fails its CRC check');
  const width = u32be(bytes, 16);
  const height = u32be(bytes, 20);
  const depth = bytes[24];
  const colorType = bytes[25];
  if (width === 0 || height === 0 || width > 0x7fffffff || height > 0x7fffffff) {
    fail(`PNG IHDR declares a nonsensical size of ${width}×${height}`, { width, height });
  }
  if (!PNG_VALID_DEPTHS[colorType]?.includes(depth)) fail(`PNG IHDR has an invalid colour type ${colorType} / bit depth ${depth}`);
  if (bytes[26] !== 0 || bytes[27] !== 0 || bytes[28] > 1) fail('PNG IHDR has an unknown compression, filter or interlace method');
  // Walk the chunk headers (not their data) to make sure image data follows at all.
  let pos = 33;
  while (pos + 8 <= bytes.length) {
    const length = u32be(bytes, pos);
    if (length > 0x7fffffff) fail('PNG has a chunk with an invalid length');
    const type = ascii(bytes, pos + 4, 4);
    if (type === 'IDAT') return { width, height };
    if (type === 'IEND') break;
    pos += 12 + length;
  }
  fail('PNG is truncated: the data ends before the image data (IDAT)');
}

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

// ---------------------------------------------------------------------------------------- WebP

function readWebpSize(bytes: Uint8Array): ParsedSize {
  if (bytes.length < 20) fail('WebP is truncated inside its header');
  const riffSize = u32le(bytes, 4);
  if (riffSize < 12) fail(`WebP RIFF size ${riffSize} is too small`);
  if (riffSize + 8 > bytes.length) fail(`WebP is truncated: the RIFF header declares ${riffSize + 8} bytes but there are ${bytes.length}`);
  const chunk = ascii(bytes, 12, 4);
  const chunkSize = u32le(bytes, 16);
  const d = 20;
  if (chunk === 'VP8 ') {
    if (chunkSize < 10 || bytes.length < d + 10) fail('WebP VP8 frame header is truncated');
    if ((bytes[d] & 1) !== 0) fail('WebP VP8 data does not start with a key frame');
    if (bytes[d + 3] !== 0x9d || bytes[d + 4] !== 0x01 || bytes[d + 5] !== 0x2a) fail('WebP VP8 frame has no start code');
    return { width: u16le(bytes, d + 6) & 0x3fff, height: u16le(bytes, d + 8) & 0x3fff };
  }
  if (chunk === 'VP8L') {
    if (chunkSize < 5 || bytes.length < d + 5) fail('WebP VP8L header is truncated');
    if (bytes[d] !== 0x2f) fail('WebP VP8L data has no signature byte');
    const bits = u32le(bytes, d + 1);
    if (bits >>> 29 !== 0) fail('WebP VP8L data has an unknown version');
    return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8X') {
    if (chunkSize < 10 || bytes.length < d + 10) fail('WebP VP8X header is truncated');
    const width = (bytes[d + 4] | (bytes[d + 5] << 8) | (bytes[d + 6] << 16)) + 1;
    const height = (bytes[d + 7] | (bytes[d + 8] << 8) | (bytes[d + 9] << 16)) + 1;
    if (width * height > 0xffffffff) fail(`WebP canvas ${width}×${height} is larger than the format allows`);
    return { width, height };
  }
  fail(`WebP starts with an unknown chunk "${chunk}"`);
}

// ----------------------------------------------------------------------------------------- GIF

function readGifSize(bytes: Uint8Array): ParsedSize {
  if (bytes.length < 13) fail('GIF is truncated inside its logical screen descriptor');
  return { width: u16le(bytes, 6), height: u16le(bytes, 8), orientation: 1 };
}

// ---------------------------------------------------------------------------------------- TIFF

function readTiffSize(bytes: Uint8Array): ParsedSize {
  const tags = readTiffIfd0(bytes, [TIFF_TAG_IMAGE_WIDTH, TIFF_TAG_IMAGE_LENGTH, TIFF_TAG_ORIENTATION]);
  const width = tags.get(TIFF_TAG_IMAGE_WIDTH);
  const height = tags.get(TIFF_TAG_IMAGE_LENGTH);
  if (width === undefined || height === undefined) fail('TIFF IFD0 has no ImageWidth/ImageLength');
  return { width, height };
}

// ----------------------------------------------------------------------------------- HEIC/AVIF

interface Box {
  readonly type: string;
  /** Offset of the payload (after the size/type header). */
  readonly start: number;
  readonly end: number;
}

function* boxes(bytes: Uint8Array, start: number, end: number, label: string): Generator<Box> {
  let pos = start;
  while (pos + 8 <= end) {
    let size = u32be(bytes, pos);
    const type = ascii(bytes, pos + 4, 4);
    let header = 8;
    if (size === 1) {
      if (pos + 16 > end) fail(`${label} box "${type}" is truncated`);
      size = u64be(bytes, pos + 8);
      header = 16;
    } else if (size === 0) {
      size = end - pos;
    }
    if (size < header) fail(`${label} box "${type}" has an invalid size`);
    if (pos + size > end) fail(`${label} is truncated inside its "${type}" box`);
    yield { type, start: pos + header, end: pos + size };
    pos += size;
  }
}

function readHeifSize(bytes: Uint8Array, label: string): ParsedSize {
  let meta: Box | undefined;
  for (const box of boxes(bytes, 0, bytes.length, label)) {
    if (box.type === 'meta') {
      meta = box;
      break;
    }
  }
  if (!meta) fail(`${label} has no "meta" box`);

  let primary: number | undefined;
  let ipco: Box | undefined;
  let ipma: Box | undefined;
  for (const box of boxes(bytes, meta.start + 4, meta.end, label)) { // meta is a full box
    if (box.type === 'pitm') primary = bytes[box.start] === 0 ? u16be(bytes, box.start + 4) : u32be(bytes, box.start + 4);
    if (box.type === 'iprp') {
      for (const child of boxes(bytes, box.start, box.end, label)) {
        if (child.type === 'ipco') ipco = child;
        if (child.type === 'ipma') ipma = child;
      }
    }
  }
  if (primary === undefined || !ipco || !ipma) fail(`${label} has no primary item with properties`);

  const properties = [...boxes(bytes, ipco.start, ipco.end, label)];
  const version = bytes[ipma.start];
  const wideIndex = (bytes[ipma.start + 3] & 1) === 1;
  let pos = ipma.start + 4;
  const entries = u32be(bytes, pos);
  pos += 4;
  let associated: number[] | undefined;
  for (let e = 0; e < entries && pos < ipma.end; e++) {
    const item = version < 1 ? u16be(bytes, pos) : u32be(bytes, pos);
    pos += version < 1 ? 2 : 4;
    const count = bytes[pos++];
    const indices: number[] = [];
    for (let a = 0; a < count; a++) {
      indices.push(wideIndex ? u16be(bytes, pos) & 0x7fff : bytes[pos] & 0x7f);
      pos += wideIndex ? 2 : 1;
    }
    if (item === primary) {
      associated = indices;
      break;
    }
  }
  if (pos > ipma.end) fail(`${label} item property associations are truncated`);
  if (!associated) fail(`${label} primary item has no properties`);

  let size: { width: number; height: number } | undefined;
  // Transformations apply in association order; track them as "mirror first, then k quarter
  // turns clockwise" and name the result by the EXIF orientation that does the same.
  let turns = 0;
  let mirrored = false;
  for (const index of associated) {
    const property = properties[index - 1]; // 1-based; 0 means "none"
    if (!property) continue;
    if (property.type === 'ispe' && property.end - property.start >= 12) {
      size = { width: u32be(bytes, property.start + 4), height: u32be(bytes, property.start + 8) };
    } else if (property.type === 'irot' && property.end > property.start) {
      turns = (turns - (bytes[property.start] & 3) + 4) % 4; // irot turns anticlockwise
    } else if (property.type === 'imir' && property.end > property.start) {
      // axis 0 mirrors about the vertical axis (left-right), axis 1 about the horizontal one.
      turns = (bytes[property.start] & 1) === 0 ? (4 - turns) % 4 : (6 - turns) % 4;
      mirrored = !mirrored;
    }
  }
  if (!size) fail(`${label} primary item has no image size ("ispe") property`);
  const orientation = ((mirrored ? [2, 7, 4, 5] : [1, 6, 3, 8]) as ExifOrientation[])[turns];
  return { ...size, orientation };
}

function hex(value: number): string {
  return value.toString(16).toUpperCase().padStart(2, '0');
}
