import { composeAffine, invertAffine, type Affine2D } from '../../image/affine.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../../image/rgba-image.js';
import { segmentPerson, type PersonModel } from '../segment-person.js';

/** The person model looks at a window this much larger than the crop, so it sees the shoulders and the people around. */
const CONTEXT = 1.6;
/** Long side of the context plane in pixels: the model's own 256² output carries no more detail. */
const CONTEXT_LONG_SIDE = 320;

export interface PersonPrior {
  /** Person probability on the crop's pixels. */
  readonly crop: GrayImage;
  /** Person probability on the larger context window, at low resolution. */
  readonly context: GrayImage;
  /** Context-plane pixel → crop pixel. */
  readonly contextToCrop: Affine2D;
}

/** Bilinear samples of `plane` at `outToPlane(x, y)` for each output pixel; outside the plane: 0. */
export function sampleGray(plane: GrayImage, outToPlane: Affine2D, width: number, height: number): GrayImage {
  const out = createGrayImage(width, height);
  const [a, b, c, d, e, f] = outToPlane;
  const { width: pw, height: ph, data } = plane;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = a * (x + 0.5) + b * (y + 0.5) + c - 0.5;
      const v = d * (x + 0.5) + e * (y + 0.5) + f - 0.5;
      if (u < -0.5 || v < -0.5 || u > pw - 0.5 || v > ph - 0.5) continue;
      const uc = Math.min(Math.max(u, 0), pw - 1);
      const vc = Math.min(Math.max(v, 0), ph - 1);
      const x0 = Math.floor(uc);
      const y0 = Math.floor(vc);
      const x1 = Math.min(x0 + 1, pw - 1);
      const y1 = Math.min(y0 + 1, ph - 1);
      const wx = uc - x0;
      const wy = vc - y0;
      const top = data[y0 * pw + x0] * (1 - wx) + data[y0 * pw + x1] * wx;
      const bottom = data[y1 * pw + x0] * (1 - wx) + data[y1 * pw + x1] * wx;
      out.data[y * width + x] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/**
 * Where the people are, around and inside the portrait crop: the person model on a window
 * CONTEXT times the crop, centred on it, then sampled onto the crop's pixels.
 */
export async function personPrior(photo: RgbaImage, cropToPhoto: Affine2D, width: number, height: number, model: PersonModel): Promise<PersonPrior> {
  const step = (Math.max(width, height) * CONTEXT) / CONTEXT_LONG_SIDE;
  const contextWidth = Math.max(8, Math.round((width * CONTEXT) / step));
  const contextHeight = Math.max(8, Math.round((height * CONTEXT) / step));
  const offsetX = (contextWidth * step - width) / 2;
  const offsetY = (contextHeight * step - height) / 2;
  const contextToCrop: Affine2D = [step, 0, -offsetX, 0, step, -offsetY];
  const context = await segmentPerson(photo, composeAffine(cropToPhoto, contextToCrop), contextWidth, contextHeight, model);
  const crop = sampleGray(context, invertAffine(contextToCrop), width, height);
  return { crop, context, contextToCrop };
}
