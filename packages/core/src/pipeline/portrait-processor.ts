import type { InferenceBackend } from '../backends/inference-backend.js';
import { weightTypeOf } from '../backends/variant-preference.js';
import { eyeGeometry, LANDMARK_INDEX } from '../geometry/face-landmarks.js';
import { measurePortrait, type PortraitMetrics } from '../geometry/portrait-metrics.js';
import { computePortraitWindow, type PortraitWindow } from '../geometry/portrait-window.js';
import type { Box, Point } from '../geometry/point.js';
import { applyAffine, cropWindowAffine, invertAffine, warpAffine, type Affine2D } from '../image/affine.js';
import { alphaToMask, compositeOnColor, withAlpha } from '../image/composite.js';
import { featheredEllipseMask } from '../image/ellipse-mask.js';
import { decontaminateReadBox, edgeZonesOf, freeEdgeColours } from '../image/decontaminate-edge.js';
import { estimateForeground, foregroundReadBox } from '../image/estimate-foreground.js';
import { boxReduce } from '../image/box-reduce.js';
import { resizeImage } from '../image/resize.js';
import { createGrayImage, type GrayImage, type RgbaImage } from '../image/rgba-image.js';
import { decodeImage, type ImageCodec } from '../io/image-codec.js';
import { guardUnder, type GuardedImage } from '../io/image-guard.js';
import { encodeJpegUnder } from '../io/jpeg-under-size.js';
import type { ImageFormat } from '../io/sniff-format.js';
import type { WeightType } from '../models/model-manifest.js';
import type { ModelSource } from '../models/model-source.js';
import { detectFaces, type FaceDetection } from './detect-faces.js';
import { detectLandmarks, LANDMARK_CROP_SCALE, placeLandmarks } from './detect-landmarks.js';
import { enhancePhoto, type EnhanceReport, type PixelRect } from './enhance-photo.js';
import { loadPortraitModels, type LoadedModel, type ModelLoadProgress, type PortraitModels } from './load-models.js';
import { resolvePortraitOptions, type PortraitOptions, type PortraitOptionsInput } from '../options/index.js';
import { restoreFace } from './restore-face.js';
import { cutOutSubject, type CutoutMode } from './cutout/cut-out-subject.js';
import { mapPeople } from './cutout/person-prior.js';
import { frameInsidePhoto, photoEdgeCut } from './frame-subject.js';
import { lowResolutionWarning, touchesOtherPersonWarning, type PortraitWarning } from './portrait-warnings.js';
import { placeSubject } from './select-subject.js';
import { createStageTimer, type StageTimings } from './stage-timer.js';

/** Oval radii as a fraction of the crop, and the feather as a fraction of the smaller side. */
const OVAL_RADIUS = 0.48;
const OVAL_FEATHER = 0.03;
/** Photos are searched for faces on a copy whose long side is at most this. */
const DETECTION_LONG_SIDE = 1280;

export interface ModelRuntime {
  readonly model: string;
  readonly stage: string;
  readonly backend: string;
  readonly device: string;
  /** The variant of the model that runs (its stored weight type): int8, float16 or float32. */
  readonly variant: WeightType;
}

export interface PortraitResult {
  readonly png: Uint8Array;
  readonly jpeg: Uint8Array;
  readonly jpegQuality: number;
  /** False when even the lowest allowed quality is over `maxJpegKb` (the JPEG is then that encode). */
  readonly jpegFits: boolean;
  /** The output pixels (straight alpha), as in the PNG. */
  readonly image: RgbaImage;
  readonly width: number;
  readonly height: number;
  readonly input: { readonly format: ImageFormat; readonly width: number; readonly height: number; readonly orientation: number };
  /** Every face found, largest first, in the upright photo's pixels. */
  readonly faces: readonly FaceDetection[];
  readonly subjectIndex: number;
  /** The subject's 68 landmarks in the upright photo's pixels. */
  readonly landmarks: readonly Point[];
  /** The rotated crop window in the photo. */
  readonly window: { readonly centerX: number; readonly centerY: number; readonly width: number; readonly height: number; readonly angleDegrees: number };
  readonly metrics: PortraitMetrics;
  readonly enhancement: EnhanceReport | null;
  readonly restoration: 'applied' | 'disabled' | 'no-model';
  readonly timings: StageTimings;
  /** The margin the framing really gives, and whether the window was moved or shrunk to stay inside the photo. */
  readonly framing: { readonly marginUsed: number; readonly adjusted: boolean };
  /** The cut-out that ran (null without background removal). */
  readonly cutout: CutoutMode | null;
  /** What the caller should know about this result, e.g. the photo's edge cutting the subject. */
  readonly warnings: readonly PortraitWarning[];
  readonly backend: readonly ModelRuntime[];
  readonly options: PortraitOptions;
}

