// Node's PNG writer: exact round trips through sharp's decoder at every size its row slices
// meet, and the same scanlines as the browser's writer (only the deflate differs).
import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { unzlibSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { createRgbaImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { PNG_COMPRESSION_LEVEL } from '../../src/io/image-codec.js';
import { encodePngNode } from '../../src/io/node-png.js';
import { encodePngExact } from '../../src/io/png-encode.js';

/** The IHDR colour type and the inflated IDAT data of a PNG with one IDAT chunk. */
function parts(png: Uint8Array): { colourType: number; scanlines: Uint8Array } {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let at = 8; at < png.length; ) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (type === 'IDAT') return { colourType: png[25], scanlines: unzlibSync(png.subarray(at + 8, at + 8 + length)) };
    at += 12 + length;
  }
  throw new Error('no IDAT');
}

function noiseImage(width: number, height: number, opaque: boolean): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i + 7, 2654435761) >>> 24) ^ ((i >> 6) % 5);
  for (let i = 3; i < data.length; i += 4) data[i] = opaque ? 255 : data[i] & 1 ? 0 : data[i];
  return createRgbaImage(width, height, data);
}

/** What sharp decodes the PNG to, as RGBA. */
async function decoded(png: Uint8Array): Promise<Buffer> {
  return sharp(png).ensureAlpha().raw().toBuffer();
}

describe('encodePngNode', () => {
  for (const [width, height] of [[1, 1], [1, 50], [50, 1], [37, 11], [64, 65], [300, 997]]) {
    it(`round-trips ${width}×${height} exactly, with alpha and opaque`, async () => {
      for (const opaque of [false, true]) {
        const image = noiseImage(width, height, opaque);
        const png = await encodePngNode(image);
        expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
        expect(png[25]).toBe(opaque ? 2 : 6); // an opaque image is written as RGB
        const meta = await sharp(png).metadata();
        expect([meta.width, meta.height]).toEqual([width, height]);
        expect((await decoded(png)).equals(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length))).toBe(true);
      }
    });
  }

  it('deflates the scanlines the browser writer makes', async () => {
    const image = noiseImage(123, 77, false);
    const node = parts(await encodePngNode(image));
    const browser = parts(await encodePngExact(image));
    expect(node.colourType).toBe(browser.colourType);
    expect(Buffer.from(node.scanlines).equals(Buffer.from(browser.scanlines))).toBe(true);
  });

  it('writes a portrait, cut out or opaque, in no more bytes than libvips at the same zlib level', async () => {
    // sharp's own adaptive-filter PNG is the yardstick this writer replaced.
    const { data, info } = await sharp(readFileSync(new URL('../fixtures/portrait-1.png', import.meta.url))).resize(324, 324).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    const { width, height } = info;
    const opaque = createRgbaImage(width, height, new Uint8ClampedArray(data));
    const cut = createRgbaImage(width, height, new Uint8ClampedArray(data));
    // An oval cut-out with a soft edge, colours cleared where it is transparent (as the pipeline's are).
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const r = Math.hypot((x - width / 2) / (width * 0.4), (y - height / 2) / (height * 0.48));
        const a = Math.round(Math.min(1, Math.max(0, (1 - r) * 20)) * 255);
        const i = (y * width + x) * 4;
        if (a === 0) cut.data.fill(0, i, i + 4);
        else cut.data[i + 3] = a;
      }
    }
    for (const image of [opaque, cut]) {
      const png = await encodePngNode(image);
      const raw = sharp(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length), { raw: { width, height, channels: 4 } });
      const libvips = await (image === opaque ? raw.removeAlpha() : raw).png({ compressionLevel: PNG_COMPRESSION_LEVEL, adaptiveFiltering: true, palette: false }).toBuffer();
      expect(png.length).toBeLessThanOrEqual(libvips.length);
      expect((await decoded(png)).equals(Buffer.from(image.data.buffer, image.data.byteOffset, image.data.length))).toBe(true);
    }
  });
});
