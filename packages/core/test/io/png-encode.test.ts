// The browser codec's PNG writer keeps every RGBA value (a canvas would premultiply and round them).
import { createRgbaImage } from '../../src/image/rgba-image.js';
import { createSharpCodec } from '../../src/io/node-codec.js';
import { describe, expect, it } from 'vitest';
import { encodePngExact } from '../../src/io/png-encode.js';

describe('encodePngExact', () => {
  it('round-trips every RGBA value, translucent pixels included', async () => {
    const width = 97;
    const height = 61;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let i = 0; i < data.length; i++) data[i] = (Math.imul(i, 2654435761) >>> 24) ^ ((i % 7) * 13);
    for (let i = 3; i < data.length; i += 40) data[i] = 3; // nearly transparent, colour still exact
    const png = await encodePngExact(createRgbaImage(width, height, data));
    expect([...png.subarray(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const back = (await createSharpCodec().decode(png, { maxPixels: 1e6 })).image;
    expect([back.width, back.height]).toEqual([width, height]);
    expect(Buffer.from(back.data).equals(Buffer.from(data))).toBe(true);
  });

  it('compresses a smooth image well', async () => {
    const width = 256;
    const height = 256;
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, (x + y) >> 1, 255], (y * width + x) * 4);
    const png = await encodePngExact(createRgbaImage(width, height, data));
    expect(png.length).toBeLessThan(data.length / 20);
  });

  it('refuses pixels that do not match the size', async () => {
    await expect(encodePngExact({ width: 2, height: 2, data: new Uint8ClampedArray(3) } as never)).rejects.toThrow(TypeError);
  });
});
