import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decontaminateEdge, decontaminateEdgeChroma, decontaminateReadBox, edgeZonesOf, fitEdgeToPhotoMix, freeEdgeColours } from '../../src/image/decontaminate-edge.js';
import { estimateForeground } from '../../src/image/estimate-foreground.js';
import * as image from '../../src/image/index.js';
import { createGrayImage, createRgbaImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { composite, sameBytes } from '../support/matting.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));
const SIZE = 256;

async function loadSquare(name: string): Promise<Uint8ClampedArray> {
  const { data } = await sharp(FIXTURES + name).resize(SIZE, SIZE, { fit: 'cover' }).removeAlpha().ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return new Uint8ClampedArray(data.buffer, data.byteOffset, data.length);
}

/** An ellipse's coverage with its edge `offset` px further out and `soft` px wide (signed distance as in a cut-out). */
function ellipse(offset: number, soft: number): GrayImage {
  const alpha = createGrayImage(SIZE, SIZE);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d = (Math.hypot((x - 128) / 80, (y - 140) / 95) - 1) * 85 - offset;
      alpha.data[y * SIZE + x] = Math.min(1, Math.max(0, 0.5 - d / soft));
    }
  }
  return alpha;
}

let fg: Uint8ClampedArray;
let bg: Uint8ClampedArray;
/** The photo: the subject's true edge is 6 px soft (the photo's own blur). */
let photo: RgbaImage;
/** The cut-out's alpha: sharper than the photo, and 2 px further out, as a generous segmentation is. */
let cutout: GrayImage;

beforeAll(async () => {
  [fg, bg] = await Promise.all([loadSquare('astronaut.png'), loadSquare('no-face-cat.png')]);
  photo = composite(fg, bg, ellipse(0, 6));
  cutout = ellipse(2, 2);
});

/**
 * How much of the old background the cut-out's solid pixels show: per pixel, the share of B in
 * the colour along the line from the true F to the true B (0: the subject's colour, 1: the
 * background's), over the pixels the cut-out calls solid where the photo still mixes in a
 * visible share of B and the two differ plainly.
 */
function backgroundShown(colours: RgbaImage, alpha: GrayImage): { mean: number; pixels: number } {
  // Signed, not clamped: a halo shifts colours towards B, where texture scatters them either way.
  let sum = 0;
  let pixels = 0;
  for (let i = 0; i < SIZE * SIZE; i++) {
    if (!(alpha.data[i] >= 0.999) || !(truthAlpha.data[i] < 0.9)) continue;
    let d2 = 0;
    let along = 0;
    for (let c = 0; c < 3; c++) {
      const d = bg[i * 4 + c] - fg[i * 4 + c];
      d2 += d * d;
      along += (colours.data[i * 4 + c] - fg[i * 4 + c]) * d;
    }
    if (d2 < 60 * 60) continue;
    pixels++;
    sum += along / d2;
  }
  return { mean: sum / pixels, pixels };
}
const truthAlpha = ellipse(0, 6);