export interface PortraitAnalysis {
  readonly width: number;
  readonly height: number;
  readonly faces: readonly FaceDetection[];
  readonly subjectIndex: number;
  readonly landmarks: readonly Point[];
  readonly rollDegrees: number;
}

export interface ProcessCallbacks {
  readonly onStage?: (stage: string, phase: 'start' | 'end') => void;
}

export interface PortraitProcessor {
  readonly backend: InferenceBackend;
  readonly codec: ImageCodec;
  readonly runtimes: readonly ModelRuntime[];
  readonly models: PortraitModels;
  /**
   * Decodes a photo (JPEG, PNG, WebP, BMP, … with EXIF orientation applied) and makes the portrait.
   * Takes the bytes, or the guard made for them already (its header is not read again).
   */
  process(input: Uint8Array | GuardedImage, options?: PortraitOptionsInput, callbacks?: ProcessCallbacks): Promise<PortraitResult>;
  /** Faces in a photo, without making a portrait. */
  detect(bytes: Uint8Array, options?: Pick<PortraitOptionsInput, 'maxPixels'>): Promise<readonly FaceDetection[]>;
  /** Faces, the subject's landmarks and its roll: the first stages alone, e.g. to check a result. */
  analyze(bytes: Uint8Array, options?: Pick<PortraitOptionsInput, 'maxPixels' | 'subject'>): Promise<PortraitAnalysis>;
  release(): Promise<void>;
}

export interface CreatePortraitProcessorOptions {
  readonly backend: InferenceBackend;
  readonly models: ModelSource;
  readonly codec: ImageCodec;
  readonly onModelProgress?: (progress: ModelLoadProgress) => void;
  /** Run this variant of the segmentation model instead of the one the backend prefers. */
  readonly segmentationVariant?: WeightType;
}

/**
 * A detection carried through an affine map (scale, rotation, translation): the box keeps its
 * size relative to the face (centre mapped, sides scaled), rather than growing into the
 * bounding box of a rotated square.
 */
function mapDetection(m: Affine2D, face: FaceDetection): FaceDetection {
  const scale = Math.sqrt(Math.abs(m[0] * m[4] - m[1] * m[3]));
  const centre = applyAffine(m, face.box.x + face.box.width / 2, face.box.y + face.box.height / 2);
  const width = face.box.width * scale;
  const height = face.box.height * scale;
  return {
    box: { x: centre.x - width / 2, y: centre.y - height / 2, width, height },
    keypoints: face.keypoints.map((p) => applyAffine(m, p.x, p.y)),
    score: face.score,
  };
}

/**
 * A downscaled copy for detection and the factor back to the photo's pixels. A photo 2× the
 * copy or more (a 12-megapixel phone photo is 3.15×) is first reduced by whole n×n blocks, so
 * the bilinear resize that follows reads 1–2 pixels per output pixel instead of the whole
 * photo at 7–9 taps a side; the blocks' last row and column may be partial, which shifts the
 * copy by less than n pixels of the photo across its whole width.
 */
function detectionCopy(photo: RgbaImage): { image: RgbaImage; scale: number } {
  const long = Math.max(photo.width, photo.height);
  if (long <= DETECTION_LONG_SIDE) return { image: photo, scale: 1 };
  const scale = long / DETECTION_LONG_SIDE;
  const width = Math.max(1, Math.round(photo.width / scale));
  const height = Math.max(1, Math.round(photo.height / scale));
  const blocks = Math.floor(scale);
  const source = blocks >= 2 ? boxReduce(photo, blocks, blocks) : photo;
  return { image: resizeImage(source, width, height, { filter: 'bilinear' }), scale: photo.width / width };
}

/** Whether a box (in crop pixels) overlaps the `width × height` crop. */
function boxReachesInto(b: Box, width: number, height: number): boolean {
  return b.x < width && b.y < height && b.x + b.width > 0 && b.y + b.height > 0;
}

