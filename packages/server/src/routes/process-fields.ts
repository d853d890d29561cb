import { CUTOUT_MODES, DEFAULT_PORTRAIT_OPTIONS, type PortraitOptionsInput } from '@facecraft/core';
import type { ServerConfig } from '../config.js';
import type { BooleanField, EnumField, IntegerField, NumberField, ParsedFields } from './route-spec.js';

/**
 * The form fields of the processing routes: the original service's names and meanings, the
 * server's configured defaults, the pipeline's limits, and the new options beside them.
 */
export function processFields(config: Pick<ServerConfig, 'defaults' | 'maxCanvas' | 'maxSegmentationSize'>) {
  const { defaults, maxCanvas } = config;
  const d = DEFAULT_PORTRAIT_OPTIONS;
  const channel = (name: string, value: number): IntegerField => ({
    type: 'integer',
    minimum: 0,
    maximum: 255,
    default: value,
    description: `Background ${name} (0–255): the colour the JPEG is composited on.`,
  });
  return {
    width: { type: 'integer', minimum: 64, maximum: maxCanvas, default: defaults.width, description: 'Output width in pixels (at most FACECRAFT_MAX_CANVAS).' } satisfies IntegerField,
    height: { type: 'integer', minimum: 64, maximum: maxCanvas, default: defaults.height, description: 'Output height in pixels (at most FACECRAFT_MAX_CANVAS).' } satisfies IntegerField,
    background_r: channel('red', defaults.background.r),
    background_g: channel('green', defaults.background.g),
    background_b: channel('blue', defaults.background.b),
    face_margin: {
      type: 'number',
      minimum: 0,
      maximum: 2,
      default: defaults.faceMargin,
      description: 'Margin around the head as a fraction of its size; the top gets 1.5× as much.',
    } satisfies NumberField,
    use_oval_mask: { type: 'boolean', default: defaults.ovalMask, description: 'Multiply a feathered oval into the alpha channel.' } satisfies BooleanField,
    enhance_face: {
      type: 'boolean',
      default: d.restoreFace,
      description: 'Face restoration (the original ran CodeFormer). It runs only when a restoration model is installed; otherwise the result says restoration "no-model".',
    } satisfies BooleanField,
    enhance_fidelity: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: defaults.fidelity,
      description: 'Restoration fidelity: 0 favours quality, 1 favours the input.',
    } satisfies NumberField,
    return_base64: { type: 'boolean', default: false, description: 'Also return both images base64-encoded in the JSON (png_base64, jpg_base64).' } satisfies BooleanField,
    subject: {
      type: 'string',
      enum: ['largest', 'center', 'single'] as const,
      default: d.subject,
      description: 'Which face to portray when there are several: the largest, the one nearest the centre, or single = refuse (422) unless there is exactly one.',
    } satisfies EnumField,
    max_kb: {
      type: 'number',
      minimum: 4,
      maximum: 100_000,
      default: d.maxJpegKb,
      description: 'The JPEG is encoded at the highest quality that fits this many kilobytes (1 KB = 1024 bytes).',
    } satisfies NumberField,
    remove_background: { type: 'boolean', default: d.removeBackground, description: 'Remove the background (segmentation); false keeps the photo behind the subject.' } satisfies BooleanField,
    enhance: { type: 'boolean', default: true, description: 'Photo enhancement: exposure, denoise, white balance, sharpening, contrast and saturation.' } satisfies BooleanField,
    cutout: {
      type: 'string',
      enum: CUTOUT_MODES,
      default: d.cutout,
      description: 'How the background is removed: salient = ISNet alone; person = ISNet fused with the person model (necks and clothes kept, other people cut away); refined = person with the edge refined against the photo and the old background taken out of the edge colours.',
    } satisfies EnumField,
    segmentation_size: {
      type: 'integer',
      minimum: 256,
      maximum: config.maxSegmentationSize,
      multipleOf: 32,
      default: Math.min(d.segmentationSize, config.maxSegmentationSize - (config.maxSegmentationSize % 32)),
      description: 'Side of the segmentation model input, a multiple of 32 (at most FACECRAFT_MAX_SEGMENTATION_SIZE): larger is finer and slower.',
    } satisfies IntegerField,
  } as const;
}

export type ProcessFields = ReturnType<typeof processFields>;

export function quickFields(config: Pick<ServerConfig, 'defaults' | 'maxCanvas'>) {
  const { defaults } = config;
  return {
    size: {
      type: 'integer',
      minimum: 64,
      maximum: config.maxCanvas,
      default: defaults.width,
      description: 'Width and height of the square portrait (default FACECRAFT_DEFAULT_WIDTH). The other options take the server defaults.',
    } satisfies IntegerField,
  } as const;
}

export function toPortraitOptions(f: ParsedFields<ProcessFields>): PortraitOptionsInput {
  return {
    width: f.width,
    height: f.height,
    background: { r: f.background_r, g: f.background_g, b: f.background_b },
    faceMargin: f.face_margin,
    ovalMask: f.use_oval_mask,
    restoreFace: f.enhance_face,
    fidelity: f.enhance_fidelity,
    subject: f.subject,
    maxJpegKb: f.max_kb,
    removeBackground: f.remove_background,
    enhance: f.enhance,
    segmentationSize: f.segmentation_size,
    cutout: f.cutout,
  };
}

/** The quick route: a square of `size`, everything else from the server's defaults and limits. */
export function quickPortraitOptions(size: number, config: Pick<ServerConfig, 'defaults' | 'maxSegmentationSize'>): PortraitOptionsInput {
  const { defaults } = config;
  return {
    width: size,
    height: size,
    background: defaults.background,
    faceMargin: defaults.faceMargin,
    ovalMask: defaults.ovalMask,
    fidelity: defaults.fidelity,
    segmentationSize: Math.min(DEFAULT_PORTRAIT_OPTIONS.segmentationSize, config.maxSegmentationSize - (config.maxSegmentationSize % 32)),
  };
}
