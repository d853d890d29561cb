import { InvalidImageError } from '../errors.js';
import { u16be, u16le, u32be, u32le, u64be, u64le } from './bytes.js';

/**
 * Reads selected numeric tags from the first IFD of a TIFF structure: a TIFF file (classic or
 * BigTIFF) or the payload of an EXIF block, which is a TIFF structure too.
 */
export const TIFF_TAG_IMAGE_WIDTH = 256;
export const TIFF_TAG_IMAGE_LENGTH = 257;
export const TIFF_TAG_ORIENTATION = 274;

export interface TiffIfdOptions {
  /**
   * Read whatever entries lie inside the data instead of failing on a directory that runs past
   * the end (EXIF blocks are often cut short by careless writers; the tags before the cut are fine).
   */
  readonly lenient?: boolean;
}

// Byte size of one value of each TIFF field type; types not listed carry nothing we read.
const TYPE_SIZES: Record<number, number> = { 1: 1, 3: 2, 4: 4, 8: 2, 9: 4, 13: 4, 16: 8, 17: 8, 18: 8 };

/**
 * Returns the first value of each of `tags` found in IFD0 (integer types only). Throws
 * InvalidImageError when the structure itself is broken (bad byte order, IFD outside the data).
 */
export function readTiffIfd0(tiff: Uint8Array, tags: readonly number[], options: TiffIfdOptions = {}): Map<number, number> {
  if (tiff.length < 8) throw new InvalidImageError('TIFF header is truncated');
  const order = String.fromCharCode(tiff[0], tiff[1]);
  if (order !== 'II' && order !== 'MM') throw new InvalidImageError('TIFF header has no valid byte-order mark');
  const le = order === 'II';
  const r16 = le ? u16le : u16be;
  const r32 = le ? u32le : u32be;
  const r64 = le ? u64le : u64be;

  const magic = r16(tiff, 2);
  let big: boolean;
  let ifdOffset: number;
  if (magic === 42) {
    big = false;
    ifdOffset = r32(tiff, 4);
  } else if (magic === 43) {
    if (tiff.length < 16) throw new InvalidImageError('BigTIFF header is truncated');
    if (r16(tiff, 4) !== 8 || r16(tiff, 6) !== 0) throw new InvalidImageError('BigTIFF header has an unsupported offset size');
    big = true;
    ifdOffset = r64(tiff, 8);
  } else {
    throw new InvalidImageError(`TIFF header has magic number ${magic}, expected 42 or 43`);
  }

  const countSize = big ? 8 : 2;
  const entrySize = big ? 20 : 12;
  const inlineSize = big ? 8 : 4;
  if (ifdOffset < (big ? 16 : 8) || ifdOffset + countSize > tiff.length) {
    throw new InvalidImageError(`TIFF IFD0 offset ${ifdOffset} lies outside the ${tiff.length}-byte data`);
  }
  const declared = big ? r64(tiff, ifdOffset) : r16(tiff, ifdOffset);
  const fitting = Math.floor((tiff.length - ifdOffset - countSize) / entrySize);
  if (declared > fitting && !options.lenient) {
    throw new InvalidImageError(`TIFF IFD0 declares ${declared} entries but only ${fitting} fit in the data`);
  }

  const wanted = new Set(tags);
  const found = new Map<number, number>();
  const count = Math.min(declared, fitting);
  for (let i = 0; i < count && found.size < wanted.size; i++) {
    const entry = ifdOffset + countSize + i * entrySize;
    const tag = r16(tiff, entry);
    if (!wanted.has(tag) || found.has(tag)) continue;
    const type = r16(tiff, entry + 2);
    const valueCount = big ? r64(tiff, entry + 4) : r32(tiff, entry + 4);
    const size = TYPE_SIZES[type];
    if (size === undefined || valueCount < 1) continue;
    const field = entry + (big ? 12 : 8);
    // Values that fit in the entry are stored there, left-aligned; bigger ones sit at an offset.
    const at = valueCount * size <= inlineSize ? field : big ? r64(tiff, field) : r32(tiff, field);
    if (at + size > tiff.length) continue;
    found.set(tag, readValue(tiff, at, type, le));
  }
  return found;
}

function readValue(bytes: Uint8Array, at: number, type: number, le: boolean): number {
  switch (type) {
    case 1: return bytes[at];
    case 3: return le ? u16le(bytes, at) : u16be(bytes, at);
    case 8: return ((le ? u16le(bytes, at) : u16be(bytes, at)) << 16) >> 16;
    case 9: return (le ? u32le(bytes, at) : u32be(bytes, at)) | 0;
    case 16: case 17: case 18: return le ? u64le(bytes, at) : u64be(bytes, at);
    default: return le ? u32le(bytes, at) : u32be(bytes, at);
  }
}
