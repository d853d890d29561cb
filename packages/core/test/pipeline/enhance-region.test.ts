// enhancePhoto with `needed`: every pixel inside it or under the subject comes out bit for bit as
// from the unrestricted enhancement, on real photos (with and without the exposure path, opaque
// and with a translucent edge where the crop runs past the photo); and foregroundReadBox holds
// everything estimateForeground reads.
import { beforeAll, describe, expect, it } from 'vitest';
import { warpAffine } from '../../src/image/affine.js';
import { alphaToMask } from '../../src/image/composite.js';
import { featheredEllipseMask } from '../../src/image/ellipse-mask.js';
import { estimateForeground, foregroundReadBox } from '../../src/image/estimate-foreground.js';
import { createGrayImage, createRgbaImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { enhancePhoto, type PixelRect } from '../../src/pipeline/enhance-photo.js';
import { resolvePortraitOptions } from '../../src/options/index.js';
import { decodeForTest, readFixture } from '../support/fixtures.js';

const SIZE = 360;

/** A SIZE² crop of the photo, scaled to fit, shifted by (dx, dy) of the crop (past the edge: translucent rim). */
function cropOf(photo: RgbaImage, dx = 0, dy = 0): RgbaImage {
  const scale = Math.min(photo.width, photo.height) / SIZE;
  const x0 = (photo.width - SIZE * scale) / 2 + dx * scale;
  const y0 = (photo.height - SIZE * scale) / 2 + dy * scale;
  return warpAffine(photo, [scale, 0, x0, 0, scale, y0], SIZE, SIZE);
}

/** A soft head-and-shoulders subject: an ellipse with a feathered rim and a few stray soft dots. */
function subjectMask(): GrayImage {
  const mask = featheredEllipseMask(SIZE, SIZE, { centerX: 190, centerY: 230, radiusX: 110, radiusY: 150, feather: 6 });
  // A cut-out ends: the Gaussian tails below 1 % are background.
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] < 0.01) mask.data[i] = 0;
  for (const [x, y] of [[40, 300], [330, 200]]) mask.data[y * SIZE + x] = 0.4;
  return mask;
}

function faceMask(): GrayImage {
  return featheredEllipseMask(SIZE, SIZE, { centerX: 180, centerY: 170, radiusX: 40, radiusY: 55, feather: 2 });
}

function inside(r: PixelRect, x: number, y: number): boolean {
  return x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height;
}

const photos: Record<string, RgbaImage> = {};
beforeAll(async () => {
  for (const name of ['portrait-1.jpg', 'portrait-3.jpg', 'portrait-5.jpg']) photos[name] = await decodeForTest(await readFixture(name));
});

describe('enhancePhoto restricted to what is needed', () => {
  const defaults = resolvePortraitOptions({}).enhance;
  if (!defaults) throw new Error('enhancement is on by default');
  const variants = [
    { label: 'defaults', options: defaults },
    { label: 'no sharpen', options: { ...defaults, sharpen: false } },
    { label: 'no contrast', options: { ...defaults, contrast: 1 } },
    { label: 'contrast only', options: { ...defaults, saturation: 1, whiteBalance: false } },
  ];
  const regions: PixelRect[] = [
    { x: 150, y: 100, width: 70, height: 60 }, // inside the subject's box
    { x: -20, y: 5, width: 90, height: 40 }, // past the crop's edge, outside the subject
  ];
  for (const name of ['portrait-1.jpg', 'portrait-3.jpg', 'portrait-5.jpg']) {
    for (const [shift, dx, dy] of [['centred', 0, 0], ['past the edge', -50, 30]] as const) {
      it(`${name}, ${shift}: pixels under the subject or inside the rectangle are identical`, () => {
        const crop = cropOf(photos[name], dx, dy);
        const masks = { face: faceMask(), subject: subjectMask(), inPhoto: alphaToMask(crop) };
        for (const { label, options } of variants) {
          const full = enhancePhoto(crop, masks, options);
          for (const needed of regions) {
            const part = enhancePhoto(crop, masks, options, needed);
            expect(part.report, label).toEqual(full.report);
            let checked = 0;
            let outsideDiffer = 0;
            for (let y = 0, p = 0; y < SIZE; y++) {
              for (let x = 0; x < SIZE; x++, p++) {
                const same = [0, 1, 2, 3].every((c) => part.image.data[p * 4 + c] === full.image.data[p * 4 + c]);
                if (masks.subject.data[p] > 0 || inside(needed, x, y)) {
                  checked++;
                  if (!same) throw new Error(`${label}: pixel (${x}, ${y}) differs`);
                } else if (!same) outsideDiffer++;
              }
            }
            expect(checked).toBeGreaterThan(SIZE * SIZE * 0.3);
            // The restriction did take effect (the corners were not enhanced).
            if (label === 'defaults') expect(outsideDiffer).toBeGreaterThan(1000);
          }
        }
      });
    }
  }

  it('leaves its input untouched when no step before the rectangle makes a new image', () => {
    const crop = cropOf(photos['portrait-1.jpg'], 0, 0);
    const before = new Uint8ClampedArray(crop.data);
    const masks = { face: faceMask(), subject: subjectMask(), inPhoto: alphaToMask(crop) };
    const options = { ...defaults, denoise: false, exposure: false };
    const part = enhancePhoto(crop, masks, options, regions[0]);
    expect(Buffer.from(crop.data).equals(Buffer.from(before))).toBe(true);
    expect(part.image.data).not.toBe(crop.data);
  });

  it('a subject with no weight falls back to the whole photo area, as without a rectangle', () => {
    const crop = cropOf(photos['portrait-1.jpg']);
    const masks = { face: faceMask(), subject: createGrayImage(SIZE, SIZE), inPhoto: alphaToMask(crop) };
    const full = enhancePhoto(crop, masks, defaults);
    const part = enhancePhoto(crop, masks, defaults, { x: 10, y: 10, width: 5, height: 5 });
    expect(Buffer.from(part.image.data).equals(Buffer.from(full.image.data))).toBe(true);
  });
});

describe('foregroundReadBox', () => {
  it('holds everything estimateForeground reads: pixels outside it can be anything', () => {
    const crop = cropOf(photos['portrait-5.jpg']);
    const alpha = subjectMask();
    // Solid core and empty background, soft only on the rim and the two dots.
    for (let i = 0; i < alpha.data.length; i++) if (alpha.data[i] > 0.97 && alpha.data[i] < 1) alpha.data[i] = 1;
    const box = foregroundReadBox(alpha);
    expect(box).not.toBeNull();
    if (!box) return;
    expect(box.width * box.height).toBeLessThan(SIZE * SIZE);
    const scrambled = createRgbaImage(SIZE, SIZE, new Uint8ClampedArray(crop.data));
    for (let y = 0, p = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++, p++) if (!inside(box, x, y)) for (let c = 0; c < 3; c++) scrambled.data[p * 4 + c] = (x * 7 + y * 13 + c * 91) & 255;
    const a = estimateForeground(crop, alpha);
    const b = estimateForeground(scrambled, alpha);
    for (let y = 0, p = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++, p++) {
        if (!inside(box, x, y)) continue;
        for (let c = 0; c < 4; c++) if (a.data[p * 4 + c] !== b.data[p * 4 + c]) throw new Error(`(${x}, ${y}) differs`);
      }
    }
    expect(foregroundReadBox(createGrayImage(4, 4))).toBeNull();
  });
});