/** Points certainly on the subject: eyes, nose, mouth centre, chin. */
function faceSeeds(landmarks: readonly Point[]): Point[] {
  const eyes = eyeGeometry(landmarks);
  return [eyes.midpoint, eyes.imageLeftEye, eyes.imageRightEye, landmarks[30], landmarks[51], landmarks[57], landmarks[LANDMARK_INDEX.chin]];
}

/**
 * A square that holds whatever `detectLandmarks` reads of the crop for this face box: its window
 * is the box's larger side × LANDMARK_CROP_SCALE, turned by any roll, so within window/√2 of the
 * centre (with 3 % to spare), plus the warp's reach (a Lanczos prefilter's support when the
 * window is more than 4× the net's input, a bilinear tap) and a few pixels.
 */
function landmarkReadBox(box: { x: number; y: number; width: number; height: number }, inputSize: number): PixelRect {
  const side = Math.max(box.width, box.height);
  const window = LANDMARK_CROP_SCALE * side;
  const half = (1.03 * window) / Math.SQRT2 + Math.ceil((5 * window) / inputSize) + 4;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return { x: Math.floor(cx - half), y: Math.floor(cy - half), width: Math.ceil(2 * half) + 1, height: Math.ceil(2 * half) + 1 };
}

/** The smallest rectangle holding both (either may be missing). */
function unionOf(a: PixelRect | null, b: PixelRect | null): PixelRect | null {
  return a && b ? unionRect(a, b) : (a ?? b);
}

function unionRect(a: PixelRect | null, b: PixelRect): PixelRect {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

/**
 * out = a · b, pixel by pixel. A loop over every pixel lives in a module-level function, not in a
 * closure made per portrait: V8 ran such a closure's loop unoptimised (4–20 ms for this product
 * of two 648² planes inside the oval stage, 1 ms here).
 */
function multiplyPlanes(out: Float32Array, a: Float32Array, b: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i] * b[i];
}

/** An ellipse over the cheeks, nose and forehead: where exposure is judged. */
function faceSkinMask(landmarks: readonly Point[], width: number, height: number): GrayImage {
  const eyes = eyeGeometry(landmarks);
  const chin = landmarks[LANDMARK_INDEX.chin];
  const jaw = landmarks.slice(...LANDMARK_INDEX.jaw);
  const jawWidth = Math.max(...jaw.map((p) => p.x)) - Math.min(...jaw.map((p) => p.x));
  // At least a pixel each way: a face of a few pixels still gets a (tiny) mask, not a RangeError.
  return featheredEllipseMask(width, height, {
    centerX: (eyes.midpoint.x + chin.x) / 2,
    centerY: (eyes.midpoint.y + chin.y) / 2 - (chin.y - eyes.midpoint.y) * 0.1,
    radiusX: Math.max(1, jawWidth * 0.35),
    radiusY: Math.max(1, (chin.y - eyes.midpoint.y) * 0.6),
    feather: 2,
  });
}

