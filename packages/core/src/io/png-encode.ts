import { zlibSync } from 'fflate';
import type { RgbaImage } from '../image/rgba-image.js';
import { PNG_COMPRESSION_LEVEL } from './image-codec.js';
import { paethScanlines, pngFile } from './png-format.js';

/**
 * An exact PNG writer for the browser (8-bit RGBA, Paeth-filtered rows, zlib through fflate).
 * A canvas cannot do this: it keeps pixels premultiplied, so the colour of every translucent
 * pixel (the feathered oval, soft hair edges) comes back rounded — about 35 dB off the server's
 * PNG on RGBA. With this writer the browser's PNG holds what the pipeline made.
 */
export async function encodePngExact(image: RgbaImage): Promise<Uint8Array> {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || data.length !== width * height * 4) {
    throw new TypeError(`Expected an RGBA image of ${width}×${height} pixels (${width * height * 4} bytes) but received ${data.length} bytes`);
  }
  return pngFile(width, height, 6, zlibSync(paethScanlines(data, width, 4, 0, height), { level: PNG_COMPRESSION_LEVEL }));
}
