import type { Sharp } from 'sharp';
import { ImageTooLargeError } from '../errors.js';
import { createRgbaImage, type RgbaImage } from '../image/rgba-image.js';
import { checkJpegQuality, checkRgbaImage } from './check-encode-args.js';
import type { DecodedImage, DecodeLimits, ImageCodec } from './image-codec.js';
import { encodePngNode } from './node-png.js';
import { beginDecode } from './begin-decode.js';
import type { JpegQuickHint } from './jpeg-under-size.js';
import { loadSharp, type SharpFactory } from './load-sharp.js';

/**
 * The Node codec, on sharp (libvips). Node only: the browser bundle must never import this file.
 *
 * Encoder settings, measured on portrait-1 scaled to 648×648 (sharp 0.35, one libvips thread):
 *  - PNG: not sharp's but node-png.ts, which writes the same scanlines as the browser's writer
 *    in less than half of sharp's time and 2–12 % fewer bytes (it says how).
 *  - JPEG: mozjpeg's quantisation tables and overshoot deringing, baseline (sequential) scans,
 *    neither its trellis quantisation nor its scan search. Trellis was three quarters of the CPU
 *    (q95 on the fixtures' 648² portraits: 35 ms with it, 11 ms without) for 6–7 % fewer bytes
 *    at the same quality; without it the same quality decodes closer to the portrait (PSNR 48.3
 *    against 47.9 dB at q95, 46.2 against 45.7 at q90), i.e. about 0.4 dB less at equal size,
 *    far below what can be seen at these qualities. The scan search doubles the CPU (22–27 ms)
 *    for 1–2 % fewer bytes and the same pixels, so every encode skips it (`quick` changes
 *    nothing here). Progressive scans (mozjpeg's default) cost a third of what is left (q95 on
 *    the five portraits scaled to 648²: 10.7–12.3 ms, 6.5–8.3 without) for 3–4 % fewer bytes
 *    and the same pixels: the files are baseline, and a budget that binds costs two or three
 *    7 ms encodes.
 */
export function createSharpCodec(): ImageCodec & JpegQuickHint {
  return {
    name: 'sharp',
    // encodeJpeg ignores `quick` (see above): encodeJpegUnder need not encode its top quality twice.
    jpegQuickIsFull: true,

    async decode(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
      const { maxPixels, base, bmp } = beginDecode(bytes, limits);
      if (bmp) return bmp;

      const { data, info } = await decodeWithSharp(bytes, maxPixels);
      if (info.channels !== 4) throw new Error(`sharp returned ${info.channels} channels instead of 4`);
      const pixels = new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
      return { image: createRgbaImage(info.width, info.height, pixels), ...base };
    },

    async encodePng(image: RgbaImage): Promise<Uint8Array> {
      checkRgbaImage(image);
      return encodePngNode(image);
    },

    async encodeJpeg(image: RgbaImage, quality: number): Promise<Uint8Array> {
      checkRgbaImage(image);
      checkJpegQuality(quality);
      // Raw input carries no metadata, and sharp writes none unless asked: no EXIF, no ICC.
      const out = await fromRgba(await loadSharp(), image)
        .removeAlpha()
        .jpeg({ quality, chromaSubsampling: '4:2:0', quantisationTable: 3, overshootDeringing: true })
        .toBuffer();
      return asUint8Array(out);
    },
  };
}

/**
 * sharp's own pixel limit also catches what a header understates (a GIF frame larger than its
 * logical screen): that is an image too large, not an undecodable one.
 */
async function decodeWithSharp(bytes: Uint8Array, maxPixels: number) {
  const sharp = await loadSharp();
  try {
    return await sharp(bytes, {
      limitInputPixels: Number.isFinite(maxPixels) ? maxPixels : false,
      failOn: 'error', // truncated and corrupt data fail; harmless warnings do not
      autoOrient: true,
      pages: 1, // animated GIF/WebP: the first frame only
      page: 0,
    })
      .toColourspace('srgb') // CMYK and 16-bit inputs come out as 8-bit sRGB
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    if (error instanceof Error && /exceeds pixel limit/i.test(error.message)) {
      throw new ImageTooLargeError(`The image decodes to more pixels than the limit of ${maxPixels} (its header understates its size)`, { maxPixels });
    }
    throw error;
  }
}

function fromRgba(sharp: SharpFactory, image: RgbaImage): Sharp {
  const { width, height, data } = image;
  return sharp(new Uint8Array(data.buffer, data.byteOffset, data.length), { raw: { width, height, channels: 4 } });
}

// Buffer is a Uint8Array already; hand out a plain view so callers see one type on every platform.
function asUint8Array(buffer: Buffer): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}
