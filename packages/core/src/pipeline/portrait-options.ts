import { InvalidOptionError } from '../errors.js';
import { CUTOUT_MODES, type CutoutMode } from './cutout/cut-out-subject.js';

export type SubjectPolicy = 'largest' | 'center' | 'single';

export interface RgbColor {
  readonly r: number;
  readonly g: number;
  readonly b: number;
}

/** Photo enhancement, each step switchable (DESIGN.md pipeline step 7). */
export interface EnhanceOptions {
  /** CLAHE on lightness when the mean is far from 140 (OpenCV 8-bit L), gamma for dark photos. */
  readonly exposure: boolean;
  /** Edge-preserving (bilateral) denoise. */
  readonly denoise: boolean;
  /** Grey-world white balance, gains limited to 1.5. */
  readonly whiteBalance: boolean;
  readonly sharpen: boolean;
  /** Contrast factor (1 = unchanged); the original used 1.15. */
  readonly contrast: number;
  /** Saturation factor (1 = unchanged); the original used 1.15. */
  readonly saturation: number;
}

export interface PortraitOptions {
  /** Output canvas size in pixels. */
  readonly width: number;
  readonly height: number;
  /** JPEG background (and the colour transparent areas are composited on). */
  readonly background: RgbColor;
  /** Margin around the head as a fraction of its size; the top gets `topMarginFactor` × as much. */
  readonly faceMargin: number;
  readonly topMarginFactor: number;
  /** Feathered oval (radii 0.48 of the crop) multiplied into alpha. */
  readonly ovalMask: boolean;
  readonly removeBackground: boolean;
  /** `false` skips every enhancement step. */
  readonly enhance: false | EnhanceOptions;
  /** Face restoration when a restoration model is installed (the original's `enhance_face`). */
  readonly restoreFace: boolean;
  /** Restoration fidelity in [0, 1] (the original's `enhance_fidelity`; CodeFormer's w). */
  readonly fidelity: number;
  /** The JPEG is encoded at the highest quality that fits this many kilobytes (1 KB = 1024 bytes). */
  readonly maxJpegKb: number;
  readonly minJpegQuality: number;
  readonly subject: SubjectPolicy;
  /** Square side the segmentation model runs at (a multiple of 32). */
  readonly segmentationSize: number;
  /** How the cut-out is made: ISNet alone, fused with the person model, or fused and refined at the edge. */
  readonly cutout: CutoutMode;
  /** Photos with more pixels than this are refused from their header, before decoding. */
  readonly maxPixels: number;
}

export type PortraitOptionsInput = Partial<Omit<PortraitOptions, 'enhance' | 'background'>> & {
  readonly enhance?: boolean | Partial<EnhanceOptions>;
  readonly background?: RgbColor | readonly [number, number, number];
};

export const DEFAULT_ENHANCE_OPTIONS: EnhanceOptions = Object.freeze({
  exposure: true,
  denoise: true,
  whiteBalance: true,
  sharpen: true,
  contrast: 1.15,
  saturation: 1.15,
});

/** The original service's defaults, plus the new options. */
export const DEFAULT_PORTRAIT_OPTIONS: PortraitOptions = Object.freeze({
  width: 648,
  height: 648,
  background: Object.freeze({ r: 240, g: 240, b: 240 }),
  faceMargin: 0.3,
  topMarginFactor: 1.5,
  ovalMask: true,
  removeBackground: true,
  enhance: DEFAULT_ENHANCE_OPTIONS,
  restoreFace: true,
  fidelity: 0.7,
  maxJpegKb: 99,
  minJpegQuality: 30,
  subject: 'largest',
  segmentationSize: 768,
  cutout: 'refined',
  maxPixels: 50_000_000,
});

const SUBJECT_POLICIES: readonly SubjectPolicy[] = ['largest', 'center', 'single'];

