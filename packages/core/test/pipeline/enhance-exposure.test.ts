// The exposure step on real photos: judged by the subject's highlights, so a dark face in a
// well-exposed photo is left as it is, an underexposed photo gets up to one stop of linear gain,
// and a bright photo is not darkened.
import { beforeAll, describe, expect, it } from 'vitest';
import { warpAffine } from '../../src/image/affine.js';
import { linearOfSrgbByte, meanLightness } from '../../src/image/color-space.js';
import { alphaToMask } from '../../src/image/composite.js';
import { featheredEllipseMask } from '../../src/image/ellipse-mask.js';
import { createGrayImage, createRgbaImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { exposureLut, highlightLevel } from '../../src/image/tone.js';
import { enhancePhoto } from '../../src/pipeline/enhance-photo.js';
import { resolvePortraitOptions } from '../../src/options/index.js';
import { decodeForTest, readFixture } from '../support/fixtures.js';

const SIZE = 320;
const defaults = resolvePortraitOptions({}).enhance;
if (!defaults) throw new Error('enhancement is on by default');
const exposureOnly = { ...defaults, denoise: false, whiteBalance: false, sharpen: false, contrast: 1, saturation: 1 };

let photo: RgbaImage;
let masks: { face: GrayImage; subject: GrayImage; inPhoto: GrayImage };
beforeAll(async () => {
  // portrait-5: a well-exposed photo (its subject's brightest 1 % reaches white).
  const full = await decodeForTest(await readFixture('portrait-5.jpg'));
  const scale = Math.min(full.width, full.height) / SIZE;
  photo = warpAffine(full, [scale, 0, (full.width - SIZE * scale) / 2, 0, scale, (full.height - SIZE * scale) / 2], SIZE, SIZE);
  const subject = createGrayImage(SIZE, SIZE);
  subject.data.fill(1);
  masks = { face: featheredEllipseMask(SIZE, SIZE, { centerX: 160, centerY: 130, radiusX: 45, radiusY: 60, feather: 2 }), subject, inPhoto: alphaToMask(photo) };
});

/** The photo with its light scaled by `gain` in linear light (0.5: one stop under), where `where` is above 0.5 (everywhere without). */
function relit(gain: number, where?: GrayImage): RgbaImage {
  const lut = exposureLut(gain);
  const out = createRgbaImage(SIZE, SIZE, new Uint8ClampedArray(photo.data));
  for (let p = 0; p < SIZE * SIZE; p++) {
    if (where && !(where.data[p] > 0.5)) continue;
    for (let c = 0; c < 3; c++) out.data[p * 4 + c] = lut[out.data[p * 4 + c]];
  }
  return out;
}

describe('exposure, judged by the highlights', () => {
  it('leaves a well-exposed photo alone, however dark the face in it', () => {
    expect(highlightLevel(photo, 0.99)).toBeGreaterThanOrEqual(200);
    // The face 1.5 stops darker than the rest: a face-lightness rule would lift it; the photo's highlights say it is exposed well.
    const darkFace = relit(0.35, masks.face);
    expect(meanLightness(darkFace, masks.face)).toBeLessThan(100);
    for (const image of [photo, darkFace]) {
      const { image: out, report } = enhancePhoto(image, masks, exposureOnly);
      expect(report.steps).not.toContain('exposure');
      expect(report.exposureGain).toBeUndefined();
      expect(Buffer.from(out.data).equals(Buffer.from(image.data))).toBe(true);
    }
  });

  it("brings an underexposed photo's highlights to 230 with a gain in linear light", () => {
    const under = relit(0.45);
    const before = highlightLevel(under, 0.99) as number;
    expect(before).toBeLessThan(200);
    const { image: out, report } = enhancePhoto(under, masks, exposureOnly);
    expect(report.steps).toEqual(['exposure']);
    expect(report.exposureGain).toBeCloseTo(linearOfSrgbByte(230) / linearOfSrgbByte(before), 6);
    expect(highlightLevel(out, 0.99)).toBe(exposureLut(report.exposureGain as number)[before]);
    expect(Math.abs((highlightLevel(out, 0.99) as number) - 230)).toBeLessThanOrEqual(1);
  });

  it('gives at most one stop, however dark the photo', () => {
    const { report } = enhancePhoto(relit(0.15), masks, exposureOnly);
    expect(report.steps).toEqual(['exposure']);
    expect(report.exposureGain).toBe(2);
  });

  it('does not darken a bright photo, and does nothing with exposure off', () => {
    for (const [image, options] of [[relit(1.8), exposureOnly], [relit(0.5), { ...exposureOnly, exposure: false }]] as const) {
      const { image: out, report } = enhancePhoto(image, masks, options);
      expect(report.steps).toEqual([]);
      expect(Buffer.from(out.data).equals(Buffer.from(image.data))).toBe(true);
    }
  });
});
