import { createRgbaImage, type RgbaImage } from '../image/rgba-image.js';
import { checkJpegQuality, checkRgbaImage } from './check-encode-args.js';
import type { DecodedImage, DecodeLimits, ImageCodec } from './image-codec.js';
import { IMAGE_MIME_TYPES } from './sniff-format.js';
import { encodePngExact } from './png-encode.js';
import { beginDecode } from './begin-decode.js';

/**
 * The browser codec, on createImageBitmap and a 2D canvas. Browser only: no Node imports here.
 * The browser's own decoders apply EXIF orientation ('from-image'); BMP goes through our decoder
 * so the playground and the server produce identical pixels for it.
 */
export function createCanvasCodec(): ImageCodec {
  return {
    name: 'canvas',

    async decode(bytes: Uint8Array, limits: DecodeLimits): Promise<DecodedImage> {
      const { header, base, bmp } = beginDecode(bytes, limits);
      if (bmp) return bmp;

      const blob = new Blob([ownBuffer(bytes)], { type: IMAGE_MIME_TYPES[header.format] });
      const bitmap = await createImageBitmap(blob, {
        imageOrientation: 'from-image',
        premultiplyAlpha: 'none',
        // Convert embedded profiles (Display P3 phone photos) to sRGB, as sharp does on the server.
        colorSpaceConversion: 'default',
      });
      try {
        const { width, height } = bitmap;
        const { context } = createSurface(width, height);
        context.drawImage(bitmap, 0, 0);
        return { image: createRgbaImage(width, height, context.getImageData(0, 0, width, height).data), ...base };
      } finally {
        bitmap.close();
      }
    },

    async encodePng(image: RgbaImage): Promise<Uint8Array> {
      checkRgbaImage(image);
      // Not the canvas: it keeps pixels premultiplied and rounds every translucent colour (the
      // oval's feather, hair edges); the exact writer keeps what the pipeline made, as sharp does.
      return encodePngExact(image);
    },

    async encodeJpeg(image: RgbaImage, quality: number): Promise<Uint8Array> {
      checkRgbaImage(image);
      checkJpegQuality(quality);
      // A canvas keeps premultiplied pixels and JPEG export would darken translucent ones:
      // force alpha to 255 so the colour values are encoded as they are.
      const opaque = new Uint8ClampedArray(image.data);
      for (let i = 3; i < opaque.length; i += 4) opaque[i] = 255;
      return encode(image, opaque, 'image/jpeg', quality / 100);
    },
  };
}

interface Surface {
  readonly canvas: OffscreenCanvas | HTMLCanvasElement;
  readonly context: OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;
}

function createSurface(width: number, height: number): Surface {
  if (typeof OffscreenCanvas !== 'undefined') {
    const canvas = new OffscreenCanvas(width, height);
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (context) return { canvas, context };
  }
  if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (context) return { canvas, context };
  }
  throw new Error('No 2D canvas is available: neither OffscreenCanvas nor a DOM document');
}

async function encode(image: RgbaImage, pixels: Uint8ClampedArray<ArrayBuffer>, type: string, quality?: number): Promise<Uint8Array> {
  const { canvas, context } = createSurface(image.width, image.height);
  context.putImageData(new ImageData(pixels, image.width, image.height), 0, 0);
  const blob = await toBlob(canvas, type, quality);
  // Browsers silently fall back to PNG for a type they cannot write.
  if (blob.type !== type) throw new Error(`The browser wrote ${blob.type || 'an unknown type'} instead of ${type}`);
  return new Uint8Array(await blob.arrayBuffer());
}

function toBlob(canvas: OffscreenCanvas | HTMLCanvasElement, type: string, quality?: number): Promise<Blob> {
  if (typeof OffscreenCanvas !== 'undefined' && canvas instanceof OffscreenCanvas) {
    return canvas.convertToBlob(quality === undefined ? { type } : { type, quality });
  }
  return new Promise((resolve, reject) => {
    (canvas as HTMLCanvasElement).toBlob((blob) => (blob ? resolve(blob) : reject(new Error(`The canvas could not be encoded as ${type}`))), type, quality);
  });
}

// Blob wants memory it may keep; a view on a SharedArrayBuffer is copied first.
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : bytes.slice();
}
