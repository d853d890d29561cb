import type { RgbColor } from '../image/composite.js';
import { CUTOUT_MODES } from '../pipeline/cutout/cut-out-subject.js';
import type { BooleanSpec, EnumSpec, IntegerSpec, NumberSpec, ValueSpec } from './value-spec.js';



/** A colour: three integer channels 0–255 (background_r/_g/_b on HTTP and in the environment, R,G,B on the command line). */
export interface ColorSpec {
  readonly type: 'color';
}

interface OptionBase {
  /** Short label for forms (the playground). */
  readonly label: string;
  /** One line: what the option does (OpenAPI, CLI help, README, environment table). */
  readonly description: string;
  readonly unit?: string;
  /**
   * The snake_case name every surface's spelling derives from (face_margin → faceMargin,
   * --face-margin, FACECRAFT_DEFAULT_FACE_MARGIN); default: the table key in snake_case.
   */
  readonly name?: string;
  /** The HTTP field when the original service named it otherwise (kept for its clients). */
  readonly httpField?: string;
  /** Older command-line spellings that keep working; for a boolean, a flag that turns it off. */
  readonly legacyFlags?: readonly string[];
  /** An option the original service had: its HTTP field keeps the original's name, place and default. */
  readonly original?: boolean;
  /** false: a library option only (no form field, flag, variable or control). */
  readonly exposed: boolean;
  /** The server may set the default from FACECRAFT_DEFAULT_<NAME>. */
  readonly envDefault: boolean;
  /** Slider step in forms (numbers only). */
  readonly step?: number;
}

export type OptionValueSpec =
  | (IntegerSpec & { readonly default: number })
  | (NumberSpec & { readonly default: number })
  | (BooleanSpec & { readonly default: boolean })
  | (EnumSpec & { readonly default: string; readonly labels?: Readonly<Record<string, string>> })
  | (ColorSpec & { readonly default: RgbColor });

export type OptionSpec = OptionBase & OptionValueSpec;

const CANVAS = { type: 'integer', minimum: 64, maximum: 4096, unit: 'px' } as const;

/**
 * Every pipeline option, once: its type, range or choices, default, unit and meaning. The
 * library's resolvePortraitOptions, the HTTP form fields and their OpenAPI, the command-line
 * flags and their help, the server's FACECRAFT_DEFAULT_* variables and the README tables, and
 * the playground's controls are all derived from this table.
 */
export const PORTRAIT_OPTION_TABLE = {
  width: { ...CANVAS, default: 648, label: 'Width', description: 'Output width in pixels.', original: true, exposed: true, envDefault: true },
  height: { ...CANVAS, default: 648, label: 'Height', description: 'Output height in pixels.', original: true, exposed: true, envDefault: true },
  background: {
    type: 'color',
    default: { r: 240, g: 240, b: 240 },
    label: 'Background',
    description: 'Background colour of the JPEG: what transparent areas are composited on.',
    original: true,
    exposed: true,
    envDefault: true,
  },
  faceMargin: {
    type: 'number',
    minimum: 0,
    maximum: 2,
    default: 0.3,
    step: 0.05,
    unit: '× head size',
    label: 'Margin',
    description: 'Margin around the head as a fraction of its size; the top gets top_margin_factor × as much.',
    legacyFlags: ['--margin'],
    original: true,
    exposed: true,
    envDefault: true,
  },
  ovalMask: {
    type: 'boolean',
    default: true,
    label: 'Feathered oval mask',
    description: 'Multiply a feathered oval (radii 0.48 of the crop) into the alpha channel.',
    httpField: 'use_oval_mask',
    legacyFlags: ['--no-oval'],
    original: true,
    exposed: true,
    envDefault: true,
  },
  restoreFace: {
    type: 'boolean',
    default: true,
    name: 'enhance_face',
    label: 'Face restoration',
    description: 'Face restoration (the original ran CodeFormer); it runs only when a restoration model is installed, otherwise the result says restoration "no-model".',
    original: true,
    exposed: true,
    envDefault: true,
  },
  fidelity: {
    type: 'number',
    minimum: 0,
    maximum: 1,
    default: 0.7,
    step: 0.05,
    name: 'enhance_fidelity',
    label: 'Restoration fidelity',
    description: 'Face-restoration fidelity: 0 favours quality, 1 favours the input (CodeFormer\'s w); used only when a restoration model is installed.',
    original: true,
    exposed: true,
    envDefault: true,
  },
  subject: {
    type: 'string',
    enum: ['largest', 'center', 'single'],
    labels: { largest: 'Largest face', center: 'Face nearest the centre', single: 'Exactly one face' },
    default: 'largest',
    label: 'Subject',
    description: 'Which face to portray when there are several: the largest, the one nearest the centre, or single = refuse (422) unless there is exactly one.',
    exposed: true,
    envDefault: true,
  },
  maxJpegKb: {
    type: 'number',
    minimum: 4,
    maximum: 100_000,
    default: 99,
    unit: 'KB',
    name: 'max_kb',
    label: 'JPEG limit',
    description: 'The JPEG is encoded at the highest quality that fits this many kilobytes (1 KB = 1024 bytes).',
    exposed: true,
    envDefault: true,
  },
  removeBackground: {
    type: 'boolean',
    default: true,
    label: 'Remove background',
    description: 'Remove the background (segmentation); false keeps the photo behind the subject.',
    legacyFlags: ['--keep-background'],
    exposed: true,
    envDefault: true,
  },
  enhance: {
    type: 'boolean',
    default: true,
    label: 'Enhance colour & exposure',
    description: 'Photo enhancement: exposure, denoise, white balance, sharpening, contrast and saturation (the library also takes an object switching each step).',
    exposed: true,
    envDefault: true,
  },
  cutout: {
    type: 'string',
    enum: CUTOUT_MODES,
    labels: { salient: 'ISNet alone', person: 'With the person model', refined: 'Person, edge refined' },
    default: 'refined',
    label: 'Cut-out',
    description: 'How the background is removed: salient = ISNet alone; person = ISNet fused with the person model (necks and clothes kept, other people cut away); refined = person with the edge refined against the photo and the old background taken out of the edge colours.',
    exposed: true,
    envDefault: true,
  },
  segmentationSize: {
    type: 'integer',
    minimum: 256,
    maximum: 2048,
    multipleOf: 32,
    default: 768,
    unit: 'px',
    label: 'Segmentation',
    description: 'Side of the square the segmentation model runs at, a multiple of 32: larger is finer and slower.',
    exposed: true,
    envDefault: true,
  },
  topMarginFactor: {
    type: 'number',
    minimum: 0,
    maximum: 4,
    default: 1.5,
    step: 0.1,
    unit: '× face_margin',
    label: 'Top margin',
    description: 'How many times face_margin the space above the head gets.',
    exposed: true,
    envDefault: true,
  },
  minJpegQuality: {
    type: 'integer',
    minimum: 1,
    maximum: 100,
    default: 30,
    label: 'Lowest JPEG quality',
    description: 'The JPEG quality is never lowered below this to fit max_kb.',
    exposed: false,
    envDefault: false,
  },
  maxPixels: {
    type: 'integer',
    minimum: 1,
    maximum: 1_000_000_000,
    default: 50_000_000,
    label: 'Pixel limit',
    description: 'Photos with more pixels than this are refused from their header, before decoding.',
    exposed: false,
    envDefault: false,
  },
} as const satisfies Readonly<Record<string, OptionSpec>>;

