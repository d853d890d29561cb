// The white-balance step in the enhancer reads the light off the background, not the subject:
// warm skin and hair must not pose as a warm light.
import { beforeAll, describe, expect, it } from 'vitest';
import { warpAffine } from '../../src/image/affine.js';
import { linearGainLuts } from '../../src/image/cast-estimate.js';
import { alphaToMask } from '../../src/image/composite.js';
import { featheredEllipseMask } from '../../src/image/ellipse-mask.js';
import { createGrayImage, createRgbaImage, type GrayImage, type RgbaImage } from '../../src/image/rgba-image.js';
import { enhancePhoto } from '../../src/pipeline/enhance-photo.js';
import { resolvePortraitOptions } from '../../src/options/index.js';
import { decodeForTest, readFixture } from '../support/fixtures.js';

const SIZE = 320;
const defaults = resolvePortraitOptions({}).enhance;
if (!defaults) throw new Error('enhancement is on by default');
const whiteBalanceOnly = { ...defaults, exposure: false, denoise: false, sharpen: false, contrast: 1, saturation: 1 };

let photo: RgbaImage;
let inPhoto: GrayImage;
let face: GrayImage;
let subject: GrayImage;
beforeAll(async () => {
  // group-3: people in front of a room, balanced by the camera.
  const full = await decodeForTest(await readFixture('group-3.jpg'));
  const scale = Math.min(full.width, full.height) / SIZE;
  photo = warpAffine(full, [scale, 0, (full.width - SIZE * scale) / 2, 0, scale, (full.height - SIZE * scale) / 2], SIZE, SIZE);
  inPhoto = alphaToMask(photo);
  face = featheredEllipseMask(SIZE, SIZE, { centerX: 160, centerY: 130, radiusX: 45, radiusY: 60, feather: 2 });
  // A subject in the middle of the crop, a third of its area.
  subject = createGrayImage(SIZE, SIZE);
  for (let y = 60; y < 320; y++) for (let x = 70; x < 250; x++) subject.data[y * SIZE + x] = 1;
});

/** The photo with the subject's own colours made warmer (red up, blue down in linear light): warmer skin, not a warmer light. */
function warmerSubject(): RgbaImage {
  const [r, , b] = linearGainLuts({ r: 1.2, g: 1, b: 0.75 });
  const out = createRgbaImage(SIZE, SIZE, new Uint8ClampedArray(photo.data));
  for (let p = 0; p < SIZE * SIZE; p++) {
    if (!(subject.data[p] > 0.5)) continue;
    out.data[p * 4] = r[out.data[p * 4]];
    out.data[p * 4 + 2] = b[out.data[p * 4 + 2]];
  }
  return out;
}

describe('enhancePhoto white balance', () => {
  it('reads the light off the background: a warmer subject does not change the gains', () => {
    const gains = enhancePhoto(photo, { face, subject, inPhoto }, whiteBalanceOnly).report.whiteBalanceGains!;
    const warmer = enhancePhoto(warmerSubject(), { face, subject, inPhoto }, whiteBalanceOnly).report.whiteBalanceGains!;
    expect(warmer).toEqual(gains);
    // Read over the whole crop instead (a subject filling it leaves no background), the warmer subject does move them.
    const everything = createGrayImage(SIZE, SIZE);
    everything.data.fill(1);
    const whole = enhancePhoto(photo, { face, subject: everything, inPhoto }, whiteBalanceOnly).report.whiteBalanceGains!;
    const wholeWarmer = enhancePhoto(warmerSubject(), { face, subject: everything, inPhoto }, whiteBalanceOnly).report.whiteBalanceGains!;
    expect(wholeWarmer).not.toEqual(whole);
  });
});
