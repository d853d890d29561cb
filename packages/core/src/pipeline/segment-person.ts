import type { InferenceSession } from '../backends/inference-backend.js';
import { composeAffine, warpAffine, type Affine2D } from '../image/affine.js';
import { extendEdges } from '../image/extend-edges.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../image/rgba-image.js';
import type { ModelEntry } from '../models/model-manifest.js';
import { imageToTensor } from './image-tensor.js';
import { resampleGrayRegion, resizeGrayBilinear } from './segment-portrait.js';

/** A person-segmentation model (manifest stage `person`): square RGB input in [0, 1], NCHW; one probability plane out. */
export interface PersonModel {
  readonly entry: ModelEntry;
  readonly session: InferenceSession;
}

/**
 * How a window that is not square reaches the model's square input.
 * - 'pad' (default): the model sees a square of the photo centred on the window, its side the
 *   window's long side, so the person keeps their proportions and the model sees real context
 *   around the window (the photo's edge continued where the square leaves the photo); the
 *   window's part of the output is then cut out.
 * - 'squash': the window is stretched to the square.
 */
export type PersonFit = 'pad' | 'squash';

export interface SegmentPersonOptions {
  readonly fit?: PersonFit;
}

/**
 * The probability (0..1) that each pixel of a `width × height` window of the photo shows a
 * person: face, hair, neck, clothes. `windowToPhoto` maps window pixels to photo pixels (as
 * `cropWindowAffine` makes it, rotation included). The model input is warped straight from the
 * photo at the model's input size. Parts of the window outside the photo show the photo's edge
 * continued, and the model may call them person where the person meets that edge; callers that
 * need them cleared multiply by the crop's alpha.
 */
export async function segmentPerson(
  photo: RgbaImage,
  windowToPhoto: Affine2D,
  width: number,
  height: number,
  model: PersonModel,
  options: SegmentPersonOptions = {},
): Promise<GrayImage> {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`Expected a positive integer window size but received ${width}×${height}`);
  }
  const fit = options.fit ?? 'pad';
  const size = model.entry.inputSize;
  // Model input pixel → window pixel. 'pad': a square of side max(width, height) centred on the window.
  const side = Math.max(width, height);
  const offsetX = fit === 'pad' ? (side - width) / 2 : 0;
  const offsetY = fit === 'pad' ? (side - height) / 2 : 0;
  const inputToWindow: Affine2D = fit === 'pad' ? [side / size, 0, -offsetX, 0, side / size, -offsetY] : [width / size, 0, 0, 0, height / size, 0];
  // 2×2 samples per input pixel: the model's 256² view is coarse, and 4×4 cost 35 ms here. Past
  // 4 source pixels per input pixel the source is first reduced by whole blocks (a box filter),
  // not a Lanczos3 resize: 3× less time there, the same probabilities but at the edges (max 0.2).
  const inputToPhoto = composeAffine(windowToPhoto, inputToWindow);
  const input = warpAffine(photo, inputToPhoto, size, size, { maxSupersampling: 2, prefilter: 'box' });
  // Past the photo's edge the model sees the edge continued, not black: a small or tightly
  // framed photo floating in a black square reads to it as a head alone (it then gave a
  // greyscale sweater 0.3–0.5, and the body was lost).
  extendEdges(input, photo, inputToPhoto);

  const tensor = imageToTensor(input, 'nchw');
  const seen = await runPersonModel(model, tensor.data as Float32Array, size);
  // The model's own mirror image: its outline of a shoulder or a neck against a busy backdrop
  // flips with small changes of view, and the two views' mean is steadier (a neck it lost in
  // one view it mostly holds in the other). Faces and bodies are near-symmetric, so the mirrored
  // view is as likely as the photo itself.
  const mirrored = await runPersonModel(model, mirrorPlanes(tensor.data as Float32Array, size, 3), size);
  const both = mirrorPlanes(mirrored, size, 1);
  for (let i = 0; i < both.length; i++) both[i] = 0.5 * (both[i] + seen[i]);
  const plane = createGrayImage(size, size, both);
  const scale = size / side;
  const mask =
    fit === 'pad'
      ? resampleGrayRegion(plane, offsetX * scale, offsetY * scale, width * scale, height * scale, width, height)
      : resizeGrayBilinear(plane, width, height);
  clampToUnit(mask.data);
  return mask;
}

async function runPersonModel(model: PersonModel, input: Float32Array, size: number): Promise<Float32Array> {
  const [inputName] = model.entry.inputs;
  const [outputName] = model.entry.outputs;
  const outputs = await model.session.run({ [inputName]: { dims: [1, 3, size, size], data: input } }, [outputName]);
  const output = outputs[outputName];
  if (!output || output.data.length !== size * size) {
    throw new Error(`Person model ${model.entry.id} returned ${output?.data.length ?? 0} values, expected ${size * size}`);
  }
  return output.data as Float32Array;
}

/** `planes` square `size`² planes, each mirrored left to right, in a new array. */
function mirrorPlanes(data: Float32Array, size: number, planes: number): Float32Array {
  const out = new Float32Array(size * size * planes);
  for (let row = 0; row < size * planes; row++) {
    const o = row * size;
    for (let x = 0; x < size; x++) out[o + x] = data[o + size - 1 - x];
  }
  return out;
}

/** In place; a module-level loop, as segmentPortrait's (segment-portrait.ts says why). */
function clampToUnit(plane: Float32Array): void {
  for (let i = 0; i < plane.length; i++) plane[i] = Math.min(1, Math.max(0, plane[i]));
}