function fail(name: string, expected: string, value: unknown): never {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  throw new InvalidOptionError(`Expected ${expected} for ${name} but received ${shown} of type ${typeof value}`, { option: name });
}

function integerIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) fail(name, `an integer from ${min} to ${max}`, value);
  return value;
}

function numberIn(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) fail(name, `a number from ${min} to ${max}`, value);
  return value;
}

function boolean(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') fail(name, 'a boolean', value);
  return value;
}

function color(value: unknown): RgbColor {
  const [r, g, b] = Array.isArray(value) ? value : [(value as RgbColor)?.r, (value as RgbColor)?.g, (value as RgbColor)?.b];
  return { r: integerIn('background.r', r, 0, 255), g: integerIn('background.g', g, 0, 255), b: integerIn('background.b', b, 0, 255) };
}

/** Fills defaults and validates: the single place where option defaults and limits live. */
export function resolvePortraitOptions(input: PortraitOptionsInput = {}): PortraitOptions {
  const o = { ...DEFAULT_PORTRAIT_OPTIONS, ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) };
  const known = new Set(Object.keys(DEFAULT_PORTRAIT_OPTIONS));
  for (const key of Object.keys(input)) if (!known.has(key)) fail(key, `one of the options ${[...known].join(', ')}`, key);

  let enhance: false | EnhanceOptions;
  const enhanceInput: unknown = o.enhance;
  if (enhanceInput === false) enhance = false;
  else if (enhanceInput === true) enhance = DEFAULT_ENHANCE_OPTIONS;
  else {
    if (typeof enhanceInput !== 'object' || enhanceInput === null) fail('enhance', 'a boolean or an object of enhancement steps', enhanceInput);
    const e = { ...DEFAULT_ENHANCE_OPTIONS, ...(enhanceInput as Partial<EnhanceOptions>) };
    enhance = {
      exposure: boolean('enhance.exposure', e.exposure),
      denoise: boolean('enhance.denoise', e.denoise),
      whiteBalance: boolean('enhance.whiteBalance', e.whiteBalance),
      sharpen: boolean('enhance.sharpen', e.sharpen),
      contrast: numberIn('enhance.contrast', e.contrast, 0.5, 2),
      saturation: numberIn('enhance.saturation', e.saturation, 0, 2),
    };
  }
  const segmentationSize = integerIn('segmentationSize', o.segmentationSize, 256, 2048);
  if (segmentationSize % 32 !== 0) fail('segmentationSize', 'a multiple of 32', segmentationSize);
  if (!CUTOUT_MODES.includes(o.cutout as CutoutMode)) fail('cutout', `one of ${CUTOUT_MODES.join(', ')}`, o.cutout);
  if (!SUBJECT_POLICIES.includes(o.subject as SubjectPolicy)) fail('subject', `one of ${SUBJECT_POLICIES.join(', ')}`, o.subject);

  return Object.freeze({
    width: integerIn('width', o.width, 64, 4096),
    height: integerIn('height', o.height, 64, 4096),
    background: Object.freeze(color(o.background)),
    faceMargin: numberIn('faceMargin', o.faceMargin, 0, 2),
    topMarginFactor: numberIn('topMarginFactor', o.topMarginFactor, 0, 4),
    ovalMask: boolean('ovalMask', o.ovalMask),
    removeBackground: boolean('removeBackground', o.removeBackground),
    enhance,
    restoreFace: boolean('restoreFace', o.restoreFace),
    fidelity: numberIn('fidelity', o.fidelity, 0, 1),
    maxJpegKb: numberIn('maxJpegKb', o.maxJpegKb, 4, 100_000),
    minJpegQuality: integerIn('minJpegQuality', o.minJpegQuality, 1, 100),
    subject: o.subject as SubjectPolicy,
    segmentationSize,
    cutout: o.cutout as CutoutMode,
    maxPixels: integerIn('maxPixels', o.maxPixels, 1, 1_000_000_000),
  });
}