describe('decontaminateEdge on a composite with known F', () => {
  it('removes most of the old background from the solid rim, which foreground estimation leaves', () => {
    // Foreground estimation changes soft pixels only: the solid rim it shows is the photo's.
    const before = backgroundShown(estimateForeground(photo, cutout), cutout);
    const after = backgroundShown(estimateForeground(decontaminateEdge(photo, cutout), cutout), cutout);
    expect(before.pixels).toBeGreaterThan(1000);
    // Measured 0.385 -> 0.288 (-25 %; what is left lies deeper in than the 2 px band, in pixels
    // mostly background that are recoloured only in part, and in the subject's texture, which a
    // local mean does not follow); at least 20 % lower.
    expect(after.mean).toBeLessThan(before.mean * 0.8);
  });

  it('changes nothing but the colour of the solid rim: alpha, soft pixels, the inside and the background stay', () => {
    const out = decontaminateEdge(photo, cutout);
    let changedElsewhere = 0;
    let changedAlpha = 0;
    let changedRim = 0;
    for (let y = 0, i = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++, i++) {
        if (out.data[i * 4 + 3] !== photo.data[i * 4 + 3]) changedAlpha++;
        const differs = [0, 1, 2].some((c) => out.data[i * 4 + c] !== photo.data[i * 4 + c]);
        if (!differs) continue;
        // Only solid pixels within 2 px of the cut-out's clear side (α < 0.5).
        let nearClear = false;
        for (let dy = -2; dy <= 2; dy++) for (let dx = -2; dx <= 2; dx++) if (cutout.data[(y + dy) * SIZE + x + dx] < 0.5) nearClear = true;
        if (cutout.data[i] >= 0.999 && nearClear) changedRim++;
        else changedElsewhere++;
      }
    }
    expect(changedAlpha).toBe(0);
    expect(changedElsewhere).toBe(0);
    expect(changedRim).toBeGreaterThan(500);
  });

  it('leaves a colour that is no mix of the two sides as it is (a detail, not a halo)', () => {
    const detailed = createRgbaImage(SIZE, SIZE, Uint8ClampedArray.from(photo.data));
    // A pure green dot on the rim: neither the astronaut's colour nor the cat's nor between them.
    const spots: number[] = [];
    const outer = ellipse(1, 1);
    for (let i = 0; i < SIZE * SIZE; i++) if (cutout.data[i] >= 0.999 && outer.data[i] < 0.5 && spots.length < 40) spots.push(i);
    for (const i of spots) detailed.data.set([0, 255, 0, 255], i * 4);
    const out = decontaminateEdge(detailed, cutout);
    for (const i of spots) expect(Array.from(out.data.subarray(i * 4, i * 4 + 4))).toEqual([0, 255, 0, 255]);
  });

  it('takes no background colour from outside the photo, nor acts without both sides in view', () => {
    // The photo ends right past the subject's edge: the transparent outside is no background.
    const cut = createRgbaImage(SIZE, SIZE, Uint8ClampedArray.from(photo.data));
    for (let i = 0; i < SIZE * SIZE; i++) if (cutout.data[i] <= 0.02) cut.data.set([255, 255, 255, 0], i * 4);
    expect(sameBytes(decontaminateEdge(cut, cutout).data, cut.data)).toBe(true);
    // All subject, all background: nothing to do.
    const solid = createGrayImage(SIZE, SIZE, new Float32Array(SIZE * SIZE).fill(1));
    expect(sameBytes(decontaminateEdge(photo, solid).data, photo.data)).toBe(true);
    expect(decontaminateReadBox(solid)).toBeNull();
    expect(sameBytes(decontaminateEdge(photo, createGrayImage(SIZE, SIZE)).data, photo.data)).toBe(true);
  });

  it('treats a NaN alpha as neither subject nor background, and keeps its pixel', () => {
    const holed = createGrayImage(SIZE, SIZE, Float32Array.from(cutout.data));
    const nans: number[] = [];
    // NaNs on the rim and in the background beside it.
    for (let i = 0; i < SIZE * SIZE && nans.length < 60; i += 7) if (cutout.data[i] > 0 && cutout.data[i] < 1) nans.push(i);
    for (const i of nans) holed.data[i] = Number.NaN;
    const out = decontaminateEdge(photo, holed);
    for (const i of nans) expect(Array.from(out.data.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(photo.data.subarray(i * 4, i * 4 + 4)));
    expect(decontaminateReadBox(holed)).not.toBeNull();
  });

  it('reads nothing outside its read box: pixels there can be anything', () => {
    const box = decontaminateReadBox(cutout);
    if (!box) throw new Error('the ellipse has a rim');
    expect(box.width * box.height).toBeLessThan(SIZE * SIZE);
    const scrambled = createRgbaImage(SIZE, SIZE, Uint8ClampedArray.from(photo.data));
    const inside = (x: number, y: number) => x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
    for (let y = 0, p = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++, p++) if (!inside(x, y)) for (let c = 0; c < 3; c++) scrambled.data[p * 4 + c] = (x * 7 + y * 13 + c * 91) & 255;
    // Both passes: the solid rim's, and the soft edge's hue (on the photo's own colours here).
    for (const pass of [(im: RgbaImage) => decontaminateEdge(im, cutout), (im: RgbaImage) => decontaminateEdgeChroma(im, cutout, im)]) {
      const a = pass(photo);
      const b = pass(scrambled);
      for (let y = 0, p = 0; y < SIZE; y++) {
        for (let x = 0; x < SIZE; x++, p++) {
          if (!inside(x, y)) continue;
          for (let c = 0; c < 4; c++) if (a.data[p * 4 + c] !== b.data[p * 4 + c]) throw new Error(`(${x}, ${y}) differs`);
        }
      }
    }
  });

  it('is deterministic, leaves its inputs alone, and rejects bad input', () => {
    const photoCopy = Uint8ClampedArray.from(photo.data);
    const alphaCopy = Float32Array.from(cutout.data);
    const a = decontaminateEdge(photo, cutout);
    const b = decontaminateEdge(photo, cutout, { band: 2, window: 6 });
    expect(sameBytes(a.data, b.data)).toBe(true);
    expect(sameBytes(photo.data, photoCopy)).toBe(true);
    expect(sameBytes(cutout.data, alphaCopy)).toBe(true);
    expect(() => decontaminateEdge(photo, createGrayImage(8, 8))).toThrow(/256×256/);
    expect(() => decontaminateEdge(photo, cutout, { band: 0 })).toThrow(/band/);
    expect(() => decontaminateEdge(photo, cutout, { window: 1.5 })).toThrow(/window/);
    expect(image.decontaminateEdge).toBe(decontaminateEdge);
  });
});

