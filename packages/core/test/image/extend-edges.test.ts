import { describe, expect, it } from 'vitest';
import { warpAffine, type Affine2D } from '../../src/image/affine.js';
import { extendEdges } from '../../src/image/extend-edges.js';
import { createRgbaImage } from '../../src/image/rgba-image.js';

describe('extendEdges', () => {
  it("fills what lies past the source with the nearest edge colour, opaque, and leaves the inside alone", () => {
    // A 4×4 source: red left half, blue right half.
    const source = createRgbaImage(4, 4);
    for (let i = 0; i < 16; i++) source.data.set(i % 4 < 2 ? [200, 0, 0, 255] : [0, 0, 200, 255], i * 4);
    // An 8×8 window centred on it, at the same scale: two pixels of margin all round.
    const dstToSrc: Affine2D = [1, 0, -2, 0, 1, -2];
    const warped = warpAffine(source, dstToSrc, 8, 8);
    expect(warped.data[3]).toBe(0); // the corner lies past the source
    const inside = warped.data.slice((3 * 8 + 3) * 4, (3 * 8 + 3) * 4 + 4);
    extendEdges(warped, source, dstToSrc);
    for (let i = 0; i < 64; i++) expect(warped.data[i * 4 + 3]).toBe(255);
    expect([...warped.data.slice(0, 4)]).toEqual([200, 0, 0, 255]); // top-left corner: the red edge continued
    expect([...warped.data.slice((7 * 8 + 7) * 4, (7 * 8 + 7) * 4 + 4)]).toEqual([0, 0, 200, 255]); // bottom-right: blue
    expect([...warped.data.slice((3 * 8 + 3) * 4, (3 * 8 + 3) * 4 + 4)]).toEqual([...inside]); // inside: untouched
  });
});
