import { ascii, u32be, u32le } from './bytes.js';

/**
 * Content sniffing by magic bytes. File names and Content-Type headers lie; the first bytes
 * rarely do, and they decide which header parser and decoder get to see the rest.
 */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp' | 'gif' | 'tiff' | 'heic' | 'avif';

export const IMAGE_FORMATS: readonly ImageFormat[] = Object.freeze([
  'jpeg',
  'png',
  'webp',
  'bmp',
  'gif',
  'tiff',
  'heic',
  'avif',
]);

export const IMAGE_MIME_TYPES: Readonly<Record<ImageFormat, string>> = Object.freeze({
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  bmp: 'image/bmp',
  gif: 'image/gif',
  tiff: 'image/tiff',
  heic: 'image/heic',
  avif: 'image/avif',
});

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// BMP info-header sizes that some decoder accepts (Windows 12/40/52/56/108/124, OS/2 2.x 16..64).
function isPlausibleBmpHeaderSize(size: number): boolean {
  return size === 12 || size === 40 || size === 52 || size === 56 || size === 108 || size === 124 ||
    (size >= 16 && size <= 64 && (size % 4 === 0 || size === 42 || size === 46));
}

const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
// Generic HEIF brands: the codec is only known from the compatible brands.
const HEIF_GENERIC_BRANDS = new Set(['mif1', 'msf1', 'mif2', 'miaf']);

export function sniffImageFormat(bytes: Uint8Array): ImageFormat | null {
  if (!(bytes instanceof Uint8Array)) {
    throw new TypeError('sniffImageFormat expects a Uint8Array');
  }
  const n = bytes.length;
  if (n >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (n >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b)) return 'png';
  if (n >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (n >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'gif';
  if (n >= 4 && ((bytes[0] === 0x49 && bytes[1] === 0x49 && (bytes[2] === 42 || bytes[2] === 43) && bytes[3] === 0) ||
      (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && (bytes[3] === 42 || bytes[3] === 43)))) {
    return 'tiff';
  }
  // "BM" alone is two printable letters; demand a known info-header size when it is there to read.
  if (n >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d) {
    if (n < 18 || isPlausibleBmpHeaderSize(u32le(bytes, 14))) return 'bmp';
  }
  if (n >= 12 && ascii(bytes, 4, 4) === 'ftyp') return sniffFtyp(bytes);
  return null;
}

function sniffFtyp(bytes: Uint8Array): ImageFormat | null {
  const boxSize = u32be(bytes, 0);
  // Size 0 means "to the end of the data"; 1 (a 64-bit size) never happens for ftyp in practice.
  if (boxSize !== 0 && boxSize < 12) return null;
  const end = Math.min(bytes.length, boxSize === 0 ? bytes.length : boxSize);
  const brands = [ascii(bytes, 8, 4)];
  for (let offset = 16; offset + 4 <= end; offset += 4) brands.push(ascii(bytes, offset, 4));
  // The major brand wins when it names a codec; otherwise look through the compatible brands.
  if (AVIF_BRANDS.has(brands[0])) return 'avif';
  if (HEIC_BRANDS.has(brands[0])) return 'heic';
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'avif';
  if (brands.some((b) => HEIC_BRANDS.has(b))) return 'heic';
  if (HEIF_GENERIC_BRANDS.has(brands[0])) return 'heic';
  return null;
}