export type PortraitOptionTable = typeof PORTRAIT_OPTION_TABLE;
export type PortraitOptionKey = keyof PortraitOptionTable;
export const PORTRAIT_OPTION_KEYS = Object.keys(PORTRAIT_OPTION_TABLE) as readonly PortraitOptionKey[];

/** The table's entry for a key, typed as the general spec (for code that walks the table). */
export function optionSpec(key: PortraitOptionKey): OptionSpec {
  return PORTRAIT_OPTION_TABLE[key];
}

/** The switches of `enhance` when the library is given an object: library only, same specs. */
export const ENHANCE_STEP_TABLE = {
  exposure: { type: 'boolean', default: true, description: 'Exposure compensation for underexposed photos: when the brightest 1 % of the subject stays below 200 (of 255), a gain in linear light lifts it to 230, at most one stop. Judged by the highlights, not the skin; bright photos are left alone.' },
  denoise: { type: 'boolean', default: true, description: 'Edge-preserving (bilateral) denoise.' },
  whiteBalance: { type: 'boolean', default: true, description: 'White balance: takes out the colour cast that near-grey pixels and grey edges agree on (none when they disagree), gains limited to 1.5.' },
  sharpen: { type: 'boolean', default: true, description: 'Unsharp mask on the luma (no colour fringes).' },
  contrast: { type: 'number', minimum: 0.5, maximum: 2, default: 1.15, description: 'Contrast factor (1 = unchanged); the original used 1.15.' },
  saturation: { type: 'number', minimum: 0, maximum: 2, default: 1.15, description: 'Saturation factor (1 = unchanged); the original used 1.15.' },
} as const satisfies Readonly<Record<string, (BooleanSpec & { readonly default: boolean } | NumberSpec & { readonly default: number }) & { readonly description: string }>>;

type ValueOf<S> = S extends { readonly type: 'boolean' }
  ? boolean
  : S extends { readonly type: 'color' }
    ? RgbColor
    : S extends { readonly enum: readonly (infer E)[] }
      ? E
      : number;

/** Photo enhancement, each step switchable (DESIGN.md pipeline step 7). */
export type EnhanceOptions = { readonly [K in keyof typeof ENHANCE_STEP_TABLE]: ValueOf<(typeof ENHANCE_STEP_TABLE)[K]> };

/** The resolved options, typed from the table; `enhance` resolves to its steps (or false). */
export type PortraitOptions = { readonly [K in PortraitOptionKey]: K extends 'enhance' ? false | EnhanceOptions : ValueOf<PortraitOptionTable[K]> };

export type SubjectPolicy = PortraitOptions['subject'];

/** One channel of a colour option. */
export const COLOR_CHANNEL_SPEC: IntegerSpec = Object.freeze({ type: 'integer', minimum: 0, maximum: 255 });

/** The value rule of an option that is not a colour: what a form field, flag or variable checks. */
export function valueRule(spec: Exclude<OptionSpec, { type: 'color' }>): ValueSpec {
  switch (spec.type) {
    case 'integer':
      return { type: 'integer', minimum: spec.minimum, maximum: spec.maximum, ...(spec.multipleOf ? { multipleOf: spec.multipleOf } : {}) };
    case 'number':
      return { type: 'number', minimum: spec.minimum, maximum: spec.maximum };
    case 'boolean':
      return { type: 'boolean' };
    case 'string':
      return { type: 'string', enum: spec.enum };
  }
}