export async function createPortraitProcessor(options: CreatePortraitProcessorOptions): Promise<PortraitProcessor> {
  const { backend, codec } = options;
  const models = await loadPortraitModels(options.models, backend, options.onModelProgress, true, options.segmentationVariant ? { segmentationVariant: options.segmentationVariant } : {});
  const detectors = { shortRange: models.shortRangeDetector, fullRange: models.fullRangeDetector };
  const runtimes: ModelRuntime[] = Object.values(models).map((m) => ({
    model: m.entry.id,
    stage: m.entry.stage,
    backend: m.session.backend,
    device: m.session.device,
    variant: weightTypeOf(m.entry),
  }));

  // The oval depends on the crop's size alone, which is the same for every portrait at one
  // canvas size: made once per size (about 4 ms and as much garbage each time), never changed.
  let oval: GrayImage | undefined;
  function ovalMask(width: number, height: number): GrayImage {
    if (oval?.width !== width || oval.height !== height) {
      oval = featheredEllipseMask(width, height, {
        centerX: width / 2,
        centerY: height / 2,
        radiusX: width * OVAL_RADIUS,
        radiusY: height * OVAL_RADIUS,
        feather: Math.min(width, height) * OVAL_FEATHER,
      });
    }
    return oval;
  }

  /** Faces in the photo, found on a downscaled copy; the copy is returned for the person model too. */
  async function findFaces(photo: RgbaImage): Promise<{ faces: FaceDetection[]; copy: { image: RgbaImage; scale: number } }> {
    const copy = detectionCopy(photo);
    const faces = await detectFaces(copy.image, detectors);
    return { faces: copy.scale === 1 ? faces : faces.map((f) => mapDetection([copy.scale, 0, 0, 0, copy.scale, 0], f)), copy };
  }

  /**
   * The 68 landmarks (in crop pixels) of each other face whose box reaches into the crop, where
   * they can be placed: the people split then knows their faces' outlines, not only the
   * detector's boxes, whose margins may lie on the subject's hair.
   */
  async function neighbourLandmarks(photo: RgbaImage, others: readonly FaceDetection[], boxes: readonly Box[], photoToCrop: Affine2D, width: number, height: number): Promise<(Point[] | undefined)[]> {
    const out: (Point[] | undefined)[] = [];
    for (const [k, face] of others.entries()) {
      if (!boxReachesInto(boxes[k], width, height)) {
        out.push(undefined);
        continue;
      }
      const placed = await placeLandmarks(photo, face, models.landmarks);
      out.push(placed.check.ok ? placed.landmarks.map((p) => applyAffine(photoToCrop, p.x, p.y)) : undefined);
    }
    return out;
  }

  async function process(image: Uint8Array | GuardedImage, input: PortraitOptionsInput = {}, callbacks: ProcessCallbacks = {}): Promise<PortraitResult> {
    const o = resolvePortraitOptions(input);
    const timer = createStageTimer(callbacks.onStage);

    // Under this request's own limit; a guard handed in keeps the header it read.
    const decoded = await timer.time('decode', () => decodeImage(codec, guardUnder(image, o.maxPixels)));
    const photo = decoded.image;
    const { faces, copy: detectionView } = await timer.time('detect', () => findFaces(photo));
    const aspect = o.width / o.height;
    const placed = await timer.time('landmarks', () =>
      placeSubject<PortraitWindow>(photo, faces, o.subject, models.landmarks, (points) => computePortraitWindow(points, { faceMargin: o.faceMargin, topMarginFactor: o.topMarginFactor, aspect })),
    );
    const { subjectIndex, landmarks, framed: askedWindow } = placed;
    const subject = faces[subjectIndex];
    const rollBefore = eyeGeometry(landmarks).rollDegrees;
    // The person model once, around the window asked for (read from the detector's copy): it
    // decides the framing and guides the cut-out.
    const people = models.person && o.removeBackground
      ? await timer.time('people', () => mapPeople(photo, askedWindow, models.person as LoadedModel, { image: detectionView.image, fromPhoto: [1 / detectionView.scale, 0, 0, 0, 1 / detectionView.scale, 0] }))
      : undefined;
    // Where the window runs past the photo and the person continues there: move it, then shrink the margin.
    const framing = await timer.time('frame', () => frameInsidePhoto(photo, landmarks, askedWindow, o, people));
    const window = framing.window;

    // One warp from the photo into the levelled crop, at the canvas size, or at the crop's own
    // size when the photo has fewer pixels there than the canvas (upscaled with Lanczos at the end).
    const nativeScale = Math.min(1, window.width / o.width);
    const workWidth = Math.max(1, Math.round(o.width * nativeScale));
    const workHeight = Math.max(1, Math.round(o.height * nativeScale));
    const cropToPhoto = cropWindowAffine({ ...window, outputWidth: workWidth, outputHeight: workHeight });
    // At the crop's own size the scale is 1 but for rounding the size to whole pixels (within half
    // a pixel over the crop): one sample per pixel, as at exactly 1, rather than 2×2 samples that
    // only blur (and cost four times as much) when the rounding happens to go the other way.
    const unitScale = window.width <= workWidth + 0.5 && window.height <= workHeight + 0.5;
    const crop = await timer.time('warp', () => warpAffine(photo, cropToPhoto, workWidth, workHeight, unitScale ? { maxSupersampling: 1 } : {}));
    const inPhoto = alphaToMask(crop);

    const photoToCrop = invertAffine(cropToPhoto);
    const cropLandmarks = landmarks.map((p) => applyAffine(photoToCrop, p.x, p.y));

    const otherFaces = faces.filter((_, i) => i !== subjectIndex);
    const otherBoxes = otherFaces.map((f) => mapDetection(photoToCrop, f).box);
    // The people split outlines the other faces in view by their landmarks (person cut-outs only).
    const splitsPeople = o.removeBackground && o.cutout !== 'salient' && models.person !== undefined;
    const otherLandmarks = splitsPeople && otherBoxes.some((b) => boxReachesInto(b, workWidth, workHeight))
      ? await timer.time('neighbours', () => neighbourLandmarks(photo, otherFaces, otherBoxes, photoToCrop, workWidth, workHeight))
      : [];
    // The subject only: ISNet's fine edge where the person model agrees, the whole person where
    // ISNet drops them, the face always, other people cut away (see cutout/cut-out-subject.ts).
    const cutout = o.removeBackground
      ? await timer.time('segment', () =>
          cutOutSubject({
            photo,
            people,
            cropToPhoto,
            crop,
            landmarks: cropLandmarks,
            subjectBox: mapDetection(photoToCrop, subject).box,
            otherBoxes,
            otherLandmarks,
            seeds: faceSeeds(cropLandmarks),
            segmentation: models.segmentation,
            person: models.person,
            segmentationSize: o.segmentationSize,
            mode: o.cutout,
            outputScale: o.width / workWidth,
          }),
        )
      : undefined;
    const subjectMask: GrayImage | undefined = cutout?.alpha;
    // The parts of the segment stage, for the bench (the stage's own time stays the sum of them).
    if (cutout) for (const [part, partMs] of Object.entries(cutout.timings)) if (partMs > 0) timer.timings[`segment.${part}`] = partMs;
    // A straight cut by the photo's own edge through the subject that framing could not avoid: said, not hidden.
    const warnings: PortraitWarning[] = [];
    const edgeCut = photoEdgeCut(subjectMask ?? inPhoto, inPhoto);
    if (edgeCut > 0) {
      warnings.push({
        code: 'frame_exceeds_photo',
        message: `The photo ends inside the portrait: its edge cuts the subject along ${Math.round(edgeCut * 100)} % of the canvas width (margin used ${framing.marginUsed.toFixed(2)})`,
        share: Math.round(edgeCut * 1000) / 1000,
        marginUsed: Math.round(framing.marginUsed * 1000) / 1000,
      });
    }
    // A small face blown up to the canvas is soft whatever the cut-out: said, so it is not printed unseen.
    const lowResolution = lowResolutionWarning(window.width, o.width);
    if (lowResolution) warnings.push(lowResolution);
    // Crop pixels and canvas pixels cover the same share of the width.
    const touching = cutout ? touchesOtherPersonWarning(cutout.neighbourCut / workWidth) : undefined;
    if (touching) warnings.push(touching);

    // Where the refined cut-out's edge colours are read and freed, worked out once for both the
    // enhancement's bounds and the freeing itself.
    const edgeZones = cutout?.mode === 'refined' && subjectMask ? await timer.time('edges', () => edgeZonesOf(subjectMask)) : undefined;
    let working = crop;
    let enhancement: EnhanceReport | null = null;
    if (o.enhance) {
      const enhanceOptions = o.enhance;
      // Only what is seen or read later needs enhancing exactly: the subject (alpha > 0, which
      // the oval only narrows), the box the foreground estimate reads, the landmark net's window
      // for the measure. A restoration model reads the face its own way: then the whole crop.
      const needed = subjectMask && !(o.restoreFace && models.restoration)
        ? unionRect(cutout?.mode === 'refined' ? unionOf(foregroundReadBox(subjectMask), decontaminateReadBox(subjectMask, undefined, edgeZones)) : null, landmarkReadBox(mapDetection(photoToCrop, subject).box, models.landmarks.entry.inputSize))
        : undefined;
      const result = await timer.time('enhance', () =>
        enhancePhoto(crop, { face: faceSkinMask(cropLandmarks, workWidth, workHeight), subject: subjectMask ?? inPhoto, inPhoto }, enhanceOptions, needed),
      );
      working = result.image;
      enhancement = result.report;
    }
    let restoration: PortraitResult['restoration'] = 'disabled';
    if (o.restoreFace) {
      restoration = 'no-model';
      const restorer = models.restoration;
      if (restorer) {
        working = await timer.time('restore', () => restoreFace(working, cropLandmarks, restorer, o.fidelity));
        restoration = 'applied';
      }
    }

    let alpha = subjectMask ?? inPhoto;
    if (o.ovalMask) {
      const mask = alpha;
      alpha = await timer.time('oval', () => {
        const out = createGrayImage(workWidth, workHeight);
        multiplyPlanes(out.data, ovalMask(workWidth, workHeight).data, mask.data);
        return out;
      });
    }
    // The refined cut-out also frees the edge's colours of the old background (no halo on a new
    // one): the solid rim the photo's own blur mixed with it, then the soft pixels, then any hue
    // of the old background (a blue screen's) left on the soft pixels.
    let output = cutout?.mode === 'refined' && subjectMask
      ? await timer.time('foreground', () =>
          withAlpha(freeEdgeColours(working, subjectMask, (rimFreed) => estimateForeground(rimFreed, subjectMask), undefined, edgeZones), alpha),
        )
      : withAlpha(working, alpha);
    if (workWidth !== o.width || workHeight !== o.height) {
      output = await timer.time('resize', () => resizeImage(output, o.width, o.height, { filter: 'lanczos3' }));
    }

    // Re-measure on the result: the landmark net on the subject's face as it now stands in the
    // (levelled, enhanced) crop. Ratios are the same at the crop's size and the canvas's. The crop
    // was levelled by the landmarks' eye line, so one upright pass reads it as it stands.
    const subjectInCrop = mapDetection(photoToCrop, subject);
    const croppedLandmarks = await timer.time('measure', () => detectLandmarks(working, subjectInCrop, models.landmarks, { level: true }));
    const metrics = measurePortrait({
      landmarks: croppedLandmarks,
      mask: subjectMask,
      width: workWidth,
      height: workHeight,
      rollBeforeDegrees: rollBefore,
      faceCount: faces.length,
    });

    // Both encoders at once: in Node each gets its own libvips thread. The JPEG starts first, so
    // that where a browser encodes it off this thread, that overlaps the PNG writer's filtering.
    const [jpeg, png] = await timer.time('encode', () =>
      Promise.all([
        encodeJpegUnder(codec, compositeOnColor(output, o.background), {
          maxBytes: Math.floor(o.maxJpegKb * 1024),
          minQuality: o.minJpegQuality,
          maxQuality: 95,
        }),
        codec.encodePng(output),
      ]),
    );

    return {
      png,
      jpeg: jpeg.bytes,
      jpegQuality: jpeg.quality,
      jpegFits: jpeg.fits,
      image: output,
      width: o.width,
      height: o.height,
      input: { format: decoded.format, width: photo.width, height: photo.height, orientation: decoded.orientation },
      faces,
      subjectIndex,
      landmarks,
      window: { centerX: window.centerX, centerY: window.centerY, width: window.width, height: window.height, angleDegrees: (window.angle * 180) / Math.PI },
      metrics,
      enhancement,
      restoration,
      timings: timer.timings,
      framing: { marginUsed: framing.marginUsed, adjusted: framing.adjusted },
      cutout: cutout?.mode ?? null,
      warnings,
      backend: runtimes,
      options: o,
    };
  }

  return {
    backend,
    codec,
    runtimes,
    models,
    process,
    async detect(bytes, input = {}) {
      const o = resolvePortraitOptions({ maxPixels: input.maxPixels });
      const decoded = await decodeImage(codec, bytes, { maxPixels: o.maxPixels });
      return (await findFaces(decoded.image)).faces;
    },
    async analyze(bytes, input = {}) {
      const o = resolvePortraitOptions({ maxPixels: input.maxPixels, subject: input.subject });
      const { image } = await decodeImage(codec, bytes, { maxPixels: o.maxPixels });
      const { faces } = await findFaces(image);
      const { subjectIndex, landmarks } = await placeSubject(image, faces, o.subject, models.landmarks, () => undefined);
      return { width: image.width, height: image.height, faces, subjectIndex, landmarks, rollDegrees: eyeGeometry(landmarks).rollDegrees };
    },
    async release() {
      await Promise.allSettled(Object.values(models).map((m) => m.session.release()));
    },
  };
}
