import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { ImageTooLargeError, InvalidImageError } from '../../src/errors.js';
import { createRgbaImage } from '../../src/image/rgba-image.js';
import { decodeImage, type DecodedImage, type DecodeLimits, type ImageCodec } from '../../src/io/image-codec.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const LIMITS = { maxPixels: 50_000_000 };

/** A codec whose decode is a spy returning `result` (or throwing it when it is an error). */
function spyCodec(result: DecodedImage | unknown = undefined) {
  const decode = vi.fn(async (): Promise<DecodedImage> => {
    if (result instanceof Error || typeof result === 'string') throw result;
    return result as DecodedImage;
  });
  const codec: ImageCodec = {
    name: 'spy',
    decode,
    encodePng: vi.fn(async () => new Uint8Array()),
    encodeJpeg: vi.fn(async () => new Uint8Array()),
  };
  return { codec, decode };
}

const decoded = (width: number, height: number): DecodedImage => ({
  image: createRgbaImage(width, height),
  format: 'png',
  orientation: 1,
  originalWidth: width,
  originalHeight: height,
});

describe('decodeImage guards', () => {
  it('refuses huge-header.png with ImageTooLargeError and never calls the codec', async () => {
    const { codec, decode } = spyCodec(decoded(1, 1));
    const attempt = decodeImage(codec, fixture('huge-header.png'), LIMITS);
    await expect(attempt).rejects.toBeInstanceOf(ImageTooLargeError);
    await expect(attempt).rejects.toThrow(/40000×40000/);
    expect(decode).not.toHaveBeenCalled();
  });

  it.each(['random-bytes.bin', 'text-as-image.jpg'])('refuses %s with InvalidImageError and never calls the codec', async (name) => {
    const { codec, decode } = spyCodec(decoded(1, 1));
    await expect(decodeImage(codec, fixture(name), LIMITS)).rejects.toBeInstanceOf(InvalidImageError);
    expect(decode).not.toHaveBeenCalled();
  });

  it('refuses an empty upload', async () => {
    const { codec, decode } = spyCodec(decoded(1, 1));
    await expect(decodeImage(codec, new Uint8Array(0), LIMITS)).rejects.toThrow(/empty/);
    expect(decode).not.toHaveBeenCalled();
  });

  it('passes well-formed input and the limit through to the codec', async () => {
    const { codec, decode } = spyCodec(decoded(216, 216));
    const bytes = fixture('portrait-1.png');
    const result = await decodeImage(codec, bytes, LIMITS);
    expect(decode).toHaveBeenCalledTimes(1);
    expect(decode.mock.calls[0]).toHaveLength(2);
    const [passedBytes, passedLimits] = decode.mock.calls[0] as unknown as [Uint8Array, DecodeLimits];
    expect(passedBytes).toBe(bytes);
    // The limit, and the guard that read the header: the codec need not read it again.
    expect(passedLimits).toMatchObject({ maxPixels: 50_000_000, guard: { bytes, maxPixels: 50_000_000, header: { format: 'png' } } });
    expect(result.image.width).toBe(216);
  });

  it('turns a codec failure into InvalidImageError with the original as cause', async () => {
    const original = new Error('VipsJpeg: premature end of JPEG image');
    const { codec } = spyCodec(original);
    const error = await decodeImage(codec, fixture('truncated.jpg'), LIMITS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidImageError);
    expect((error as InvalidImageError).cause).toBe(original);
    expect((error as InvalidImageError).message).toMatch(/JPEG.*734×734.*premature end/);
    expect((error as InvalidImageError).details).toEqual({ format: 'jpeg', codec: 'spy' });

    const thrownString = await decodeImage(spyCodec('boom').codec, fixture('portrait-1.png'), LIMITS).catch((e: unknown) => e);
    expect(thrownString).toBeInstanceOf(InvalidImageError);
    expect((thrownString as InvalidImageError).cause).toBe('boom');
  });

  it('lets typed errors from the codec through unchanged', async () => {
    const tooLarge = new ImageTooLargeError('frame too large');
    await expect(decodeImage(spyCodec(tooLarge).codec, fixture('portrait-1.png'), LIMITS)).rejects.toBe(tooLarge);
  });

  it('checks what the codec returns: a valid image within the limit', async () => {
    const png = fixture('portrait-1.png');
    const broken = { ...decoded(2, 2), image: { width: 2, height: 2, data: new Uint8ClampedArray(3) } };
    await expect(decodeImage(spyCodec(broken).codec, png, LIMITS)).rejects.toBeInstanceOf(InvalidImageError);
    await expect(decodeImage(spyCodec(undefined).codec, png, LIMITS)).rejects.toBeInstanceOf(InvalidImageError);
    // A decoder that produces more pixels than its header declared is still held to the limit.
    await expect(decodeImage(spyCodec(decoded(300, 300)).codec, png, { maxPixels: 216 * 216 })).rejects.toBeInstanceOf(ImageTooLargeError);
  });

  it('rejects bad arguments with TypeError / RangeError before anything else', async () => {
    const { codec, decode } = spyCodec(decoded(1, 1));
    const png = fixture('portrait-1.png');
    await expect(decodeImage(null as unknown as ImageCodec, png, LIMITS)).rejects.toBeInstanceOf(TypeError);
    await expect(decodeImage(codec, [1, 2, 3] as unknown as Uint8Array, LIMITS)).rejects.toBeInstanceOf(TypeError);
    await expect(decodeImage(codec, png, undefined as unknown as { maxPixels: number })).rejects.toBeInstanceOf(TypeError);
    await expect(decodeImage(codec, png, { maxPixels: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(decodeImage(codec, png, { maxPixels: '1e6' as unknown as number })).rejects.toBeInstanceOf(TypeError);
    expect(decode).not.toHaveBeenCalled();
  });
});
