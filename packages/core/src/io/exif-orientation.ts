import { ascii, u16be, u32be, u32le } from './bytes.js';
import { isExifOrientation, type ExifOrientation } from './orientation.js';
import { sniffImageFormat, type ImageFormat } from './sniff-format.js';
import { readTiffIfd0, TIFF_TAG_ORIENTATION } from './tiff-ifd.js';

/**
 * The EXIF Orientation tag, wherever the container keeps it. Metadata is advisory: a broken
 * EXIF block must never cost the user their image, so everything here returns 1 instead of
 * throwing when the block is missing, truncated or nonsensical.
 */

/**
 * Orientation from an EXIF payload: a TIFF structure, optionally preceded by the "Exif\0\0"
 * identifier that JPEG APP1 segments carry (some writers put it into PNG/WebP chunks too).
 */
export function orientationFromExif(exif: Uint8Array): ExifOrientation {
  if (!(exif instanceof Uint8Array)) throw new TypeError('orientationFromExif expects a Uint8Array');
  const tiff = ascii(exif, 0, 5) === 'Exif\0' ? exif.subarray(6) : exif;
  try {
    const value = readTiffIfd0(tiff, [TIFF_TAG_ORIENTATION], { lenient: true }).get(TIFF_TAG_ORIENTATION);
    return isExifOrientation(value) ? value : 1;
  } catch {
    return 1;
  }
}

/**
 * EXIF orientation of a whole file: JPEG (APP1 "Exif"), PNG (eXIf before IDAT), WebP (EXIF chunk)
 * and TIFF (IFD0). Other formats, and HEIC/AVIF (whose irot/imir boxes override EXIF), give 1.
 */
export function readExifOrientation(bytes: Uint8Array, known?: ImageFormat | null): ExifOrientation {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('readExifOrientation expects a Uint8Array');
  // The header reader passes the format it sniffed: one sniff per file.
  const format = known === undefined ? sniffImageFormat(bytes) : known;
  if (format === 'tiff') return orientationFromExif(bytes);
  const block = format === 'jpeg' ? findJpegExif(bytes) : format === 'png' ? findPngExif(bytes) : format === 'webp' ? findWebpExif(bytes) : null;
  return block ? orientationFromExif(block) : 1;
}

/** The payload of the first APP1 "Exif" segment before the scan data, or null. */
export function findJpegExif(bytes: Uint8Array): Uint8Array | null {
  let pos = 2;
  while (pos < bytes.length) {
    // Like libjpeg (and readImageHeader), skip junk between segments and 0xFF fill bytes.
    while (pos < bytes.length && bytes[pos] !== 0xff) pos++;
    while (pos < bytes.length && bytes[pos] === 0xff) pos++;
    if (pos >= bytes.length) return null;
    const marker = bytes[pos++];
    if (marker === 0xda || marker === 0xd9) return null; // SOS / EOI: no more metadata segments
    if ((marker >= 0xd0 && marker <= 0xd8) || marker === 0x01 || marker === 0x00) continue; // no length
    if (pos + 2 > bytes.length) return null;
    const length = u16be(bytes, pos);
    if (length < 2) return null;
    const end = pos + length;
    if (marker === 0xe1 && ascii(bytes, pos + 2, 5) === 'Exif\0') {
      return bytes.subarray(pos + 2, Math.min(end, bytes.length));
    }
    pos = end;
  }
  return null;
}

/** The data of the eXIf chunk if it precedes the image data, or null. */
export function findPngExif(bytes: Uint8Array): Uint8Array | null {
  let pos = 8;
  while (pos + 8 <= bytes.length) {
    const length = u32be(bytes, pos);
    const type = ascii(bytes, pos + 4, 4);
    if (type === 'IDAT' || type === 'IEND') return null;
    if (type === 'eXIf') return bytes.subarray(pos + 8, Math.min(pos + 8 + length, bytes.length));
    pos += 12 + length;
  }
  return null;
}

/** The data of the EXIF chunk of an extended (VP8X) WebP, or null. */
export function findWebpExif(bytes: Uint8Array): Uint8Array | null {
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const type = ascii(bytes, pos, 4);
    const length = u32le(bytes, pos + 4);
    if (type === 'EXIF') return bytes.subarray(pos + 8, Math.min(pos + 8 + length, bytes.length));
    pos += 8 + length + (length & 1); // chunks are padded to an even size
  }
  return null;
}
