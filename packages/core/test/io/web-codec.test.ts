import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSharpCodec } from '../../src/io/node-codec.js';
import { createRgbaImage } from '../../src/image/rgba-image.js';
import { decodeBmp } from '../../src/io/decode-bmp.js';
import { decodeImage } from '../../src/io/image-codec.js';
import { createCanvasCodec } from '../../src/io/web-codec.js';

// Node has no createImageBitmap or canvas: these fakes only check that the codec wires the
// browser APIs together as intended (options, BMP bypass, alpha handling, blob types).
// Real browser decoding is exercised in the playground, not here.

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));

interface FakeBitmap { width: number; height: number; pixels: Uint8ClampedArray; close: () => void }

class FakeImageData {
  constructor(readonly data: Uint8ClampedArray, readonly width: number, readonly height: number) {}
}

function fakeContext() {
  let pixels: Uint8ClampedArray = new Uint8ClampedArray(0);
  return {
    drawn: [] as FakeBitmap[],
    put: [] as FakeImageData[],
    drawImage(bitmap: FakeBitmap) {
      this.drawn.push(bitmap);
      pixels = bitmap.pixels;
    },
    getImageData(_x: number, _y: number, width: number, height: number) {
      return new FakeImageData(pixels, width, height);
    },
    putImageData(data: FakeImageData) {
      this.put.push(data);
    },
  };
}

function installFakes(options: { offscreen: boolean; blobType?: (requested: string) => string }) {
  const contexts: ReturnType<typeof fakeContext>[] = [];
  const blobCalls: { type: string; quality?: number }[] = [];
  const bitmaps: FakeBitmap[] = [];
  const createImageBitmap = vi.fn(async (blob: Blob, _options: ImageBitmapOptions) => {
    const bitmap: FakeBitmap = { width: 3, height: 2, pixels: new Uint8ClampedArray(24).fill(7), close: vi.fn() };
    expect(blob).toBeInstanceOf(Blob);
    bitmaps.push(bitmap);
    return bitmap;
  });
  const makeBlob = (type: string, quality?: number) => {
    blobCalls.push(quality === undefined ? { type } : { type, quality });
    return new Blob([new Uint8Array([1, 2, 3])], { type: options.blobType ? options.blobType(type) : type });
  };
  class FakeOffscreenCanvas {
    constructor(readonly width: number, readonly height: number) {}
    getContext() {
      const context = fakeContext();
      contexts.push(context);
      return context;
    }
    async convertToBlob(o: { type: string; quality?: number }) {
      return makeBlob(o.type, o.quality);
    }
  }
  vi.stubGlobal('createImageBitmap', createImageBitmap);
  vi.stubGlobal('ImageData', FakeImageData);
  if (options.offscreen) {
    vi.stubGlobal('OffscreenCanvas', FakeOffscreenCanvas);
  } else {
    vi.stubGlobal('OffscreenCanvas', undefined);
    vi.stubGlobal('document', {
      createElement: (tag: string) => {
        expect(tag).toBe('canvas');
        return {
          width: 0,
          height: 0,
          getContext() {
            const context = fakeContext();
            contexts.push(context);
            return context;
          },
          toBlob(callback: (blob: Blob | null) => void, type: string, quality?: number) {
            callback(makeBlob(type, quality));
          },
        };
      },
    });
  }
  return { createImageBitmap, contexts, blobCalls, bitmaps };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('canvas codec wiring (with fake browser APIs)', () => {
  it('decodes through createImageBitmap with from-image orientation, no premultiplication, no colour conversion', async () => {
    const fakes = installFakes({ offscreen: true });
    const result = await decodeImage(createCanvasCodec(), fixture('portrait-1-exif6.jpg'), { maxPixels: 1e7 });
    expect(fakes.createImageBitmap).toHaveBeenCalledTimes(1);
    const [blob, options] = fakes.createImageBitmap.mock.calls[0];
    expect(blob.type).toBe('image/jpeg');
    expect(blob.size).toBe(fixture('portrait-1-exif6.jpg').length);
    expect(options).toEqual({ imageOrientation: 'from-image', premultiplyAlpha: 'none', colorSpaceConversion: 'default' });
    expect(result).toMatchObject({ format: 'jpeg', orientation: 6, originalWidth: 734, originalHeight: 734 });
    expect([result.image.width, result.image.height]).toEqual([3, 2]);
    expect(fakes.bitmaps[0].close).toHaveBeenCalled();
  });

  it('decodes BMP with the shared TypeScript decoder, not the browser', async () => {
    const fakes = installFakes({ offscreen: true });
    const result = await decodeImage(createCanvasCodec(), fixture('portrait-1.bmp'), { maxPixels: 1e7 });
    expect(fakes.createImageBitmap).not.toHaveBeenCalled();
    expect(Buffer.from(result.image.data).equals(Buffer.from(decodeBmp(fixture('portrait-1.bmp')).data))).toBe(true);
  });

  it('refuses a decompression bomb before the browser sees it', async () => {
    const fakes = installFakes({ offscreen: true });
    await expect(createCanvasCodec().decode(fixture('huge-header.png'), { maxPixels: 1e7 })).rejects.toThrow(/40000×40000/);
    expect(fakes.createImageBitmap).not.toHaveBeenCalled();
  });

  it('encodes JPEG from an opaque copy at quality/100', async () => {
    const fakes = installFakes({ offscreen: true });
    const image = createRgbaImage(1, 2, new Uint8ClampedArray([10, 20, 30, 0, 40, 50, 60, 128]));
    const codec = createCanvasCodec();
    expect(await codec.encodeJpeg(image, 85)).toEqual(new Uint8Array([1, 2, 3]));
    expect(fakes.blobCalls).toEqual([{ type: 'image/jpeg', quality: 0.85 }]);
    expect([...fakes.contexts[0].put[0].data]).toEqual([10, 20, 30, 255, 40, 50, 60, 255]);
    expect([...image.data]).toEqual([10, 20, 30, 0, 40, 50, 60, 128]); // the caller's pixels are untouched
    await expect(codec.encodeJpeg(image, 0)).rejects.toBeInstanceOf(RangeError);
  });

  it('writes PNG exactly, translucent colours included (no canvas involved)', async () => {
    const fakes = installFakes({ offscreen: true });
    const image = createRgbaImage(1, 2, new Uint8ClampedArray([10, 20, 30, 0, 40, 50, 60, 128]));
    const png = await createCanvasCodec().encodePng(image);
    expect(fakes.blobCalls).toEqual([]);
    const back = await createSharpCodec().decode(png, { maxPixels: 100 });
    expect([...back.image.data]).toEqual([10, 20, 30, 0, 40, 50, 60, 128]);
  });

  it('falls back to a DOM canvas and fails loudly when the browser cannot write the type', async () => {
    const fakes = installFakes({ offscreen: false, blobType: () => 'image/png' });
    const codec = createCanvasCodec();
    const image = createRgbaImage(1, 1);
    await expect(codec.encodeJpeg(image, 50)).rejects.toThrow(/image\/png instead of image\/jpeg/);
    expect(fakes.blobCalls).toEqual([{ type: 'image/jpeg', quality: 0.5 }]);
  });
});
