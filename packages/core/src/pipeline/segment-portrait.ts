import type { InferenceSession } from '../backends/inference-backend.js';
import { composeAffine, warpAffine, type Affine2D } from '../image/affine.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../image/rgba-image.js';
import type { ModelEntry } from '../models/model-manifest.js';
import { extendEdges } from '../image/extend-edges.js';
import { imageToTensor } from './image-tensor.js';

export interface SegmentationModel {
  readonly entry: ModelEntry;
  readonly session: InferenceSession;
}

/** ISNet's input normalisation: (x − 128) / 256 per channel. */
const ISNET_SCALE = 255 / 256;
const ISNET_OFFSET = -0.5;

/** The model input for a crop of `width × height`: `size` on the long side, both multiples of 32. */
export function segmentationInputSize(width: number, height: number, size: number) {
  const round32 = (v: number) => Math.max(32, Math.round(v / 32) * 32);
  return width >= height ? { width: size, height: round32((size * height) / width) } : { width: round32((size * width) / height), height: size };
}

/**
 * Bilinear resample of the rectangle (x, y, width, height) of `src` (in its pixel units) to
 * `outWidth × outHeight`, pixel centres aligned; samples beyond the plane repeat its edge.
 * With the whole plane as the rectangle this is `resizeGrayBilinear`.
 */
export function resampleGrayRegion(src: GrayImage, x: number, y: number, width: number, height: number, outWidth: number, outHeight: number): GrayImage {
  const out = createGrayImage(outWidth, outHeight);
  const sx = width / outWidth;
  const sy = height / outHeight;
  for (let j = 0; j < outHeight; j++) {
    const fy = Math.min(Math.max(y + (j + 0.5) * sy - 0.5, 0), src.height - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, src.height - 1);
    const wy = fy - y0;
    for (let i = 0; i < outWidth; i++) {
      const fx = Math.min(Math.max(x + (i + 0.5) * sx - 0.5, 0), src.width - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, src.width - 1);
      const wx = fx - x0;
      const top = src.data[y0 * src.width + x0] * (1 - wx) + src.data[y0 * src.width + x1] * wx;
      const bottom = src.data[y1 * src.width + x0] * (1 - wx) + src.data[y1 * src.width + x1] * wx;
      out.data[j * outWidth + i] = top * (1 - wy) + bottom * wy;
    }
  }
  return out;
}

/** Bilinear resize of a float plane, pixel centres aligned (the mask is smooth; no antialiasing needed at these ratios). */
export function resizeGrayBilinear(src: GrayImage, width: number, height: number): GrayImage {
  return resampleGrayRegion(src, 0, 0, src.width, src.height, width, height);
}

/**
 * The subject's alpha for the portrait crop. The model input is warped straight from the photo
 * (not from the already-resampled crop), so the mask sees the sharpest pixels available, and
 * where the crop runs past the photo the model sees the photo's edge continued (extendEdges),
 * not a black border; the mask is then resized to the crop and cleared wherever the crop lies
 * outside the photo.
 */
export async function segmentPortrait(
  photo: RgbaImage,
  cropToPhoto: Affine2D,
  crop: RgbaImage,
  model: SegmentationModel,
  size: number,
): Promise<GrayImage> {
  const input = segmentationInputSize(crop.width, crop.height, size);
  const inputToCrop: Affine2D = [crop.width / input.width, 0, 0, 0, crop.height / input.height, 0];
  const inputToPhoto = composeAffine(cropToPhoto, inputToCrop);
  const inputImage = warpAffine(photo, inputToPhoto, input.width, input.height);
  extendEdges(inputImage, photo, inputToPhoto);
  const outputs = await model.session.run(
    { [model.entry.inputs[0]]: imageToTensor(inputImage, 'nchw', ISNET_SCALE, ISNET_OFFSET) },
    [model.entry.outputs[0]],
  );
  const output = outputs[model.entry.outputs[0]];
  if (!output || output.data.length !== input.width * input.height) {
    throw new Error(`Segmentation model ${model.entry.id} returned ${output?.data.length ?? 0} values, expected ${input.width * input.height}`);
  }
  const mask = resizeGrayBilinear(createGrayImage(input.width, input.height, output.data as Float32Array), crop.width, crop.height);
  clampInsidePhoto(mask.data, crop.data);
  return mask;
}

/**
 * The probabilities clamped to [0, 1] and cleared outside the photo (the crop's alpha), in place.
 * A module-level loop: segmentPortrait, async and run once per portrait, was deoptimised after
 * its await in most portraits, and an inline loop over the crop then ran unoptimised.
 */
function clampInsidePhoto(mask: Float32Array, crop: Uint8ClampedArray): void {
  for (let i = 0; i < mask.length; i++) mask[i] = Math.min(1, Math.max(0, mask[i])) * (crop[i * 4 + 3] / 255);
}