describe('decontaminateEdgeChroma on a blue screen with known F', () => {
  /** A chroma-key blue backdrop, as a flat RGBA plane. */
  const blue = (() => {
    const data = new Uint8ClampedArray(SIZE * SIZE * 4);
    for (let i = 0; i < SIZE * SIZE; i++) data.set([0, 71, 187, 255], i * 4);
    return data;
  })();
  /** How much bluer than the true subject colour the shown soft pixels are: mean of Δ(b − max(r, g)), α-weighted. */
  function blueCast(colours: RgbaImage, alpha: GrayImage): { mean: number; pixels: number } {
    let sum = 0;
    let weight = 0;
    let pixels = 0;
    for (let i = 0; i < SIZE * SIZE; i++) {
      const a = alpha.data[i];
      if (!(a > 0.02 && a < 0.999)) continue;
      const excess = (c: ArrayLike<number>) => c[i * 4 + 2] - Math.max(c[i * 4], c[i * 4 + 1]);
      sum += a * (excess(colours.data) - excess(fg));
      weight += a;
      pixels++;
    }
    return { mean: sum / weight, pixels };
  }
  const luma = (c: ArrayLike<number>, i: number) => (c[i * 4] + c[i * 4 + 1] + c[i * 4 + 2]) / 3;

  it("takes most of the backdrop's hue out of the soft edge that foreground estimation leaves, and keeps its luminance", () => {
    const onBlue = composite(fg, blue, truthAlpha);
    const estimated = estimateForeground(decontaminateEdge(onBlue, cutout), cutout);
    const freed = decontaminateEdgeChroma(estimated, cutout, onBlue);
    const before = blueCast(estimated, cutout);
    const after = blueCast(freed, cutout);
    expect(before.pixels).toBeGreaterThan(1000);
    expect(before.mean).toBeGreaterThan(10);
    // Measured 97.7 -> 34.0 grey levels of blue excess over the true colour; at least 40 % lower.
    expect(after.mean).toBeLessThan(before.mean * 0.6);
    let moved = 0;
    for (let i = 0; i < SIZE * SIZE; i++) {
      const a = cutout.data[i];
      const differs = [0, 1, 2].some((c) => freed.data[i * 4 + c] !== estimated.data[i * 4 + c]);
      if (!differs) continue;
      // Only soft pixels change, and only in hue (rounding to bytes aside).
      expect(a > 0.02 && a < 0.999).toBe(true);
      expect(Math.abs(luma(freed.data, i) - luma(estimated.data, i))).toBeLessThanOrEqual(1);
      expect(freed.data[i * 4 + 3]).toBe(estimated.data[i * 4 + 3]);
      moved++;
    }
    expect(moved).toBeGreaterThan(500);
  });

  it('leaves an edge alone where subject and backdrop differ in brightness only', () => {
    // A grey subject on a lighter grey backdrop: no hue to take out.
    const grey = (level: number) => Uint8ClampedArray.from({ length: SIZE * SIZE * 4 }, (_, k) => (k % 4 === 3 ? 255 : level));
    const photo = composite(grey(60), grey(200), truthAlpha);
    const estimated = estimateForeground(photo, cutout);
    expect(sameBytes(decontaminateEdgeChroma(estimated, cutout, photo).data, estimated.data)).toBe(true);
  });

  it('freeEdgeColours is the two passes around the estimate, the local colours read once', () => {
    const onBlue = composite(fg, blue, truthAlpha);
    const estimate = (im: RgbaImage) => estimateForeground(im, cutout);
    const apart = decontaminateEdgeChroma(estimate(decontaminateEdge(onBlue, cutout)), cutout, onBlue);
    expect(sameBytes(freeEdgeColours(onBlue, cutout, estimate).data, apart.data)).toBe(true);
    expect(image.freeEdgeColours).toBe(freeEdgeColours);
  });

  it('takes the zones worked out once (edgeZonesOf) for the same alpha, and works them out afresh for any other', () => {
    const onBlue = composite(fg, blue, truthAlpha);
    const estimate = (im: RgbaImage) => estimateForeground(im, cutout);
    const zones = edgeZonesOf(cutout);
    expect(decontaminateReadBox(cutout, undefined, zones)).toEqual(decontaminateReadBox(cutout));
    expect(sameBytes(freeEdgeColours(onBlue, cutout, estimate, undefined, zones).data, freeEdgeColours(onBlue, cutout, estimate).data)).toBe(true);
    // Zones of another alpha (or another band) are not used: a copy of the cut-out shrunk by a
    // few pixels gets its own, as if none were given.
    const shrunk = createGrayImage(SIZE, SIZE, Float32Array.from(cutout.data, (v) => (v < 0.9 ? 0 : v)));
    const shrunkEstimate = (im: RgbaImage) => estimateForeground(im, shrunk);
    expect(sameBytes(freeEdgeColours(onBlue, shrunk, shrunkEstimate, undefined, zones).data, freeEdgeColours(onBlue, shrunk, shrunkEstimate).data)).toBe(true);
    expect(sameBytes(freeEdgeColours(onBlue, cutout, estimate, { band: 3 }, zones).data, freeEdgeColours(onBlue, cutout, estimate, { band: 3 }).data)).toBe(true);
    expect(decontaminateReadBox(shrunk, undefined, zones)).toEqual(decontaminateReadBox(shrunk));
  });

  it('edgeZonesOf marks what lies within the band of each set, as its definition says, whatever the width', () => {
    // Planes of odd widths (rows not a whole number of words), soft discs and noise, NaN among them.
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (const [w, h] of [[1, 1], [2, 3], [5, 7], [13, 9], [61, 40], [64, 33]]) {
      for (let kind = 0; kind < 5; kind++) {
        const cx = random() * w;
        const cy = random() * h;
        const r = random() * Math.max(w, h);
        const data = Float32Array.from({ length: w * h }, (_, i) => {
          const d = Math.hypot((i % w) - cx, Math.floor(i / w) - cy) - r;
          if (kind === 0) return random();
          if (kind === 1 && random() < 0.05) return NaN;
          return Math.min(1, Math.max(0, 0.5 - d / kind));
        });
        for (const band of [1, 2, 3]) {
          const zones = edgeZonesOf(createGrayImage(w, h, data), { band });
          // Brute force: any pixel of the set within `band` (Chebyshev), NaN in neither set.
          const near = (x: number, y: number, inSet: (v: number) => boolean) => {
            for (let yy = Math.max(0, y - band); yy <= Math.min(h - 1, y + band); yy++) for (let xx = Math.max(0, x - band); xx <= Math.min(w - 1, x + band); xx++) if (inSet(data[yy * w + xx])) return 1;
            return 0;
          };
          for (let y = 0; y < h; y++) {
            for (let x = 0; x < w; x++) {
              expect(zones.nearClear[y * w + x]).toBe(near(x, y, (v) => v < 0.5));
              expect(zones.nearSubject[y * w + x]).toBe(near(x, y, (v) => v > 0.02));
            }
          }
        }
      }
    }
  });

  it('rejects bad input', () => {
    expect(() => decontaminateEdgeChroma(photo, cutout, createRgbaImage(8, 8))).toThrow(/256×256/);
    expect(() => decontaminateEdgeChroma(photo, createGrayImage(8, 8), photo)).toThrow(/256×256/);
    expect(() => decontaminateEdgeChroma(photo, cutout, photo, { window: 0 })).toThrow(/window/);
    expect(image.decontaminateEdgeChroma).toBe(decontaminateEdgeChroma);
  });
});

