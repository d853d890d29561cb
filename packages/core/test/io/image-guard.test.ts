import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ImageTooLargeError, InvalidImageError } from '../../src/errors.js';
import { createRgbaImage } from '../../src/image/rgba-image.js';
import { beginDecode } from '../../src/io/begin-decode.js';
import { decodeImage, type DecodeLimits, type ImageCodec } from '../../src/io/image-codec.js';
import { adoptGuard, guardImage, guardInfo, guardUnder, isGuardedImage } from '../../src/io/image-guard.js';

const fixture = (name: string) => new Uint8Array(readFileSync(new URL(`../fixtures/${name}`, import.meta.url)));
const LIMITS = { maxPixels: 50_000_000 };

/** A codec that decodes through beginDecode, as the sharp and canvas codecs do, and records what it was given. */
function recordingCodec() {
  const seen: { limits: DecodeLimits; header: unknown }[] = [];
  const codec: ImageCodec = {
    name: 'recording',
    async decode(bytes, limits) {
      const { header, base } = beginDecode(bytes, limits);
      seen.push({ limits, header });
      return { image: createRgbaImage(header.displaySize.width, header.displaySize.height), ...base };
    },
    encodePng: async () => new Uint8Array(),
    encodeJpeg: async () => new Uint8Array(),
  };
  return { codec, seen };
}

describe('decode guard', () => {
  it('reads the header and checks the limit once: the codec decodes under the guard decodeImage made', async () => {
    const bytes = fixture('portrait-1.png');
    const { codec, seen } = recordingCodec();
    await decodeImage(codec, bytes, LIMITS);
    expect(seen).toHaveLength(1);
    const { guard } = seen[0].limits;
    expect(isGuardedImage(guard)).toBe(true);
    // The codec's header is the guard's own object, not a second reading.
    expect(seen[0].header).toBe(guard!.header);
  });

  it('takes a guard made earlier (the server checks uploads before queueing them) without reading again', async () => {
    const bytes = fixture('portrait-1.jpg');
    const guard = guardImage(bytes, LIMITS);
    const { codec, seen } = recordingCodec();
    const decoded = await decodeImage(codec, guard);
    expect(seen[0].limits.guard).toBe(guard);
    expect(seen[0].header).toBe(guard.header);
    expect([decoded.originalWidth, decoded.originalHeight]).toEqual([guard.header.width, guard.header.height]);
  });

  it('refuses before any decoder runs, and trusts no look-alike guard', async () => {
    expect(() => guardImage(fixture('huge-header.png'), LIMITS)).toThrow(ImageTooLargeError);
    expect(() => guardImage(fixture('random-bytes.bin'), LIMITS)).toThrow(InvalidImageError);
    const huge = fixture('huge-header.png');
    const fake = { bytes: huge, maxPixels: LIMITS.maxPixels, header: { format: 'png', width: 1, height: 1, orientation: 1, displaySize: { width: 1, height: 1 } } };
    expect(isGuardedImage(fake)).toBe(false);
    const { codec, seen } = recordingCodec();
    // A codec called directly with a forged guard checks the bytes itself.
    await expect(codec.decode(huge, { ...LIMITS, guard: fake as never })).rejects.toBeInstanceOf(ImageTooLargeError);
    // A real guard for other bytes, or another limit, is not reused either.
    const other = guardImage(fixture('portrait-1.png'), LIMITS);
    await expect(codec.decode(huge, { ...LIMITS, guard: other })).rejects.toBeInstanceOf(ImageTooLargeError);
    expect(seen).toHaveLength(0);
  });
});

describe('a guard across a thread hop', () => {
  it('adoptGuard takes the header as read and checks only the limit again', async () => {
    const bytes = fixture('portrait-1.png');
    const made = guardImage(bytes, LIMITS);
    const adopted = adoptGuard(bytes, JSON.parse(JSON.stringify(guardInfo(made))));
    expect(isGuardedImage(adopted)).toBe(true);
    expect(adopted.header).toEqual(made.header);
    // The codec decodes under it without a second header read.
    const { codec, seen } = recordingCodec();
    await decodeImage(codec, adopted);
    expect(seen[0].limits.guard).toBe(adopted);
    expect(() => adoptGuard(bytes, { header: made.header, maxPixels: 100 })).toThrow(ImageTooLargeError);
    expect(() => adoptGuard(bytes, { header: {} as never, maxPixels: 100 })).toThrow(TypeError);
  });

  it('guardUnder keeps a guard under its own limit, re-checks it under another, guards plain bytes now', () => {
    const bytes = fixture('portrait-1.png');
    const made = guardImage(bytes, LIMITS);
    expect(guardUnder(made, LIMITS.maxPixels)).toBe(made);
    const tighter = guardUnder(made, 1_000_000);
    expect([tighter.maxPixels, tighter.header]).toEqual([1_000_000, made.header]);
    expect(() => guardUnder(made, 1000)).toThrow(ImageTooLargeError);
    expect(guardUnder(bytes, 1_000_000).header).toEqual(made.header);
  });
});
