import { claheOnLightness } from '../image/clahe.js';
import { meanLightness } from '../image/color-space.js';
import { bilateralFilter } from '../image/denoise.js';
import type { GrayImage, RgbaImage } from '../image/rgba-image.js';
import { unsharpMask } from '../image/sharpen.js';
import { applyLut } from '../image/channel-lut.js';
import { adjustGamma, adjustSaturation, contrastTable } from '../image/tone.js';
import { greyWorldWhiteBalance } from '../image/white-balance.js';
import type { EnhanceOptions } from '../options/index.js';

/**
 * Exposure is judged on the face (hair and clothes say nothing about it): mean lightness on
 * OpenCV's 8-bit L scale. Well-exposed skin sits roughly between 120 and 200; outside that, a
 * gamma curve brings the face to 150 and a gentle CLAHE restores local contrast.
 */
const FACE_LIGHTNESS_RANGE = [120, 200] as const;
const FACE_LIGHTNESS_TARGET = 150;
/** Grey world assumes an average-grey scene; real portraits often are not, so correct half-way. */
const WHITE_BALANCE_STRENGTH = 0.5;

function hasWeight(mask: GrayImage): boolean {
  for (let i = 0; i < mask.data.length; i++) if (mask.data[i] > 0) return true;
  return false;
}

export interface EnhanceReport {
  readonly steps: readonly string[];
  readonly meanLightnessBefore: number;
  readonly whiteBalanceGains?: { r: number; g: number; b: number };
}

/**
 * Photo enhancement on the portrait crop, in the original service's order: exposure, denoise,
 * white balance, sharpen, contrast, saturation. Statistics (exposure, contrast pivot) are taken
 * over `subject` (the segmentation alpha) so that a removed background does not steer them;
 * white balance looks at everything inside the photo, the background included, since it shows
 * the light best.
 */
export function enhancePhoto(
  image: RgbaImage,
  masks: { readonly face: GrayImage; readonly subject: GrayImage; readonly inPhoto: GrayImage },
  options: EnhanceOptions,
): { image: RgbaImage; report: EnhanceReport } {
  const steps: string[] = [];
  let out = image;
  // Statistics over an empty mask are undefined: fall back to the whole photo area.
  const face = hasWeight(masks.face) ? masks.face : masks.inPhoto;
  const subject = hasWeight(masks.subject) ? masks.subject : masks.inPhoto;
  const lightness = meanLightness(out, face);
  if (options.exposure && (lightness < FACE_LIGHTNESS_RANGE[0] || lightness > FACE_LIGHTNESS_RANGE[1])) {
    // L is roughly proportional to (value/255)^0.8 over skin tones; solve for the gamma that
    // moves the face's mean to the target, limited to a moderate curve.
    const gamma = Math.min(2, Math.max(0.6, Math.log(lightness / 255) / Math.log(FACE_LIGHTNESS_TARGET / 255)));
    out = adjustGamma(out, gamma);
    out = claheOnLightness(out, { clipLimit: 1.5, tilesX: 8, tilesY: 8 });
    steps.push('gamma', 'clahe');
  }
  if (options.denoise) {
    out = bilateralFilter(out, { radius: 2, sigmaColor: 12, sigmaSpace: 1.5 });
    steps.push('denoise');
  }
  let gains: EnhanceReport['whiteBalanceGains'];
  if (options.whiteBalance) {
    const balanced = greyWorldWhiteBalance(out, { maxGain: 1.5, mask: masks.inPhoto, strength: WHITE_BALANCE_STRENGTH });
    out = balanced.image;
    gains = balanced.gains;
    steps.push('white-balance');
  }
  if (options.sharpen) {
    out = unsharpMask(out, { amount: 0.5, sigma: 1, threshold: 2 });
    steps.push('sharpen');
  }
  // Contrast is a table once its mean is known: saturation applies it in its own pass.
  const contrast = options.contrast !== 1 ? contrastTable(out, options.contrast, { mask: subject }) : undefined;
  if (contrast) steps.push('contrast');
  if (options.saturation !== 1) {
    out = adjustSaturation(out, options.saturation, contrast ? { before: contrast } : {});
    steps.push('saturation');
  } else if (contrast) {
    out = applyLut(out, contrast);
  }
  return { image: out, report: { steps, meanLightnessBefore: lightness, ...(gains ? { whiteBalanceGains: gains } : {}) } };
}