describe('fitEdgeToPhotoMix: dark hair on a white wall, in a soft photo', () => {
  // The photo's edge is 10 px soft; the cut-out's is 4 px and 2 px further out, so across most
  // of its soft band it is more opaque than the photo's mix: I = αF + (1 − α)B then leaves the
  // foreground estimate pale, a light outline on a dark backdrop.
  const photoAlpha = ellipse(0, 10);
  const generous = ellipse(2, 4);
  let darkHair: Uint8ClampedArray;
  let soft: RgbaImage;
  beforeAll(() => {
    // The astronaut's texture at a tenth of its contrast: evenly dark, not flat.
    darkHair = Uint8ClampedArray.from(fg, (v, k) => (k % 4 === 3 ? 255 : v * 0.1 + 40));
    const wall = Uint8ClampedArray.from(fg, (_, k) => (k % 4 === 3 ? 255 : 245));
    soft = composite(darkHair, wall, photoAlpha);
  });

  /** Over the pixels where the cut-out or the photo is soft: the mean of |α − the photo's α|. */
  function alphaError(alpha: GrayImage): number {
    let sum = 0;
    let pixels = 0;
    for (let i = 0; i < SIZE * SIZE; i++) {
      const a = generous.data[i];
      const t = photoAlpha.data[i];
      if (!((a > 0.02 && a < 0.999) || (t > 0.02 && t < 0.999))) continue;
      sum += Math.abs(alpha.data[i] - t);
      pixels++;
    }
    return sum / pixels;
  }

  /** The light outline on black after the refined cut-out's colour passes: over the soft pixels, the mean excess (grey levels) of αC over the photo's α times the true colour. */
  function outlineOnBlack(alpha: GrayImage): number {
    const colours = freeEdgeColours(soft, alpha, (im) => estimateForeground(im, alpha));
    let sum = 0;
    let pixels = 0;
    for (let i = 0; i < SIZE * SIZE; i++) {
      const a = alpha.data[i];
      if (!(a > 0.02 && a < 0.999)) continue;
      for (let c = 0; c < 3; c++) sum += (a * colours.data[i * 4 + c] - photoAlpha.data[i] * darkHair[i * 4 + c]) / 3;
      pixels++;
    }
    return sum / pixels;
  }

  it('lowers the too-opaque edge towards the photo’s own mix, and the light outline with it', () => {
    const fitted = fitEdgeToPhotoMix(soft, generous);
    const before = alphaError(generous);
    const after = alphaError(fitted);
    console.info(`alpha error ${before.toFixed(3)} -> ${after.toFixed(3)}; outline on black ${outlineOnBlack(generous).toFixed(1)} -> ${outlineOnBlack(fitted).toFixed(1)}`);
    expect(before).toBeGreaterThan(0.1);
    // Measured 0.220 -> 0.150 (it never raises: where the cut-out is the less opaque, it stays) and 52.5 -> 30.8 grey levels.
    expect(after).toBeLessThan(0.75 * before);
    expect(outlineOnBlack(fitted)).toBeLessThan(0.7 * outlineOnBlack(generous));
    // Never up; solid pixels with no soft neighbour and clear ones stay as they were.
    for (let i = 0; i < SIZE * SIZE; i++) if (fitted.data[i] > generous.data[i]) throw new Error(`pixel ${i} raised`);
    let changedSolidInside = 0;
    for (let i = SIZE; i < SIZE * SIZE - SIZE; i++) {
      const around = [i - 1, i + 1, i - SIZE, i + SIZE].every((j) => generous.data[j] >= 0.999);
      if (generous.data[i] >= 0.999 && around && fitted.data[i] !== generous.data[i]) changedSolidInside++;
    }
    expect(changedSolidInside).toBe(0);
  });

  it('reads the local colours in a square twice as wide where its own holds no background: a window half as wide fits as well', () => {
    // With window 3 no soft pixel has a background sample within 3 px: without the wider square
    // nothing would move (0.220).
    const narrow = alphaError(fitEdgeToPhotoMix(soft, generous, undefined, { window: 3 }));
    const atDefault = alphaError(fitEdgeToPhotoMix(soft, generous));
    console.info(`alpha error with window 3: ${narrow.toFixed(3)}, with 6: ${atDefault.toFixed(3)}`);
    expect(narrow).toBeLessThan(atDefault + 0.03);
  });

  it('never goes below `keep` (the face)', () => {
    const keep = ellipse(2, 4);
    const fitted = fitEdgeToPhotoMix(soft, generous, keep);
    for (let i = 0; i < SIZE * SIZE; i++) expect(fitted.data[i]).toBeGreaterThanOrEqual(keep.data[i]);
  });

  it('makes the edge no worse before a busy background, whose mean is not the colour behind a pixel', () => {
    // The same soft dark hair before the cat photo: only where the cat's fur is locally plain does it act.
    const busy = composite(darkHair, bg, photoAlpha);
    const before = alphaError(generous);
    const after = alphaError(fitEdgeToPhotoMix(busy, generous));
    console.info(`before the cat: alpha error ${before.toFixed(3)} -> ${after.toFixed(3)}`);
    expect(after).toBeLessThanOrEqual(before);
  });

  it('rejects bad input', () => {
    expect(() => fitEdgeToPhotoMix(createRgbaImage(8, 8), cutout)).toThrow(/8×8|256×256/);
    expect(() => fitEdgeToPhotoMix(photo, cutout, createGrayImage(8, 8))).toThrow(/256×256|8×8/);
    expect(() => fitEdgeToPhotoMix(photo, cutout, undefined, { band: 0 })).toThrow(/band/);
    expect(image.fitEdgeToPhotoMix).toBe(fitEdgeToPhotoMix);
  });
});
